import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The governance service's extract request: the cohort service only creates it. */
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('ExtractRequest')
export class ExtractRequestStub {
  @Field(() => ID)
  id: string;
}
