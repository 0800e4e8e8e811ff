import { type DisclosurePolicy, each, ENTITY_FIELDS } from '../../common/disclosure';
import { MANIFEST_ITEM_FIELDS } from './extract';

/** Imaging fields by disclosure category (DESIGN.md, "Disclosure rules"). */
export const imagingPolicy: DisclosurePolicy = {
  dataset: 'imaging',
  internalFieldScopes: { 'Mutation.imagingFreezeExtract': ['extract'] },
  rowTypes: ['ExtractManifestEdge', 'ExtractManifestItem'],
  fields: {
    ...ENTITY_FIELDS,
    'Query.imagingMatch': 'internal',
    'Mutation.imagingFreezeExtract': 'internal',
    'ExtractRequest.id': 'caller',
    'ExtractRequest.status': 'caller',
    'ExtractRequest.manifest': 'core',
    ...each('ExtractManifestConnection', ['edges', 'pageInfo', 'totalCount'], 'core'),
    ...each('ExtractManifestEdge', ['cursor', 'node'], 'core'),
    ...each('ExtractManifestPageInfo', ['hasNextPage', 'endCursor'], 'core'),
    ...each('ExtractManifestItem', MANIFEST_ITEM_FIELDS, 'core'),
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
