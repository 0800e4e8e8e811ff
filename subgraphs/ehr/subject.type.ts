import { Field, Float, ObjectType } from 'type-graphql';

const DATE_NOTE = 'YYYY-MM-DD with a supplemental grant, else YYYY';

@ObjectType('Diagnosis', { description: 'A hospital diagnosis' })
export class Diagnosis {
  @Field(() => String, { description: 'ICD-10 code, e.g. C34.1' })
  code: string;

  @Field(() => String, { description: `Date of diagnosis: ${DATE_NOTE}` })
  date: string;
}

@ObjectType('Prescription', { description: 'A dispensed prescription' })
export class Prescription {
  @Field(() => String, { description: 'BNF code, e.g. 0601022B0' })
  bnfCode: string;

  @Field(() => String, { description: 'Drug name' })
  drug: string;

  @Field(() => String, { description: `Date prescribed: ${DATE_NOTE}` })
  date: string;
}

@ObjectType('LabResult', { description: 'A laboratory result' })
export class LabResult {
  @Field(() => String, { description: 'Test code, e.g. HBA1C, CHOL, EGFR' })
  code: string;

  @Field(() => Float, { nullable: true, description: 'Result value (supplemental)' })
  value: number;

  @Field(() => String, { description: 'Unit of the value, e.g. mmol/mol' })
  unit: string;

  @Field(() => String, { description: `Date taken: ${DATE_NOTE}` })
  date: string;
}
