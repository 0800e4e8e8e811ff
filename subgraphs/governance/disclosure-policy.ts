import { type DisclosurePolicy, FEDERATION_FIELDS } from '../../common/disclosure';

/** Governance holds no records; its fields are about callers and projects. */
export const governancePolicy: DisclosurePolicy = {
  dataset: null,
  internalScope: 'grants',
  internalResultTypes: ['ProjectGrant'],
  fields: {
    ...FEDERATION_FIELDS,
    'Query.me': 'caller',
    'Query.projectGrants': 'internal',
    'Caller.subject': 'caller',
    'Caller.role': 'caller',
    'Caller.project': 'caller',
    'Caller.grants': 'caller',
    'ProjectGrant.dataset': 'caller',
    'ProjectGrant.level': 'caller',
    'ProjectGrant.maxCategory': 'caller',
    'ProjectGrant.expiresAt': 'caller',
  },
};
