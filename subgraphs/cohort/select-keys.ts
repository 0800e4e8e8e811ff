import { type Criterion, type Leaf, leavesOf } from '../../common/criteria';
import type { KeySet } from '../../common/key-set';
import { canonicalise } from './canonical';
import type { CohortContext } from './context';
import { evaluate, EVERYONE, needsUniverse } from './evaluate';

/**
 * The keys a definition selects, from the sites' matchers, and the key sets of any `extra`
 * leaves asked in the same round trip (a breakdown's cells). The canonical tree is
 * evaluated, so repeated sub-criteria are combined once.
 */
export async function selectKeys(
  criterion: Criterion,
  ctx: Pick<CohortContext, 'sites' | 'identity'>,
  extra: Leaf[] = [],
): Promise<{ keys: KeySet; sets: Map<string, KeySet> }> {
  const tree = canonicalise(criterion);
  const leaves = [...leavesOf(tree), ...extra];
  if (needsUniverse(tree)) {
    leaves.push(EVERYONE);
  }
  const sets = await ctx.sites.match(leaves, ctx.identity.requestId);
  return { keys: evaluate(tree, sets), sets };
}
