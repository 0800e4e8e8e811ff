import type { Leaf } from '../../common/criteria';
import { type LeafQuery, matchingKeys, Where } from '../../common/matcher';

/** SQL for an imaging leaf: the `study_match` index covers modality, part, date and key. */
export function imagingLeafQuery(leaf: Leaf): LeafQuery {
  if (leaf.kind !== 'imaging') {
    throw new TypeError(`The imaging site does not match ${leaf.kind} criteria`);
  }
  const where = new Where()
    .add((p) => `modality = ${p}`, leaf.modality)
    .add((p) => `body_part = ${p}`, leaf.bodyPart)
    .add((p) => `study_date >= ${p}::date`, leaf.from)
    .add((p) => `study_date <= ${p}::date`, leaf.to);
  const minStudies = leaf.minStudies ?? 1;
  if (minStudies <= 1) {
    return matchingKeys('study', where);
  }
  where.params.push(minStudies);
  return {
    sql:
      `SELECT linkage_key AS k FROM study ${where.toString()} ` +
      `GROUP BY linkage_key HAVING count(*) >= $${where.params.length}`,
    params: where.params,
  };
}
