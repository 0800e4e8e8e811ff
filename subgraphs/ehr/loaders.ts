import type { DataSource } from 'typeorm';
import { In } from 'typeorm';

import { rowByKey, rowsByKey } from '../../common/subject';
import { DiagnosisEntity, LabResultEntity, PersonEntity, PrescriptionEntity } from './ehr.entity';

/** Loaders for one request: each list costs one statement however many subjects ask. */
export function createEhrLoaders(db: DataSource) {
  return {
    person: rowByKey((keys) => db.getRepository(PersonEntity).findBy({ linkageKey: In(keys) })),
    diagnoses: rowsByKey((keys) =>
      db.getRepository(DiagnosisEntity).find({
        where: { linkageKey: In(keys) },
        order: { diagnosedOn: 'ASC', id: 'ASC' },
      }),
    ),
    prescriptions: rowsByKey((keys) =>
      db.getRepository(PrescriptionEntity).find({
        where: { linkageKey: In(keys) },
        order: { prescribedOn: 'ASC', id: 'ASC' },
      }),
    ),
    labResults: rowsByKey((keys) =>
      db.getRepository(LabResultEntity).find({
        where: { linkageKey: In(keys) },
        order: { takenOn: 'ASC', id: 'ASC' },
      }),
    ),
  };
}

export type EhrLoaders = ReturnType<typeof createEhrLoaders>;
