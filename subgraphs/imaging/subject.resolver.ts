import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';

import { codedError } from '../../common/errors';
import { Modality } from '../../common/graphql-enums';
import { dateForGrant } from '../../common/subject';
import { Subject } from './subject.entity';
import type { ImagingContext } from './context';
import type { SeriesEntity, StudyEntity } from './imaging.entity';
import { ImagingSeries, ImagingStudy } from './imaging.type';

function projectOf(ctx: ImagingContext): string {
  if (!ctx.identity.project) {
    throw codedError('FORBIDDEN', 'Imaging records need a project', {
      field: 'Subject.imagingStudies',
    });
  }
  return ctx.identity.project;
}

function toStudy(row: StudyEntity, ctx: ImagingContext): ImagingStudy {
  return {
    id: row.id,
    uid: ctx.pseudonyms.uid(projectOf(ctx), 'study', row.id),
    modality: row.modality as Modality,
    bodyPart: row.bodyPart,
    date: dateForGrant(row.studyDate, ctx, 'imaging'),
    description: row.description,
  };
}

function toSeries(row: SeriesEntity, ctx: ImagingContext): ImagingSeries {
  return {
    id: row.id,
    uid: ctx.pseudonyms.uid(projectOf(ctx), 'series', row.id),
    number: row.seriesNumber,
    modality: row.modality as Modality,
    description: row.description,
    sliceThicknessMm: row.sliceThicknessMm,
    manufacturer: row.manufacturer,
    model: row.model,
    imageCount: row.imageCount,
  };
}

@Resolver(() => Subject)
export class ImagingSubjectResolver {
  @FieldResolver(() => [ImagingStudy], { nullable: true, description: 'Studies, oldest first' })
  async imagingStudies(
    @Root() subject: Subject,
    @Ctx() ctx: ImagingContext,
    @Arg('modality', () => Modality, { nullable: true }) modality?: Modality,
    @Arg('bodyPart', () => String, { nullable: true }) bodyPart?: string,
  ): Promise<ImagingStudy[]> {
    const rows = await ctx.loaders.studies.load(subject.linkageKey);
    const part = bodyPart?.toUpperCase();
    return rows
      .filter(
        (row) =>
          (!modality || row.modality === (modality as string)) && (!part || row.bodyPart === part),
      )
      .map((row) => toStudy(row, ctx));
  }
}

@Resolver(() => ImagingStudy)
export class ImagingStudyResolver {
  @FieldResolver(() => [ImagingSeries], { nullable: true })
  async series(@Root() study: ImagingStudy, @Ctx() ctx: ImagingContext): Promise<ImagingSeries[]> {
    return (await ctx.loaders.series.load(study.id)).map((row) => toSeries(row, ctx));
  }
}
