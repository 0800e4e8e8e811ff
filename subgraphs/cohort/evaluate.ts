import { canonicalLeaf, type Criterion, type Leaf } from '../../common/criteria';
import { difference, EMPTY, intersect, type KeySet, union } from '../../common/key-set';

/** The leaf whose set is everyone: what `not` is taken against when nothing else bounds it. */
export const EVERYONE: Leaf = { kind: 'everyone' };

/** True when evaluating the tree reads the universe: a `not` that nothing else bounds. */
export function needsUniverse(criterion: Criterion): boolean {
  if ('leaf' in criterion) {
    return false;
  }
  if ('not' in criterion) {
    return true;
  }
  if ('any' in criterion) {
    return criterion.any.some(needsUniverse);
  }
  const { positives, negatives } = split(criterion.all);
  return positives.length === 0 || [...positives, ...negatives].some(needsUniverse);
}

/** The children of an `all`: those that select, and the insides of those that exclude. */
function split(children: Criterion[]): { positives: Criterion[]; negatives: Criterion[] } {
  return {
    positives: children.filter((child) => !('not' in child)),
    negatives: children.flatMap((child) => ('not' in child ? [child.not] : [])),
  };
}

/**
 * The set a criterion selects, from the leaves' sets. `all` with `not` children subtracts
 * them from the intersection of the others, so the universe is read only when needed.
 */
export function evaluate(criterion: Criterion, sets: Map<string, KeySet>): KeySet {
  if ('leaf' in criterion) {
    return lookup(criterion.leaf, sets);
  }
  if ('not' in criterion) {
    return difference(lookup(EVERYONE, sets), evaluate(criterion.not, sets));
  }
  if ('any' in criterion) {
    return criterion.any.map((child) => evaluate(child, sets)).reduce(union, EMPTY);
  }
  const { positives, negatives } = split(criterion.all);
  // Smallest first keeps every intersection as cheap as the smallest set allows.
  let result =
    positives.length > 0
      ? positives
          .map((child) => evaluate(child, sets))
          .sort((a, b) => a.length - b.length)
          .reduce((acc, set) => intersect(acc, set))
      : lookup(EVERYONE, sets);
  for (const negative of negatives) {
    result = difference(result, evaluate(negative, sets));
  }
  return result;
}

function lookup(leaf: Leaf, sets: Map<string, KeySet>): KeySet {
  const set = sets.get(canonicalLeaf(leaf));
  if (!set) {
    throw new TypeError(`No key set was fetched for ${leaf.kind}; fetch every leaf first`);
  }
  return set;
}
