import type { Dataset } from './config';

export const ROLES = ['analyst', 'embed', 'governance'] as const;
export type Role = (typeof ROLES)[number];

export const LEVELS = ['COUNT', 'RECORD'] as const;
export type GrantLevel = (typeof LEVELS)[number];

/** Field categories of the disclosure policy, from least to most sensitive (DESIGN.md). */
export const CATEGORIES = ['core', 'supplemental', 'special', 'internal'] as const;
export type Category = (typeof CATEGORIES)[number];

/** The categories a grant can release up to; `internal` never leaves a service. */
export type ReleasableCategory = Exclude<Category, 'internal'>;

/** One dataset grant of a project, as the governance service holds it. */
export interface Grant {
  dataset: Dataset;
  level: GrantLevel;
  maxCategory: ReleasableCategory;
  /** ISO 8601 instant after which the grant no longer applies; null for none. */
  expiresAt: string | null;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when `grant` releases fields of `category` as records. */
export function releases(grant: Grant | undefined, category: Category, now = Date.now()): boolean {
  if (!grant || grant.level !== 'RECORD' || category === 'internal') {
    return false;
  }
  if (grant.expiresAt !== null && Date.parse(grant.expiresAt) <= now) {
    return false;
  }
  return CATEGORIES.indexOf(category) <= CATEGORIES.indexOf(grant.maxCategory);
}
