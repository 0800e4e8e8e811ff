import type { Leaf } from '../../common/criteria';
import { distinctKeys, type LeafQuery, Where } from '../../common/matcher';

/** SQL for a genomics leaf; each has an index led by its selecting columns. */
export function genomicsLeafQuery(leaf: Leaf): LeafQuery {
  switch (leaf.kind) {
    case 'variant':
      return distinctKeys(
        'genotype',
        new Where()
          .add((p) => `rs_id = ${p}`, leaf.rsId)
          .add((p) => `alt_alleles >= ${p}`, leaf.minAltAlleles ?? 1),
      );
    case 'apoe':
      return distinctKeys(
        'apoe',
        new Where().add((p) => `e4_copies >= ${p}`, leaf.minE4Copies),
      );
    case 'polygenicScore':
      return distinctKeys(
        'polygenic_score',
        new Where()
          .add((p) => `trait = ${p}`, leaf.trait)
          .add((p) => `percentile >= ${p}`, leaf.minPercentile)
          .add((p) => `percentile <= ${p}`, leaf.maxPercentile),
      );
    default:
      throw new TypeError(`The genomics site does not match ${leaf.kind} criteria`);
  }
}
