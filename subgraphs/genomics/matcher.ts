import type { Leaf } from '../../common/criteria';
import { type LeafQuery, matchingKeys, Where } from '../../common/matcher';

/** SQL for a genomics leaf; each has an index led by its selecting columns. */
export function genomicsLeafQuery(leaf: Leaf): LeafQuery {
  switch (leaf.kind) {
    case 'variant':
      return matchingKeys(
        'genotype',
        new Where()
          .add((p) => `rs_id = ${p}`, leaf.rsId)
          .add((p) => `alt_alleles >= ${p}`, leaf.minAltAlleles ?? 1),
      );
    case 'apoe':
      return matchingKeys(
        'apoe',
        new Where().add((p) => `e4_copies >= ${p}`, leaf.minE4Copies),
      );
    case 'polygenicScore':
      return matchingKeys(
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
