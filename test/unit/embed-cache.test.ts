import fs from 'node:fs';
import path from 'node:path';

import { parseCriterion } from '../../common/criteria';
import { projectRoot } from '../../common/paths';
import type { Caller } from '../../gateway/auth';
import {
  cacheKey,
  canonicalCriterion,
  CountCache,
  grantsFingerprint,
} from '../../gateway/embed/count-cache';
import { embedSchema, Safelist } from '../../gateway/embed/safelist';

const SCHEMA = embedSchema(
  fs.readFileSync(path.join(projectRoot(), 'schema', 'supergraph.graphql'), 'utf8'),
);
const COUNT = Safelist.load(SCHEMA)
  .operations()
  .find((operation) => operation.name === 'EmbedCohortCount')!;

const E11 = { diagnosis: { codePrefix: 'E11' } };
const CT = { imaging: { modality: 'CT', bodyPart: 'CHEST' } };
const OLDER = { demographics: { birthYearTo: 1950 } };
const WOMEN = { demographics: { sex: 'FEMALE' } };

const canonical = (criteria: unknown) => canonicalCriterion(parseCriterion(criteria));

const caller = (overrides: Partial<Caller> = {}): Caller => ({
  subject: 'portal',
  role: 'embed',
  project: 'feasibility',
  origins: ['https://portal.test'],
  app: 'portal',
  ...overrides,
});

describe('canonical cohort definitions', () => {
  it.each([
    ['members reordered', { all: [E11, CT] }, { all: [CT, E11] }],
    ['a nested all flattened', { all: [E11, { all: [CT, OLDER] }] }, { all: [OLDER, CT, E11] }],
    ['a repeated member', { any: [E11, CT, E11] }, { any: [CT, E11] }],
    ['a single member unwrapped', { all: [E11] }, E11],
    ['a double not removed', { not: { not: E11 } }, E11],
    ['an ICD-10 code in lower case', { diagnosis: { codePrefix: 'e11' } }, E11],
  ])('should give %s the same text', (_name, a, b) => {
    expect(canonical(a)).toBe(canonical(b));
  });

  it.each([
    ['all and any', { all: [E11, CT] }, { any: [E11, CT] }],
    ['a member and its negation', E11, { not: E11 }],
    ['an any nested in an all', { all: [E11, { any: [CT, OLDER] }] }, { all: [E11, CT, OLDER] }],
  ])('should tell %s apart', (_name, a, b) => {
    expect(canonical(a)).not.toBe(canonical(b));
  });
});

describe('the count cache key', () => {
  const key = (who: Caller, variables: unknown) => cacheKey(SCHEMA, who, COUNT, variables);

  it('should be the same for a reworded definition of the same caller', () => {
    const first = key(caller(), { criteria: { all: [E11, CT, WOMEN] } });
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(key(caller(), { criteria: { all: [WOMEN, CT, { all: [E11] }] } })).toBe(first);
  });

  it.each([
    ['subject', { subject: 'other' }],
    ['project', { project: 'demo-lung' }],
    ['role', { role: 'analyst' as const }],
  ])('should differ by %s', (_name, overrides) => {
    expect(key(caller(overrides), { criteria: E11 })).not.toBe(key(caller(), { criteria: E11 }));
  });

  it.each([
    ['no criteria', {}],
    ['an unknown field', { criteria: { diagnosis: { codePrefix: 'E11', extra: 1 } } }],
    ['two fields in one criterion', { criteria: { ...E11, ...CT } }],
    ['a list', [E11]],
  ])('should be null for %s, which Apollo must refuse', (_name, variables) => {
    expect(key(caller(), variables)).toBeNull();
  });
});

describe('CountCache', () => {
  const answer = (body: string) => ({ body, result: {}, grants: '[]' });

  it('should keep an answer for its time to live and no longer', () => {
    const cache = new CountCache({ ttlMs: 1_000, maxEntries: 10 });
    cache.set('k', answer('a'), 0);
    expect(cache.get('k', 999)?.body).toBe('a');
    expect(cache.get('k', 1_000)).toBeUndefined();
  });

  it('should forget the oldest answer beyond its size', () => {
    const cache = new CountCache({ ttlMs: 1_000, maxEntries: 2 });
    cache.set('a', answer('a'), 0);
    cache.set('b', answer('b'), 0);
    cache.set('c', answer('c'), 0);
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('c', 1)?.body).toBe('c');
  });
});

describe('grantsFingerprint', () => {
  it('should not depend on the order of grants, but on each of their terms', () => {
    const ehr = { dataset: 'ehr' as const, level: 'COUNT' as const, maxCategory: 'core' as const };
    const imaging = { ...ehr, dataset: 'imaging' as const };
    const a = grantsFingerprint([
      { ...ehr, expiresAt: null },
      { ...imaging, expiresAt: null },
    ]);
    expect(
      grantsFingerprint([
        { ...imaging, expiresAt: null },
        { ...ehr, expiresAt: null },
      ]),
    ).toBe(a);
    expect(grantsFingerprint([{ ...ehr, expiresAt: null }])).not.toBe(a);
    expect(
      grantsFingerprint([
        { ...ehr, expiresAt: null },
        { ...imaging, level: 'RECORD', expiresAt: null },
      ]),
    ).not.toBe(a);
  });
});
