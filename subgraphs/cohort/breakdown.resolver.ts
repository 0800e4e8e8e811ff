import { Arg, Ctx, Query, Resolver } from 'type-graphql';

import { parseCriterion } from '../../common/criteria';
import { requireCountGrants } from './access';
import { BreakdownDimension, planBreakdown } from './breakdown';
import { CohortBreakdown } from './breakdown.type';
import type { CohortContext } from './context';
import { CohortCriterion } from './criteria.input';
import type { Figure } from './ledger-rules';
import { selectKeys } from './select-keys';

@Resolver(() => CohortBreakdown)
export class BreakdownResolver {
  @Query(() => CohortBreakdown, {
    description:
      'A cohort’s count by one or two dimensions; every cell under the rules of cohortCount, ' +
      'then secondary suppression so that no total or margin gives a withheld cell away',
  })
  async cohortBreakdown(
    @Arg('criteria', () => CohortCriterion) criteria: CohortCriterion,
    @Arg('by', () => [BreakdownDimension]) by: BreakdownDimension[],
    @Ctx() ctx: CohortContext,
  ): Promise<CohortBreakdown> {
    const criterion = parseCriterion(criteria);
    const plan = planBreakdown(criterion, by);
    requireCountGrants(
      ctx.identity,
      { all: [criterion, ...plan.leaves.map((leaf) => ({ leaf }))] },
      'Query.cohortBreakdown',
    );
    // Entered before the first await, so aliased siblings are judged with this one.
    const ticket = ctx.batch.enter();
    try {
      const { keys, sets } = await selectKeys(criterion, ctx, plan.leaves);
      const table = plan.build(keys, sets);
      const figures: Figure[] = table.figures.map((figure) => ({
        definition: figure.definition,
        digest: ctx.disclosure.digest(figure.keys),
        trueCount: figure.keys.length,
      }));
      const verdict = await ticket.submit({
        field: 'Query.cohortBreakdown',
        shape: `breakdown:${by.join(',')}`,
        figures,
        lines: table.lines,
        cost: plan.cellCount,
      });
      if ('error' in verdict) {
        throw verdict.error;
      }

      const role = ctx.identity.role ?? 'embed';
      const counts = figures.map((figure, i) =>
        ctx.disclosure.release(
          figure.trueCount,
          figure.digest,
          role,
          i > 0 && verdict.withheld.has(i),
        ),
      );
      return {
        by,
        total: counts[0],
        margins: table.figures.flatMap((figure, i) =>
          figure.kind === 'margin'
            ? [{ dimension: by[figure.dimension ?? 0], value: figure.labels[0], count: counts[i] }]
            : [],
        ),
        cells: table.figures.flatMap((figure, i) =>
          figure.kind === 'cell' ? [{ values: figure.labels, count: counts[i] }] : [],
        ),
      };
    } finally {
      ticket.leave();
    }
  }
}
