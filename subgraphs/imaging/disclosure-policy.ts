import { type DisclosurePolicy, ENTITY_FIELDS } from '../../common/disclosure';

/** Imaging fields by disclosure category (DESIGN.md, "Disclosure rules"). */
export const imagingPolicy: DisclosurePolicy = {
  dataset: 'imaging',
  fields: {
    ...ENTITY_FIELDS,
    'Query.imagingMatch': 'internal',
    'Subject.id': 'caller',
    'Subject.imagingStudies': 'core',
    'ImagingStudy.uid': 'core',
    'ImagingStudy.modality': 'core',
    'ImagingStudy.bodyPart': 'core',
    'ImagingStudy.date': 'core',
    'ImagingStudy.description': 'supplemental',
    'ImagingStudy.series': 'core',
    'ImagingSeries.uid': 'core',
    'ImagingSeries.number': 'core',
    'ImagingSeries.modality': 'core',
    'ImagingSeries.description': 'supplemental',
    'ImagingSeries.sliceThicknessMm': 'supplemental',
    'ImagingSeries.manufacturer': 'special',
    'ImagingSeries.model': 'special',
    'ImagingSeries.imageCount': 'core',
  },
};
