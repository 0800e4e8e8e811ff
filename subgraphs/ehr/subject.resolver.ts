import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import { Sex } from '../../common/graphql-enums';
import { dateForGrant } from '../../common/subject';
import { Subject } from './subject.entity';
import type { EhrContext } from './context';
import { Diagnosis, LabResult, Prescription } from './subject.type';

@Resolver(() => Subject)
export class EhrSubjectResolver {
  @FieldResolver(() => Sex, { nullable: true })
  async sex(@Root() subject: Subject, @Ctx() ctx: EhrContext): Promise<Sex | null> {
    return ((await ctx.loaders.person.load(subject.linkageKey))?.sex as Sex | undefined) ?? null;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Year of birth' })
  async birthYear(@Root() subject: Subject, @Ctx() ctx: EhrContext): Promise<number | null> {
    return (await ctx.loaders.person.load(subject.linkageKey))?.birthYear ?? null;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'SIMD deprivation decile, 1 = most' })
  async deprivationDecile(@Root() subject: Subject, @Ctx() ctx: EhrContext) {
    return (await ctx.loaders.person.load(subject.linkageKey))?.deprivationDecile ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'NHS health board of residence' })
  async healthBoard(@Root() subject: Subject, @Ctx() ctx: EhrContext) {
    return (await ctx.loaders.person.load(subject.linkageKey))?.healthBoard ?? null;
  }

  @FieldResolver(() => [Diagnosis], { nullable: true })
  async diagnoses(@Root() subject: Subject, @Ctx() ctx: EhrContext): Promise<Diagnosis[]> {
    const rows = await ctx.loaders.diagnoses.load(subject.linkageKey);
    return rows.map((row) => ({
      code: row.icd10,
      date: dateForGrant(row.diagnosedOn, ctx, 'ehr'),
    }));
  }

  @FieldResolver(() => [Prescription], { nullable: true })
  async prescriptions(@Root() subject: Subject, @Ctx() ctx: EhrContext): Promise<Prescription[]> {
    const rows = await ctx.loaders.prescriptions.load(subject.linkageKey);
    return rows.map((row) => ({
      bnfCode: row.bnfCode,
      drug: row.drug,
      date: dateForGrant(row.prescribedOn, ctx, 'ehr'),
    }));
  }

  @FieldResolver(() => [LabResult], { nullable: true })
  async labResults(@Root() subject: Subject, @Ctx() ctx: EhrContext): Promise<LabResult[]> {
    const rows = await ctx.loaders.labResults.load(subject.linkageKey);
    return rows.map((row) => ({
      code: row.testCode,
      value: row.value,
      unit: row.unit,
      date: dateForGrant(row.takenOn, ctx, 'ehr'),
    }));
  }
}
