import { Field, ID, Int, ObjectType } from 'type-graphql';

import { Subject } from './subject.entity';

@ObjectType('CohortCount', { description: 'A count after disclosure control' })
export class CohortCount {
  @Field(() => Int, { nullable: true, description: 'The released value; null when suppressed' })
  value: number | null;

  @Field(() => String, {
    description: 'How to show it, e.g. "1,230", "<10", or "suppressed" in a breakdown',
  })
  display: string;

  @Field(() => Boolean, {
    description: 'True when withheld: below the threshold, or protecting a breakdown cell',
  })
  suppressed: boolean;

  @Field(() => Int, { description: 'Counts below this are suppressed' })
  threshold: number;

  @Field(() => Int, { description: 'Released values are rounded to a multiple of this' })
  roundedTo: number;
}

@ObjectType('PageInfo')
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' })
  endCursor: string | null;
}

@ObjectType('SubjectEdge')
export class SubjectEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => Subject)
  node: Subject;
}

@ObjectType('SubjectConnection', { description: 'A page of subjects, in release-ID order' })
export class SubjectConnection {
  @Field(() => [SubjectEdge])
  edges: SubjectEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@ObjectType('Cohort', { description: 'A saved cohort: its members are fixed when saved' })
export class Cohort {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { description: 'ISO 8601 instant it was saved' })
  createdAt: string;

  memberCount: number;

  setDigest: string | null;
}
