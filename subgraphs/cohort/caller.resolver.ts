import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';

import type { CohortContext } from './context';
import { Caller, QueryBudget } from './caller.type';

@Resolver(() => Caller)
export class CallerBudgetResolver {
  @FieldResolver(() => QueryBudget, {
    nullable: true,
    description: 'The project’s query budget today; null for a caller without a project',
  })
  async queryBudget(
    @Root() _caller: Caller,
    @Ctx() ctx: CohortContext,
  ): Promise<QueryBudget | null> {
    const { project } = ctx.identity;
    return project ? ctx.ledger.budget(project) : null;
  }
}

/**
 * `__resolveReference` for Caller: the gateway hands over the `me` of the governance
 * service, which is always the requesting caller; any other subject resolves to null.
 */
export const callerReference = {
  Caller: {
    __resolveReference(reference: { subject: string }, context: CohortContext): Caller | null {
      return reference.subject === context.identity.subject ? { subject: reference.subject } : null;
    },
  },
};
