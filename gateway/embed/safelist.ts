import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  buildSchema,
  type DocumentNode,
  getNamedType,
  GraphQLEnumType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  parse,
  typeFromAST,
  validate,
} from 'graphql';

import { Sex } from '../../common/graphql-enums';
import { projectRoot } from '../../common/paths';
import { roleRefusal } from '../role-gate';

/** The checked-in safelist (docs/embedding.md, "Adding an operation"). */
export const SAFELIST_FILE = path.join(projectRoot(), 'gateway', 'embed', 'safelist.json');

/** One operation an embed token may run. */
export interface SafelistedOperation {
  name: string;
  /** Hex SHA-256 of `document`, exactly as written: what clients send. */
  sha256: string;
  document: string;
  parsed: DocumentNode;
  operation: OperationDefinitionNode;
  /** Variables of type `CohortCriterion`, normalised for the count cache. */
  criteriaVariables: string[];
}

interface SafelistFile {
  operations?: Array<{ name?: unknown; sha256?: unknown; document?: unknown }>;
}

/** Enums whose values inside the services differ from their names (common/graphql-enums.ts). */
const INTERNAL_VALUES: Record<string, Record<string, string>> = { Sex };

/**
 * The schema safelisted operations are checked against, built from the supergraph, with
 * enum values as the services hold them so that coerced variables read as cohort criteria.
 */
export function embedSchema(supergraphSdl: string): GraphQLSchema {
  return mapSchema(buildSchema(supergraphSdl, { assumeValidSDL: true }), {
    [MapperKind.ENUM_TYPE]: (type) => {
      const internal = INTERNAL_VALUES[type.name];
      if (!internal) {
        return type;
      }
      const config = type.toConfig();
      for (const [name, value] of Object.entries(config.values)) {
        value.value = internal[name] ?? name;
      }
      return new GraphQLEnumType(config);
    },
  });
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The operations embed tokens may run, by hash. Loading checks every entry against the
 * schema and the embed role's root fields, so a bad entry stops the gateway at start
 * rather than failing in a web page.
 */
export class Safelist {
  private readonly byHash: Map<string, SafelistedOperation>;

  constructor(operations: SafelistedOperation[]) {
    this.byHash = new Map(operations.map((operation) => [operation.sha256, operation]));
  }

  /** Reads and checks a safelist file (default: the checked-in one). */
  static load(schema: GraphQLSchema, file = SAFELIST_FILE): Safelist {
    const content = JSON.parse(fs.readFileSync(file, 'utf8')) as SafelistFile;
    if (!Array.isArray(content.operations)) {
      throw new TypeError(`${file} needs an "operations" list`);
    }
    return new Safelist(content.operations.map((entry) => checkEntry(schema, entry, file)));
  }

  get(hash: unknown): SafelistedOperation | undefined {
    return typeof hash === 'string' ? this.byHash.get(hash) : undefined;
  }

  operations(): SafelistedOperation[] {
    return [...this.byHash.values()];
  }
}

function checkEntry(
  schema: GraphQLSchema,
  entry: { name?: unknown; sha256?: unknown; document?: unknown },
  file: string,
): SafelistedOperation {
  const { name, sha256, document } = entry;
  if (typeof name !== 'string' || typeof document !== 'string') {
    throw new TypeError(`Each operation in ${file} needs a "name" and a "document" string`);
  }
  const where = `Safelisted operation ${name} (${file})`;
  const actual = sha256Hex(document);
  if (sha256 !== actual) {
    throw new TypeError(`${where}: "sha256" should be ${actual}, the hash of its document`);
  }
  const parsed = parse(document);
  const operations = parsed.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  const [operation] = operations;
  if (operations.length !== 1 || operation.operation !== OperationTypeNode.QUERY) {
    throw new TypeError(`${where}: the document must hold exactly one query`);
  }
  if (operation.name?.value !== name) {
    throw new TypeError(`${where}: the query must be named ${name}`);
  }
  const errors = validate(schema, parsed);
  if (errors.length > 0) {
    throw new TypeError(`${where}: ${errors[0].message}`);
  }
  const refusal = roleRefusal('embed', parsed, operation);
  if (refusal) {
    throw new TypeError(`${where}: ${refusal.message}`);
  }
  const criteriaVariables = (operation.variableDefinitions ?? [])
    .filter((definition) => {
      const type = typeFromAST(schema, definition.type);
      return type !== undefined && getNamedType(type).name === 'CohortCriterion';
    })
    .map((definition) => definition.variable.name.value);
  return { name, sha256: actual, document, parsed, operation, criteriaVariables };
}
