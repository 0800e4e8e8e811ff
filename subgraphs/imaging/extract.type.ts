import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

import { ExtractStatusName } from '../../common/graphql-enums';

@ObjectType('ExtractManifestItem', {
  description: 'One image instance of an extract, with identifiers of the project’s own',
})
export class ExtractManifestItem {
  @Field(() => ID, { description: 'Release ID of the subject' })
  releaseId: string;

  @Field(() => String, { description: 'Remapped study UID (2.25.<decimal>), per project' })
  studyUid: string;

  @Field(() => String, { description: 'Remapped series UID, per project' })
  seriesUid: string;

  @Field(() => String, { description: 'Remapped SOP instance UID, per project' })
  instanceUid: string;

  @Field(() => String)
  modality: string;

  @Field(() => String)
  bodyPart: string;

  @Field(() => String, {
    description: 'YYYY-MM-DD with a supplemental grant on imaging, else YYYY',
  })
  studyDate: string;

  @Field(() => Int)
  seriesNumber: number;

  @Field(() => Int)
  instanceNumber: number;

  @Field(() => String, {
    description: 'What the imaging site’s extraction pipeline resolves to the stored file',
  })
  storageRef: string;
}

@ObjectType('ExtractManifestEdge')
export class ExtractManifestEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => ExtractManifestItem)
  node: ExtractManifestItem;
}

@ObjectType('ExtractManifestPageInfo')
export class ExtractManifestPageInfo {
  @Field(() => Boolean)
  hasNextPage: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page' })
  endCursor: string | null;
}

@ObjectType('ExtractManifestConnection', { description: 'A page of an extract’s manifest' })
export class ExtractManifestConnection {
  @Field(() => [ExtractManifestEdge])
  edges: ExtractManifestEdge[];

  @Field(() => ExtractManifestPageInfo)
  pageInfo: ExtractManifestPageInfo;

  @Field(() => Int, { description: 'Instances in the whole extract' })
  totalCount: number;
}

/** The governance service's extract request, as the imaging site extends it. */
@Directive('@key(fields: "id")')
@ObjectType('ExtractRequest')
export class ExtractRequestRef {
  @Field(() => ID)
  id: string;

  @Directive('@external')
  @Field(() => ExtractStatusName)
  status: ExtractStatusName;
}
