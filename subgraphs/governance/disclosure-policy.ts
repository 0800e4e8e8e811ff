import {
  type DisclosurePolicy,
  FEDERATION_FIELDS,
  type FieldAccess,
} from '../../common/disclosure';

/** The same access for several fields of one type. */
function each(type: string, fields: string[], access: FieldAccess): Record<string, FieldAccess> {
  return Object.fromEntries(fields.map((field) => [`${type}.${field}`, access]));
}

/** Governance holds no records; its fields are about callers and projects. */
export const governancePolicy: DisclosurePolicy = {
  dataset: null,
  internalScopes: ['grants', 'audit'],
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
    'Query.queryLog': 'governance',
    'Query.auditIntegrity': 'governance',
    'Mutation.appendAuditEntries': 'internal',
    ...each('QueryLogConnection', ['edges', 'pageInfo', 'totalCount'], 'governance'),
    ...each('QueryLogEdge', ['cursor', 'node'], 'governance'),
    ...each('QueryLogPageInfo', ['hasNextPage', 'endCursor'], 'governance'),
    ...each(
      'QueryLogEntry',
      [
        'id',
        'seq',
        'at',
        'caller',
        'role',
        'project',
        'clientName',
        'clientVersion',
        'operationName',
        'documentHash',
        'document',
        'variables',
        'coordinates',
        'outcome',
        'httpStatus',
        'errorCodes',
        'deniedFields',
        'releasedCounts',
        'rowsReturned',
        'durationMs',
        'flags',
        'hash',
      ],
      'governance',
    ),
    ...each(
      'AuditIntegrity',
      [
        'ok',
        'entries',
        'checkpoints',
        'firstBrokenSeq',
        'reason',
        'lastSeq',
        'lastCheckpointSeq',
        'checkedAt',
        'durationMs',
      ],
      'governance',
    ),
  },
};
