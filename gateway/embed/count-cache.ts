import { getVariableValues, type GraphQLSchema } from 'graphql';

import type { Grant } from '../../common/access';
import { canonicalJson } from '../../common/audit-entry';
import { canonicalLeaf, type Criterion, parseCriterion } from '../../common/criteria';
import type { ResponseBody } from '../audit';
import type { Caller } from '../auth';
import { type SafelistedOperation, sha256Hex } from './safelist';

/** An answer kept for identical requests, with what their audit entries need. */
export interface CachedAnswer {
  body: string;
  result: ResponseBody;
  /** The project's live grants when it was answered (`grantsFingerprint`). */
  grants: string;
}

export interface CountCacheOptions {
  /** How long an answer is reused, in ms (default 30 000). */
  ttlMs: number;
  /** Most answers kept; the oldest go first (default 10 000). */
  maxEntries: number;
}

export const DEFAULT_COUNT_CACHE: CountCacheOptions = { ttlMs: 30_000, maxEntries: 10_000 };

/**
 * Answers to safelisted operations, in this process, for a short time. Only clean answers
 * (HTTP 200, no error) are kept, so a refusal is always decided afresh.
 */
export class CountCache {
  private readonly entries = new Map<string, { answer: CachedAnswer; expires: number }>();

  constructor(private readonly options: CountCacheOptions = DEFAULT_COUNT_CACHE) {}

  get(key: string, now = Date.now()): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry?.answer;
  }

  set(key: string, answer: CachedAnswer, now = Date.now()): void {
    this.entries.delete(key);
    this.entries.set(key, { answer, expires: now + this.options.ttlMs });
    if (this.entries.size > this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}

/**
 * The cache key of a request: role, project and subject (the query ledger is kept per
 * subject, so one subject's answers never reach another), the operation, and its variables
 * as GraphQL coerces them with every cohort definition in a canonical form. Null when the
 * variables do not coerce or a definition is invalid: such a request goes to Apollo, which
 * answers with the error.
 */
export function cacheKey(
  schema: GraphQLSchema,
  caller: Caller,
  operation: SafelistedOperation,
  variables: unknown,
): string | null {
  const inputs = variables ?? {};
  if (typeof inputs !== 'object' || Array.isArray(inputs)) {
    return null;
  }
  const coerced = getVariableValues(
    schema,
    operation.operation.variableDefinitions ?? [],
    inputs as Record<string, unknown>,
    { maxErrors: 1 },
  );
  if (coerced.errors) {
    return null;
  }
  const values: Record<string, unknown> = { ...coerced.coerced };
  try {
    for (const name of operation.criteriaVariables) {
      values[name] = canonicalCriterion(parseCriterion(values[name]));
    }
  } catch {
    return null;
  }
  return sha256Hex(
    canonicalJson([caller.role, caller.project, caller.subject, operation.sha256, values]),
  );
}

/**
 * A definition's canonical text: `all` and `any` flattened into parents of the same kind,
 * their members sorted and without repeats, single members unwrapped, double `not` removed.
 * Rewordings that select the same people get the same text.
 */
export function canonicalCriterion(criterion: Criterion): string {
  if ('leaf' in criterion) {
    return canonicalLeaf(criterion.leaf);
  }
  if ('not' in criterion) {
    const inner = criterion.not;
    return 'not' in inner ? canonicalCriterion(inner.not) : `{"not":${canonicalCriterion(inner)}}`;
  }
  const kind = 'all' in criterion ? 'all' : 'any';
  const members = new Set<string>();
  const gather = (node: Criterion) => {
    const children =
      kind === 'all' ? ('all' in node ? node.all : null) : 'any' in node ? node.any : null;
    if (children) {
      children.forEach(gather);
    } else {
      members.add(canonicalCriterion(node));
    }
  };
  gather(criterion);
  const sorted = [...members].sort();
  return sorted.length === 1 ? sorted[0] : `{"${kind}":[${sorted.join(',')}]}`;
}

/** The project's live grants as one comparable text. */
export function grantsFingerprint(grants: Grant[]): string {
  return canonicalJson([...grants].sort((a, b) => (a.dataset < b.dataset ? -1 : 1)));
}
