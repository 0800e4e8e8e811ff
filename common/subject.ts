import DataLoader from 'dataloader';
import { Directive, Field, ID, ObjectType } from 'type-graphql';

import { releases } from './access';
import type { Dataset } from './config';
import type { ServiceContext } from './service';

/** What a resolved Subject is inside a service: the release ID and the key behind it. */
export interface SubjectRef {
  id: string;
  linkageKey: number;
}

/**
 * The federated entity every data subgraph extends. `id` is the caller's project-specific
 * release ID; `linkageKey` is resolved from it inside the service and never leaves it.
 *
 * Each subgraph makes its own class: type-graphql keeps field resolvers per class, and one
 * shared class would carry every subgraph's fields into every schema.
 */
export function defineSubject() {
  @Directive('@key(fields: "id")')
  @ObjectType('Subject', { description: 'A person, known to callers only by a release ID' })
  class Subject implements SubjectRef {
    @Field(() => ID, { description: 'Release ID: stable within a project, unlinkable across' })
    id: string;

    linkageKey: number;
  }
  return Subject;
}

/**
 * `__resolveReference` for Subject: maps a release ID of the caller's project back to the
 * linkage key. An ID that is not one of this project's resolves to null, so foreign IDs
 * and guesses look like subjects with no data.
 */
export const subjectReference = {
  Subject: {
    __resolveReference(reference: { id: string }, context: ServiceContext): SubjectRef | null {
      const project = context.identity.project;
      const linkageKey = project ? context.pseudonyms.linkageKey(project, reference.id) : null;
      return linkageKey === null ? null : { id: reference.id, linkageKey };
    },
  },
};

/** A DataLoader of rows grouped by a parent key: one statement per batch of parents. */
export function groupLoader<K, T>(
  keyOf: (row: T) => K,
  fetch: (keys: K[]) => Promise<T[]>,
): DataLoader<K, T[]> {
  return new DataLoader(async (keys) => {
    const groups = new Map<K, T[]>(keys.map((key) => [key, []]));
    for (const row of await fetch([...keys])) {
      groups.get(keyOf(row))?.push(row);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}

/** A DataLoader of rows grouped by linkage key. */
export function rowsByKey<T extends { linkageKey: number }>(
  fetch: (keys: number[]) => Promise<T[]>,
): DataLoader<number, T[]> {
  return groupLoader((row) => row.linkageKey, fetch);
}

/** A DataLoader of at most one row per linkage key. */
export function rowByKey<T extends { linkageKey: number }>(
  fetch: (keys: number[]) => Promise<T[]>,
): DataLoader<number, T | null> {
  return new DataLoader(async (keys) => {
    const rows = new Map((await fetch([...keys])).map((row) => [row.linkageKey, row]));
    return keys.map((key) => rows.get(key) ?? null);
  });
}

/**
 * A date at the precision the caller's grant allows: exact (`YYYY-MM-DD`) with a
 * supplemental grant, else the year alone (`YYYY`).
 */
export function dateForGrant(date: string, context: ServiceContext, dataset: Dataset): string {
  const grant = context.identity.grants.find((candidate) => candidate.dataset === dataset);
  return releases(grant, 'supplemental') ? date : date.slice(0, 4);
}
