import fs from 'node:fs';
import path from 'node:path';

import {
  buildSchema,
  getNamedType,
  type GraphQLField,
  type GraphQLSchema,
  isNonNullType,
  isObjectType,
} from 'graphql';

import type { ReleasableCategory } from '../../common/access';
import type { Dataset } from '../../common/config';
import type { DisclosurePolicy } from '../../common/disclosure';
import { projectRoot } from '../../common/paths';
import { ehrPolicy } from '../../subgraphs/ehr/disclosure-policy';
import { genomicsPolicy } from '../../subgraphs/genomics/disclosure-policy';
import { imagingPolicy } from '../../subgraphs/imaging/disclosure-policy';

/** The policies of the data sites: every record field callers can reach is in one of them. */
export const SITE_POLICIES: DisclosurePolicy[] = [imagingPolicy, genomicsPolicy, ehrPolicy];

const RELEASABLE: readonly string[] = ['core', 'supplemental', 'special'];

/** Arguments a field must be given; a required argument missing here fails the table. */
export const FIELD_ARGUMENTS: Record<string, string> = {
  'Subject.genotypes': '(rsIds: ["rs7903146"])',
};

/** A record field of Subject or of a type beneath it, with its disclosure category. */
export interface DataField {
  coordinate: string;
  dataset: Dataset;
  category: ReleasableCategory;
  description: string;
  /** Response keys from `subject` down to this field. */
  path: string[];
  /** The record fields that enclose this one, outermost first. */
  ancestors: DataField[];
  children: DataField[];
}

/** The public schema as the gateway serves it, parsed from the composed supergraph. */
export function supergraphSchema(): GraphQLSchema {
  const file = path.join(projectRoot(), 'schema', 'supergraph.graphql');
  return buildSchema(fs.readFileSync(file, 'utf8'), { assumeValidSDL: true });
}

/** The policy's record fields as trees under Subject, shaped by the supergraph. */
export function subjectFields(policy: DisclosurePolicy, schema: GraphQLSchema): DataField[] {
  if (policy.dataset === null) {
    throw new TypeError('subjectFields needs a data site’s policy, got one with no dataset');
  }
  return fieldsOf('Subject', policy.dataset, policy, schema, []);
}

function fieldsOf(
  typeName: string,
  dataset: Dataset,
  policy: DisclosurePolicy,
  schema: GraphQLSchema,
  ancestors: DataField[],
): DataField[] {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) {
    throw new TypeError(`${typeName} is not an object type of the supergraph`);
  }
  const entries = Object.entries(policy.fields).filter(
    ([coordinate, access]) => coordinate.startsWith(`${typeName}.`) && RELEASABLE.includes(access),
  );
  return entries.map(([coordinate, access]) => {
    const name = coordinate.slice(typeName.length + 1);
    const field = type.getFields()[name];
    if (!field) {
      throw new TypeError(`${coordinate} is in the ${dataset} policy but not in the supergraph`);
    }
    checkArguments(coordinate, field);
    const node: DataField = {
      coordinate,
      dataset,
      category: access as ReleasableCategory,
      description: field.description ?? '',
      path: [...(ancestors.at(-1)?.path ?? []), name],
      ancestors,
      children: [],
    };
    const named = getNamedType(field.type);
    if (isObjectType(named)) {
      if (ancestors.some((ancestor) => ancestor.coordinate.startsWith(`${named.name}.`))) {
        throw new TypeError(`${coordinate} leads back to ${named.name}: cycles are not walked`);
      }
      node.children = fieldsOf(named.name, dataset, policy, schema, [...ancestors, node]);
      if (node.children.length === 0) {
        throw new TypeError(`${coordinate} returns ${named.name}, which has no record fields`);
      }
    }
    return node;
  });
}

function checkArguments(coordinate: string, field: GraphQLField<unknown, unknown>): void {
  const required = field.args.filter(
    (arg) => isNonNullType(arg.type) && arg.defaultValue === undefined,
  );
  if (required.length > 0 && FIELD_ARGUMENTS[coordinate] === undefined) {
    throw new TypeError(`${coordinate} needs arguments: add them to FIELD_ARGUMENTS`);
  }
}

/** Every field of the trees, parents before children. */
export function flatten(fields: DataField[]): DataField[] {
  return fields.flatMap((field) => [field, ...flatten(field.children)]);
}

/** A selection set asking for every field of the trees. */
export function selectionOf(fields: DataField[]): string {
  return fields
    .map((field) => {
      const name = `${field.path.at(-1)}${FIELD_ARGUMENTS[field.coordinate] ?? ''}`;
      return field.children.length > 0 ? `${name} { ${selectionOf(field.children)} }` : name;
    })
    .join(' ');
}

/** The values at a response path, through lists; a null on the way gives one null. */
export function valuesAt(value: unknown, keys: string[]): unknown[] {
  if (value === null || value === undefined) {
    return [null];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item) => valuesAt(item, keys));
  }
  if (keys.length === 0) {
    return [value];
  }
  return valuesAt((value as Record<string, unknown>)[keys[0]], keys.slice(1));
}

/** An error path without its list indices: `subject.diagnoses.code`. */
export function fieldPath(errorPath: readonly unknown[] | undefined): string {
  return (errorPath ?? []).filter((key) => typeof key === 'string').join('.');
}
