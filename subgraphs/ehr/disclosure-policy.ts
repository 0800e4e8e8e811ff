import { type DisclosurePolicy, ENTITY_FIELDS } from '../../common/disclosure';

/** EHR fields by disclosure category (DESIGN.md, "Disclosure rules"). */
export const ehrPolicy: DisclosurePolicy = {
  dataset: 'ehr',
  internalFieldScopes: { 'Mutation.ehrFreezeExtract': ['extract'] },
  fields: {
    ...ENTITY_FIELDS,
    'Query.ehrMatch': 'internal',
    'Mutation.ehrFreezeExtract': 'internal',
    'Subject.id': 'caller',
    'Subject.sex': 'core',
    'Subject.birthYear': 'core',
    'Subject.deprivationDecile': 'special',
    'Subject.healthBoard': 'special',
    'Subject.diagnoses': 'core',
    'Subject.prescriptions': 'core',
    'Subject.labResults': 'core',
    'Diagnosis.code': 'core',
    'Diagnosis.date': 'core',
    'Prescription.bnfCode': 'core',
    'Prescription.drug': 'core',
    'Prescription.date': 'core',
    'LabResult.code': 'core',
    'LabResult.value': 'supplemental',
    'LabResult.unit': 'core',
    'LabResult.date': 'core',
  },
};
