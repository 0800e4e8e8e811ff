import type { DataSource } from 'typeorm';
import { In } from 'typeorm';

import { groupLoader, rowsByKey } from '../../common/subject';
import { SeriesEntity, StudyEntity } from './imaging.entity';

/** Loaders for one request: each list costs one statement however many parents ask. */
export function createImagingLoaders(db: DataSource) {
  return {
    studies: rowsByKey((keys) =>
      db.getRepository(StudyEntity).find({
        where: { linkageKey: In(keys) },
        order: { studyDate: 'ASC', id: 'ASC' },
      }),
    ),
    series: groupLoader(
      (row: SeriesEntity) => row.studyId,
      (studyIds) =>
        db.getRepository(SeriesEntity).find({
          where: { studyId: In(studyIds) },
          order: { seriesNumber: 'ASC', id: 'ASC' },
        }),
    ),
  };
}

export type ImagingLoaders = ReturnType<typeof createImagingLoaders>;
