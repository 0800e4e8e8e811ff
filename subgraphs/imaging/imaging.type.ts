import { Field, Float, Int, ObjectType } from 'type-graphql';

import { Modality } from '../../common/graphql-enums';

@ObjectType('ImagingSeries', { description: 'One series of a study' })
export class ImagingSeries {
  id: number;

  @Field(() => String, { description: 'Series instance UID, remapped for the project' })
  uid: string;

  @Field(() => Int)
  number: number;

  @Field(() => Modality)
  modality: Modality;

  @Field(() => String, { nullable: true, description: 'Series description (supplemental)' })
  description: string;

  @Field(() => Float, { nullable: true, description: 'Slice thickness in mm (supplemental)' })
  sliceThicknessMm: number | null;

  @Field(() => String, { nullable: true, description: 'Scanner manufacturer (special)' })
  manufacturer: string | null;

  @Field(() => String, { nullable: true, description: 'Scanner model (special)' })
  model: string | null;

  @Field(() => Int, { description: 'Number of image instances' })
  imageCount: number;
}

@ObjectType('ImagingStudy', { description: 'A DICOM study' })
export class ImagingStudy {
  id: number;

  @Field(() => String, { description: 'Study instance UID, remapped for the project' })
  uid: string;

  @Field(() => Modality)
  modality: Modality;

  @Field(() => String, { description: 'Body part examined, e.g. CHEST, HEAD' })
  bodyPart: string;

  @Field(() => String, { description: 'Study date: YYYY-MM-DD if supplemental, else YYYY' })
  date: string;

  @Field(() => String, { nullable: true, description: 'Study description (supplemental)' })
  description: string;
}
