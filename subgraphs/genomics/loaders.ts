import type { DataSource } from 'typeorm';
import { In } from 'typeorm';

import { rowByKey, rowsByKey } from '../../common/subject';
import {
  ApoeEntity,
  GenotypeEntity,
  PolygenicScoreEntity,
  SampleEntity,
  VariantEntity,
} from './genomics.entity';

export interface GenotypeRow extends GenotypeEntity {
  variant: VariantEntity;
}

/** Loaders for one request: each list costs one statement however many subjects ask. */
export function createGenomicsLoaders(db: DataSource) {
  return {
    samples: rowsByKey((keys) =>
      db.getRepository(SampleEntity).find({
        where: { linkageKey: In(keys) },
        order: { collectedOn: 'ASC', id: 'ASC' },
      }),
    ),
    apoe: rowByKey((keys) => db.getRepository(ApoeEntity).findBy({ linkageKey: In(keys) })),
    polygenicScores: rowsByKey((keys) =>
      db.getRepository(PolygenicScoreEntity).find({
        where: { linkageKey: In(keys) },
        order: { trait: 'ASC' },
      }),
    ),
    /** All genotype calls of the subjects, with their variants; filtered by rsID per field. */
    genotypes: rowsByKey<GenotypeRow>(
      (keys) =>
        db
          .getRepository(GenotypeEntity)
          .createQueryBuilder('g')
          .innerJoinAndMapOne('g.variant', VariantEntity, 'v', 'v.rs_id = g.rs_id')
          .where('g.linkage_key IN (:...keys)', { keys })
          .orderBy('g.rs_id')
          .getMany() as Promise<GenotypeRow[]>,
    ),
  };
}

export type GenomicsLoaders = ReturnType<typeof createGenomicsLoaders>;
