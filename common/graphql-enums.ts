import { registerEnumType } from 'type-graphql';

/**
 * GraphQL enums that several subgraphs share. Federation requires a shared enum to have the
 * same values everywhere, so each is defined once here. Values are the internal spellings.
 */
export enum DatasetName {
  IMAGING = 'imaging',
  GENOMICS = 'genomics',
  EHR = 'ehr',
}

export enum RoleName {
  ANALYST = 'analyst',
  EMBED = 'embed',
  GOVERNANCE = 'governance',
}

export enum GrantLevelName {
  COUNT = 'COUNT',
  RECORD = 'RECORD',
}

export enum FieldCategoryName {
  CORE = 'core',
  SUPPLEMENTAL = 'supplemental',
  SPECIAL = 'special',
}

registerEnumType(DatasetName, { name: 'Dataset', description: 'A data site’s dataset' });
registerEnumType(RoleName, { name: 'Role', description: 'What a caller token lets it do' });
registerEnumType(GrantLevelName, {
  name: 'GrantLevel',
  description: 'COUNT: disclosure-controlled counts only; RECORD: record-level fields too',
});
registerEnumType(FieldCategoryName, {
  name: 'FieldCategory',
  description: 'The highest disclosure category a grant releases',
});

/** DICOM modalities held by the imaging site (PS3.3 C.7.3.1.1.1). */
export enum Modality {
  CT = 'CT',
  MR = 'MR',
  CR = 'CR',
  DX = 'DX',
  US = 'US',
  NM = 'NM',
  PT = 'PT',
  MG = 'MG',
}

registerEnumType(Modality, { name: 'Modality', description: 'DICOM modality' });

/** Sex as recorded by the EHR site; values are the stored codes. */
export enum Sex {
  FEMALE = 'F',
  MALE = 'M',
  UNKNOWN = 'U',
}

registerEnumType(Sex, { name: 'Sex', description: 'Sex as recorded' });

export enum ExtractStatusName {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}

registerEnumType(ExtractStatusName, {
  name: 'ExtractStatus',
  description: 'PENDING until a governance user other than the requester decides',
});
