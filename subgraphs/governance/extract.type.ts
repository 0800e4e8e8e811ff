import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

import { Modality } from '../../common/graphql-enums';

export enum ExtractStatusName {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}

registerEnumType(ExtractStatusName, {
  name: 'ExtractStatus',
  description: 'PENDING until a governance user other than the requester decides',
});

/**
 * The imaging selection of an extract. Federation merges input types by name, so this
 * must stay field-for-field the cohort service's `ImagingCriterion`.
 */
@InputType('ImagingCriterion', { description: 'Has imaging studies' })
export class ExtractImagingInput {
  @Field(() => Modality, { nullable: true })
  modality?: Modality;

  @Field(() => String, { nullable: true, description: 'DICOM body part, e.g. CHEST, HEAD' })
  bodyPart?: string;

  @Field(() => String, { nullable: true, description: 'Date as YYYY-MM-DD: studies on or after' })
  from?: string;

  @Field(() => String, { nullable: true, description: 'Date as YYYY-MM-DD: studies on or before' })
  to?: string;

  @Field(() => Int, { nullable: true, description: 'At least this many matching studies' })
  minStudies?: number;
}

@ObjectType('ExtractRequest', { description: 'A request to extract a saved cohort’s data' })
export class ExtractRequest {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  project: string;

  @Field(() => ID, { description: 'The saved cohort' })
  cohortId: string;

  @Field(() => String, { nullable: true, description: 'Image selection as JSON' })
  imaging: string | null;

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
