import { Directive, Field, ObjectType } from 'type-graphql';

import {
  DatasetName,
  FieldCategoryName,
  GrantLevelName,
  RoleName,
} from '../../common/graphql-enums';

@ObjectType('ProjectGrant', { description: 'A project’s live grant on one dataset' })
export class ProjectGrant {
  @Field(() => DatasetName)
  dataset: DatasetName;

  @Field(() => GrantLevelName)
  level: GrantLevelName;

  @Field(() => FieldCategoryName, { description: 'Highest field category released' })
  maxCategory: FieldCategoryName;

  @Field(() => String, { nullable: true, description: 'ISO 8601 instant; null for none' })
  expiresAt: string | null;
}

@Directive('@key(fields: "subject")')
@ObjectType('Caller', { description: 'Who is asking, as the platform sees it' })
export class Caller {
  @Field(() => String, { description: 'The caller token’s subject' })
  subject: string;

  @Field(() => RoleName)
  role: RoleName;

  @Field(() => String, { nullable: true, description: 'The project the token acts for' })
  project: string | null;

  @Field(() => [ProjectGrant], { description: 'Live grants of the project, read now' })
  grants: ProjectGrant[];
}
