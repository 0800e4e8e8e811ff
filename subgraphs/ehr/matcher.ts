import type { Leaf } from '../../common/criteria';
import { matchingKeys as keys, type LeafQuery, Where } from '../../common/matcher';

/**
 * SQL for an EHR leaf. Each reads one covering index where it can (code, date, key), so
 * matching is an index-only scan rather than a pass over the table.
 */
export function ehrLeafQuery(leaf: Leaf): LeafQuery {
  switch (leaf.kind) {
    case 'diagnosis': {
      const where = new Where()
        .add((p) => `icd10 LIKE ${p}`, `${leaf.codePrefix}%`)
        .add((p) => `diagnosed_on >= ${p}::date`, leaf.from)
        .add((p) => `diagnosed_on <= ${p}::date`, leaf.to);
      return keys('diagnosis', where);
    }
    case 'prescription': {
      const where = new Where()
        .add((p) => `bnf_code LIKE ${p}`, `${leaf.bnfPrefix}%`)
        .add((p) => `prescribed_on >= ${p}::date`, leaf.from)
        .add((p) => `prescribed_on <= ${p}::date`, leaf.to);
      return keys('prescription', where);
    }
    case 'lab': {
      const where = new Where()
        .add((p) => `test_code = ${p}`, leaf.code)
        .add((p) => `value >= ${p}`, leaf.min)
        .add((p) => `value <= ${p}`, leaf.max)
        .add((p) => `taken_on >= ${p}::date`, leaf.from)
        .add((p) => `taken_on <= ${p}::date`, leaf.to);
      return keys('lab_result', where);
    }
    case 'demographics': {
      const where = new Where()
        .add((p) => `sex = ${p}`, leaf.sex)
        .add((p) => `birth_year >= ${p}`, leaf.birthYearFrom)
        .add((p) => `birth_year <= ${p}`, leaf.birthYearTo)
        .add((p) => `deprivation_decile = ${p}`, leaf.deprivationDecile)
        .add((p) => `health_board = ${p}`, leaf.healthBoard);
      return keys('person', where);
    }
    case 'everyone':
      return keys('person', new Where());
    default:
      throw new TypeError(`The EHR site does not match ${leaf.kind} criteria`);
  }
}
