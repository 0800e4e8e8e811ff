import { Directive, Field, Int, ObjectType } from 'type-graphql';

@ObjectType('QueryBudget', {
  description: 'Units of counting a project may spend per UTC day; a repeat costs nothing',
})
export class QueryBudget {
  @Field(() => Int, { description: 'Units per day: a count costs 1, a breakdown 1 per cell' })
  limit: number;

  @Field(() => Int, { description: 'Units the project has spent today' })
  used: number;

  @Field(() => Int, { description: 'Units left today' })
  remaining: number;

  @Field(() => String, { description: 'ISO 8601 instant the budget renews (00:00 UTC)' })
  resetsAt: string;
}

/** The cohort service's part of the caller entity that the governance service owns. */
@Directive('@key(fields: "subject")')
@ObjectType('Caller', { description: 'Who is asking, as the platform sees it' })
export class Caller {
  @Field(() => String, { description: 'The caller token’s subject' })
  subject: string;
}
