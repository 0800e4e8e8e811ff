import type { DisclosurePolicy } from '../../common/disclosure';

/** The cohort service releases no record fields of its own: counts and release IDs only. */
export const cohortPolicy: DisclosurePolicy = {
  dataset: null,
  fields: {
    'Query._service': 'caller',
    'Query._entities': 'caller',
    'Query.subject': 'analyst',
    'Subject.id': 'caller',
  },
};
