import { Field, InputType, Int, ObjectType } from 'type-graphql';

const DEFAULT = 'null: the cohort service’s default';

@ObjectType('DisclosureSettings', {
  description: 'Disclosure-control settings in force (docs/disclosure-control.md)',
})
export class DisclosureSettingsRecord {
  @Field(() => Int, { nullable: true, description: `Counts below it are suppressed; ${DEFAULT}` })
  threshold: number | null;

  @Field(() => Int, { nullable: true, description: `Analysts’ counts round to it; ${DEFAULT}` })
  roundingAnalyst: number | null;

  @Field(() => Int, { nullable: true, description: `Other roles’ counts round to it; ${DEFAULT}` })
  roundingEmbed: number | null;

  @Field(() => Boolean, { nullable: true, description: `Noise fixed by the set; ${DEFAULT}` })
  noise: boolean | null;

  @Field(() => Int, { nullable: true, description: `The largest noise, in people; ${DEFAULT}` })
  noiseMax: number | null;

  @Field(() => Int, { nullable: true, description: `Budget units a project a day; ${DEFAULT}` })
  queryBudgetPerDay: number | null;

  @Field(() => Int, { nullable: true, description: `Differencing look-back, hours; ${DEFAULT}` })
  historyHours: number | null;

  @Field(() => String, { description: 'Who made the change in force' })
  changedBy: string;

  @Field(() => String, { description: 'Why' })
  reason: string;

  @Field(() => String, { description: 'When (ISO 8601)' })
  changedAt: string;
}

@InputType('DisclosureSettingsInput', {
  description: 'Settings to change: a field left out keeps its value, null restores the default',
})
export class DisclosureSettingsInput {
  @Field(() => Int, { nullable: true })
  threshold?: number | null;

  @Field(() => Int, { nullable: true })
  roundingAnalyst?: number | null;

  @Field(() => Int, { nullable: true })
  roundingEmbed?: number | null;

  @Field(() => Boolean, { nullable: true })
  noise?: boolean | null;

  @Field(() => Int, { nullable: true })
  noiseMax?: number | null;

  @Field(() => Int, { nullable: true })
  queryBudgetPerDay?: number | null;

  @Field(() => Int, { nullable: true })
  historyHours?: number | null;
}
