import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { projectRoot } from '../../common/paths';
import { embedSchema, Safelist } from '../../gateway/embed/safelist';

const SCHEMA = embedSchema(
  fs.readFileSync(path.join(projectRoot(), 'schema', 'supergraph.graphql'), 'utf8'),
);
const COMPONENT = path.join(projectRoot(), 'gateway', 'embed', 'cohort-count.js');

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A safelist file holding one operation, its hash computed unless given. */
function fileWith(name: string, document: string, sha256 = sha(document)): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pictures-graph-safelist-'));
  const file = path.join(dir, 'safelist.json');
  fs.writeFileSync(file, JSON.stringify({ operations: [{ name, sha256, document }] }));
  return file;
}

describe('the safelist', () => {
  it('should load the checked-in operations, each by the hash of its text', () => {
    const operations = Safelist.load(SCHEMA).operations();
    expect(operations.map((operation) => operation.name)).toEqual([
      'EmbedCohortCount',
      'EmbedCohortBreakdown',
    ]);
    for (const operation of operations) {
      expect(operation.sha256).toBe(sha(operation.document));
      expect(operation.criteriaVariables).toEqual(['criteria']);
    }
  });

  it('should hold the operation the component sends, by the hash it sends', () => {
    const count = Safelist.load(SCHEMA).get(
      /sha256: '([0-9a-f]{64})'/.exec(fs.readFileSync(COMPONENT, 'utf8'))?.[1],
    );
    expect(count?.name).toBe('EmbedCohortCount');
  });

  it.each([
    [
      'a hash that is not its document’s',
      fileWith('A', 'query A { __typename }', '0'.repeat(64)),
      /"sha256" should be [0-9a-f]{64}/,
    ],
    [
      'a mutation',
      fileWith('A', 'mutation A { saveCohort(name: "x", criteria: {}) { id } }'),
      /one query/,
    ],
    ['two operations', fileWith('A', 'query A { __typename } query B { __typename }'), /one query/],
    ['a name that is not the operation’s', fileWith('A', 'query B { __typename }'), /named A/],
    ['a field the schema lacks', fileWith('A', 'query A { cohortCount { nope } }'), /A \(/],
    ['a root field embeds may not use', fileWith('A', 'query A { me { role } }'), /Query\.me/],
  ])('should refuse to load %s', (_name, file, message) => {
    expect(() => Safelist.load(SCHEMA, file)).toThrow(TypeError);
    expect(() => Safelist.load(SCHEMA, file)).toThrow(message);
  });

  it('should find nothing for a hash it does not hold, or a hash that is not a string', () => {
    const safelist = Safelist.load(SCHEMA);
    expect(safelist.get('0'.repeat(64))).toBeUndefined();
    expect(safelist.get(42)).toBeUndefined();
  });
});
