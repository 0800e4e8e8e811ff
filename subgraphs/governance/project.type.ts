import { Field, ObjectType } from 'type-graphql';

import { DatasetName, FieldCategoryName, GrantLevelName } from '../../common/graphql-enums';

@ObjectType('GrantRecord', { description: 'A grant as governance keeps it, live or revoked' })
export class GrantRecord {
  @Field(() => DatasetName)
  dataset: DatasetName;

  @Field(() => GrantLevelName)
  level: GrantLevelName;

  @Field(() => FieldCategoryName)
  maxCategory: FieldCategoryName;

  @Field(() => String, { nullable: true })
  expiresAt: string | null;

  @Field(() => String)
  grantedBy: string;

  @Field(() => String)
  reason: string;

  @Field(() => String)
  grantedAt: string;

  @Field(() => String, { nullable: true })
  revokedAt: string | null;

  @Field(() => String, { nullable: true })
  revokedBy: string | null;

  @Field(() => String, { nullable: true })
  revokeReason: string | null;
}

@ObjectType('Project', { description: 'A research project and its grants' })
export class Project {
  @Field(() => String)
  id: string;

  @Field(() => String)
  title: string;

  @Field(() => String)
  createdAt: string;

  @Field(() => [GrantRecord], { description: 'Every grant, newest first, revoked ones too' })
  grants: GrantRecord[];
}
