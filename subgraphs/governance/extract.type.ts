import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

import { ExtractStatusName } from '../../common/graphql-enums';

export { ExtractStatusName };

@Directive('@key(fields: "id")')
@ObjectType('ExtractRequest', {
  description: 'A request to extract a saved cohort’s data, frozen when it was made',
})
export class ExtractRequest {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  project: string;

  @Field(() => ID, { description: 'The saved cohort' })
  cohortId: string;

  @Field(() => String, { nullable: true, description: 'The saved cohort’s name' })
  cohortName: string | null;

  @Field(() => String, { nullable: true, description: 'Image selection as JSON' })
  imaging: string | null;

  @Field(() => Int, { description: 'Subjects in the extract' })
  subjectCount: number;

  @Field(() => Int, { description: 'Imaging studies in the manifest' })
  studyCount: number;

  @Field(() => Int, { description: 'Imaging series in the manifest' })
  seriesCount: number;

  @Field(() => Int, { description: 'Image instances in the manifest' })
  instanceCount: number;

  @Field(() => [String], {
    description: 'Linked tables frozen with it, as `dataset/name`, e.g. `ehr/diagnoses`',
  })
  tables: string[];

  @Field(() => String)
  requestedBy: string;

  @Field(() => String)
  requestedAt: string;

  @Field(() => ExtractStatusName)
  status: ExtractStatusName;

  @Field(() => String, { nullable: true })
  decidedBy: string | null;

  @Field(() => String, { nullable: true })
  decidedAt: string | null;

  @Field(() => String, { nullable: true })
  note: string | null;
}

@ObjectType('ExtractRequestEdge')
export class ExtractRequestEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => ExtractRequest)
  node: ExtractRequest;
}

@ObjectType('ExtractRequestConnection', { description: 'Requests, oldest first' })
export class ExtractRequestConnection {
  @Field(() => [ExtractRequestEdge])
  edges: ExtractRequestEdge[];

  @Field(() => Boolean)
  hasNextPage: boolean;

  @Field(() => Int)
  totalCount: number;
}
