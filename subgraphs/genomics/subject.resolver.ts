import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';

import { codedError } from '../../common/errors';
import { dateForGrant } from '../../common/subject';
import { Subject } from './subject.entity';
import type { GenomicsContext } from './context';
import { GenomicSample, Genotype, PolygenicScore } from './genomics.type';

/** The most rsIDs one `genotypes` field may ask for. */
export const MAX_RS_IDS = 100;

function checkRsIds(rsIds: string[]): Set<string> {
  if (rsIds.length > MAX_RS_IDS) {
    throw codedError('BAD_USER_INPUT', `rsIds takes at most ${MAX_RS_IDS} variants`, {
      argument: 'rsIds',
    });
  }
  const bad = rsIds.find((rsId) => !/^rs[0-9]{1,12}$/.test(rsId));
  if (bad !== undefined) {
    throw codedError('BAD_USER_INPUT', 'rsIds must look like rs429358', { argument: 'rsIds' });
  }
  return new Set(rsIds);
}

@Resolver(() => Subject)
export class GenomicsSubjectResolver {
  @FieldResolver(() => [GenomicSample], { nullable: true })
  async samples(@Root() subject: Subject, @Ctx() ctx: GenomicsContext): Promise<GenomicSample[]> {
    const rows = await ctx.loaders.samples.load(subject.linkageKey);
    return rows.map((row) => ({
      assay: row.assay,
      date: dateForGrant(row.collectedOn, ctx, 'genomics'),
    }));
  }

  @FieldResolver(() => String, { nullable: true, description: 'APOE genotype, e.g. e3/e4' })
  async apoe(@Root() subject: Subject, @Ctx() ctx: GenomicsContext): Promise<string | null> {
    return (await ctx.loaders.apoe.load(subject.linkageKey))?.genotype ?? null;
  }

  @FieldResolver(() => [Genotype], { nullable: true, description: 'Calls at the named variants' })
  async genotypes(
    @Root() subject: Subject,
    @Ctx() ctx: GenomicsContext,
    @Arg('rsIds', () => [String]) rsIds: string[],
  ): Promise<Genotype[]> {
    const wanted = checkRsIds(rsIds);
    const rows = await ctx.loaders.genotypes.load(subject.linkageKey);
    return rows
      .filter((row) => wanted.has(row.rsId))
      .map((row) => ({
        rsId: row.rsId,
        gene: row.variant.gene,
        chromosome: row.variant.chromosome,
        position: row.variant.position,
        refAllele: row.variant.refAllele,
        altAllele: row.variant.altAllele,
        altAlleles: row.altAlleles,
      }));
  }

  @FieldResolver(() => [PolygenicScore], { nullable: true })
  async polygenicScores(@Root() subject: Subject, @Ctx() ctx: GenomicsContext) {
    return ctx.loaders.polygenicScores.load(subject.linkageKey);
  }
}
