import { type Criterion, leavesOf, SITE_OF } from '../../common/criteria';
import { codedError } from '../../common/errors';
import type { InternalIdentity } from '../../common/internal-token';

/** Callers reach records only through a project's RECORD grants (DESIGN.md). */
export function requireRecordGrant(identity: InternalIdentity, field: string): string {
  const { project, grants } = identity;
  if (
    identity.role !== 'analyst' ||
    !project ||
    !grants.some((grant) => grant.level === 'RECORD')
  ) {
    throw codedError('FORBIDDEN', `${field} needs a RECORD grant on at least one dataset`, {
      field,
    });
  }
  return project;
}

/**
 * Counts need a grant (COUNT or RECORD) on every dataset the definition asks about; the
 * gateway has already dropped expired grants.
 */
export function requireCountGrants(
  identity: InternalIdentity,
  criterion: Criterion,
  field: string,
) {
  if (identity.role !== 'analyst' && identity.role !== 'embed') {
    throw codedError('FORBIDDEN', `${field} needs the analyst or embed role`, { field });
  }
  const granted = new Set(identity.grants.map((grant) => grant.dataset));
  const missing = [...new Set(leavesOf(criterion).map((leaf) => SITE_OF[leaf.kind]))].filter(
    (dataset) => !granted.has(dataset),
  );
  if (missing.length > 0) {
    throw codedError(
      'FORBIDDEN',
      `${field} needs a COUNT grant on ${missing.join(' and ')} for this definition`,
      { field },
    );
  }
}
