import { Field, ObjectType, registerEnumType } from 'type-graphql';

import { BreakdownDimension } from './breakdown';
import { CohortCount } from './cohort.type';

registerEnumType(BreakdownDimension, {
  name: 'BreakdownDimension',
  description: 'An attribute to break a cohort down by',
  valuesConfig: {
    SEX: { description: 'FEMALE, MALE, UNKNOWN (EHR)' },
    AGE_BAND: { description: 'Age reached this calendar year: 0-9, 10-19, …, 90-99, 100+ (EHR)' },
    DEPRIVATION_DECILE: { description: 'SIMD decile of residence, 1 to 10' },
    HEALTH_BOARD: { description: 'NHS Scotland health board of residence' },
    MODALITY: { description: 'Has a study of the modality (imaging); a person may be in several' },
    YEAR: {
      description: 'Has a study in the year, since 2006 (imaging); a person may be in several',
    },
  },
});

@ObjectType('BreakdownCell', { description: 'The cohort’s members with one value per dimension' })
export class BreakdownCell {
  @Field(() => [String], {
    description: 'One value per dimension, in the order of `by`; NOT_RECORDED for none',
  })
  values: string[];

  @Field(() => CohortCount, {
    description: 'Withheld cells show "suppressed", whatever the reason',
  })
  count: CohortCount;
}

@ObjectType('BreakdownMargin', {
  description: 'The cohort’s members with one value of one dimension',
})
export class BreakdownMargin {
  @Field(() => BreakdownDimension)
  dimension: BreakdownDimension;

  @Field(() => String, { description: 'A value of the dimension, or NOT_RECORDED' })
  value: string;

  @Field(() => CohortCount, { description: 'Withheld margins show "suppressed"' })
  count: CohortCount;
}

@ObjectType('CohortBreakdown', {
  description: 'A cohort’s count broken down, after primary and secondary suppression',
})
export class CohortBreakdown {
  @Field(() => [BreakdownDimension], { description: 'The dimensions, as asked' })
  by: BreakdownDimension[];

  @Field(() => CohortCount, { description: 'The whole cohort, as cohortCount answers it' })
  total: CohortCount;

  @Field(() => [BreakdownMargin], {
    description: 'With two dimensions, the count for each value of each; empty with one',
  })
  margins: BreakdownMargin[];

  @Field(() => [BreakdownCell], { description: 'Every combination of values, in order' })
  cells: BreakdownCell[];
}
