import { Field, Float, InputType, Int } from 'type-graphql';

import { Modality, Sex } from '../../common/graphql-enums';

const DATE = 'Date as YYYY-MM-DD';

@InputType('DiagnosisCriterion', { description: 'Has an ICD-10 diagnosis' })
export class DiagnosisCriterion {
  @Field(() => String, { description: 'ICD-10 code or prefix, e.g. C34 or E11.9' })
  codePrefix: string;

  @Field(() => String, { nullable: true, description: `${DATE}: on or after` })
  from?: string;

  @Field(() => String, { nullable: true, description: `${DATE}: on or before` })
  to?: string;
}

@InputType('PrescriptionCriterion', { description: 'Was prescribed a BNF drug' })
export class PrescriptionCriterion {
  @Field(() => String, { description: 'BNF code or prefix, e.g. 0601022 (biguanides)' })
  bnfPrefix: string;

  @Field(() => String, { nullable: true, description: `${DATE}: on or after` })
  from?: string;

  @Field(() => String, { nullable: true, description: `${DATE}: on or before` })
  to?: string;
}

@InputType('LabCriterion', { description: 'Has a lab result in range' })
export class LabCriterion {
  @Field(() => String, { description: 'Test code: HBA1C, CHOL, LDL, HDL, EGFR, CREAT, GLUC, BMI' })
  code: string;

  @Field(() => Float, { nullable: true, description: 'Lowest value, inclusive' })
  min?: number;

  @Field(() => Float, { nullable: true, description: 'Highest value, inclusive' })
  max?: number;

  @Field(() => String, { nullable: true, description: `${DATE}: on or after` })
  from?: string;

  @Field(() => String, { nullable: true, description: `${DATE}: on or before` })
  to?: string;
}

@InputType('DemographicsCriterion', {
  description: 'Sex, year of birth, deprivation decile and health board of residence',
})
export class DemographicsCriterion {
  @Field(() => Sex, { nullable: true })
  sex?: Sex;

  @Field(() => Int, { nullable: true })
  birthYearFrom?: number;

  @Field(() => Int, { nullable: true })
  birthYearTo?: number;

  @Field(() => Int, { nullable: true, description: 'SIMD decile of residence, 1 = most deprived' })
  deprivationDecile?: number;

  @Field(() => String, { nullable: true, description: 'NHS Scotland health board, e.g. Tayside' })
  healthBoard?: string;
}

@InputType('ImagingCriterion', { description: 'Has imaging studies' })
export class ImagingCriterion {
  @Field(() => Modality, { nullable: true })
  modality?: Modality;

  @Field(() => String, { nullable: true, description: 'DICOM body part, e.g. CHEST, HEAD' })
  bodyPart?: string;

  @Field(() => String, { nullable: true, description: `${DATE}: studies on or after` })
  from?: string;

  @Field(() => String, { nullable: true, description: `${DATE}: studies on or before` })
  to?: string;

  @Field(() => Int, { nullable: true, description: 'At least this many matching studies' })
  minStudies?: number;
}

@InputType('VariantCriterion', { description: 'Carries the alternate allele of a variant' })
export class VariantCriterion {
  @Field(() => String, { description: 'rsID, e.g. rs7903146' })
  rsId: string;

  @Field(() => Int, { nullable: true, description: 'At least this many alt alleles (default 1)' })
  minAltAlleles?: number;
}

@InputType('ApoeCriterion', { description: 'APOE e4 carrier status' })
export class ApoeCriterion {
  @Field(() => Int, { description: 'At least this many e4 alleles (0, 1 or 2)' })
  minE4Copies: number;
}

@InputType('PolygenicScoreCriterion', { description: 'Polygenic score percentile in range' })
export class PolygenicScoreCriterion {
  @Field(() => String, { description: 'Trait code, e.g. T2D, CAD, AD' })
  trait: string;

  @Field(() => Int, { nullable: true })
  minPercentile?: number;

  @Field(() => Int, { nullable: true })
  maxPercentile?: number;
}

@InputType('CohortCriterion', {
  description: 'A cohort definition: set exactly one field (BAD_USER_INPUT otherwise)',
})
export class CohortCriterion {
  @Field(() => [CohortCriterion], { nullable: true, description: 'Every criterion holds' })
  all?: CohortCriterion[];

  @Field(() => [CohortCriterion], { nullable: true, description: 'At least one holds' })
  any?: CohortCriterion[];

  @Field(() => CohortCriterion, { nullable: true, description: 'The criterion does not hold' })
  not?: CohortCriterion;

  @Field(() => DiagnosisCriterion, { nullable: true })
  diagnosis?: DiagnosisCriterion;

  @Field(() => PrescriptionCriterion, { nullable: true })
  prescription?: PrescriptionCriterion;

  @Field(() => LabCriterion, { nullable: true })
  lab?: LabCriterion;

  @Field(() => DemographicsCriterion, { nullable: true })
  demographics?: DemographicsCriterion;

  @Field(() => ImagingCriterion, { nullable: true })
  imaging?: ImagingCriterion;

  @Field(() => VariantCriterion, { nullable: true })
  variant?: VariantCriterion;

  @Field(() => ApoeCriterion, { nullable: true })
  apoe?: ApoeCriterion;

  @Field(() => PolygenicScoreCriterion, { nullable: true })
  polygenicScore?: PolygenicScoreCriterion;
}
