import { type GraphQLResolveInfo, type GraphQLSchema, isObjectType } from 'graphql';
import { type IRule, rule, shield } from 'graphql-shield';
import type { IMiddlewareGenerator } from 'graphql-middleware';

import { CATEGORIES, type Category, releases } from './access';
import type { Dataset } from './config';
import { codedError, codeOf, newReference } from './errors';
import type { InternalIdentity, InternalScope } from './internal-token';
import type { Logger } from './logger';

/**
 * Who may resolve a field. Data fields carry a disclosure category (DESIGN.md, "Disclosure
 * rules"); fields that are not records carry an access rule instead:
 * - `caller`: any caller the gateway forwards (its own identity, entity plumbing); a service
 *   scope reaches only `internal` fields and the types they return;
 * - `analyst`: callers with the analyst role;
 * - `governance`: governance staff.
 */
export type FieldAccess = Category | 'caller' | 'analyst' | 'governance';

export interface DisclosurePolicy {
  /** The dataset whose grants release this subgraph's categorised fields; null for none. */
  dataset: Dataset | null;
  /** `Type.field` → access. A field that is not listed is denied. */
  fields: Record<string, FieldAccess>;
  /** The service scopes that may reach `internal` fields (default `matcher`). */
  internalScopes?: Array<Exclude<InternalScope, 'caller'>>;
  /** Object types that internal fields return: the internal scope may read their fields. */
  internalResultTypes?: string[];
  /**
   * Types whose values are rows released whole by the single field that returns them (a
   * page of a manifest): their fields are still listed in `fields`, but not checked again
   * one by one. Every field that returns a row type must carry a data category (checked
   * when the service starts).
   */
  rowTypes?: string[];
  /** `Type.field` → the only scopes that reach that `internal` field (instead of the above). */
  internalFieldScopes?: Record<string, Array<Exclude<InternalScope, 'caller'>>>;
}

/** The same access for several fields of one type. */
export function each(
  type: string,
  fields: readonly string[],
  access: FieldAccess,
): Record<string, FieldAccess> {
  return Object.fromEntries(fields.map((field) => [`${type}.${field}`, access]));
}

/** Federation's own fields: the gateway's plumbing, reachable by any verified identity. */
export const FEDERATION_FIELDS: Record<string, FieldAccess> = {
  'Query._service': 'caller',
  '_Service.sdl': 'caller',
};

/** The same plus entity resolution, for subgraphs that resolve entities. */
export const ENTITY_FIELDS: Record<string, FieldAccess> = {
  ...FEDERATION_FIELDS,
  'Query._entities': 'caller',
};

/** Shield's context: ours plus its cache. */
export interface PolicyContext {
  identity: InternalIdentity;
}

function coordinate(info: GraphQLResolveInfo): string {
  return `${info.parentType.name}.${info.fieldName}`;
}

function forbidden(info: GraphQLResolveInfo, needs: string) {
  const field = coordinate(info);
  return codedError('FORBIDDEN', `${field} needs ${needs}`, { field });
}

function accessRule(
  access: FieldAccess,
  policy: DisclosurePolicy,
  internalScopes: readonly InternalScope[] = policy.internalScopes ?? ['matcher'],
): IRule {
  const { dataset } = policy;
  const name = `${access}:${dataset ?? '-'}:${internalScopes.join('+')}`;
  return rule(name, { cache: 'no_cache' })(
    (_parent: unknown, _args: unknown, ctx: PolicyContext, info: GraphQLResolveInfo) => {
      const { identity } = ctx;
      if (access === 'internal') {
        return (
          internalScopes.includes(identity.scope) ||
          forbidden(info, `a service scope (${internalScopes.join(', ')})`)
        );
      }
      if (identity.scope !== 'caller') {
        const internalResult = policy.internalResultTypes?.includes(info.parentType.name);
        return (
          (internalScopes.includes(identity.scope) && internalResult === true) ||
          forbidden(info, 'a caller forwarded by the gateway')
        );
      }
      if (access === 'caller') {
        return true;
      }
      switch (access) {
        case 'analyst':
        case 'governance':
          return identity.role === access || forbidden(info, `the ${access} role`);
        default: {
          const grant = identity.grants.find((candidate) => candidate.dataset === dataset);
          if (identity.role === 'analyst' && releases(grant, access)) {
            return true;
          }
          return forbidden(info, `a RECORD grant on ${dataset ?? 'no dataset'} at ${access}`);
        }
      }
    },
  );
}

/** Every `Type.field` of the object types a schema serves (introspection types excluded). */
export function schemaCoordinates(schema: GraphQLSchema): string[] {
  const coordinates: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) && !type.name.startsWith('__')) {
      for (const field of Object.keys(type.getFields())) {
        coordinates.push(`${type.name}.${field}`);
      }
    }
  }
  return coordinates.sort();
}

/**
 * The graphql-shield middleware generated from a policy. Deny is the fallback: a field with
 * no entry is unreachable. Errors a resolver throws keep their catalogue code; anything else
 * is masked and logged once.
 */
export function policyShield(
  policy: DisclosurePolicy,
  logger: Logger,
): IMiddlewareGenerator<unknown, PolicyContext, unknown> {
  const rules: Record<string, Record<string, IRule>> = {};
  // Shield requires one rule object per name, so fields of the same access share one.
  const byAccess = new Map<FieldAccess, IRule>();
  const byScopes = new Map<string, IRule>();
  for (const [field, access] of Object.entries(policy.fields)) {
    if (
      !CATEGORIES.includes(access as Category) &&
      !['caller', 'analyst', 'governance'].includes(access)
    ) {
      throw new TypeError(`${field}: unknown access "${String(access)}"`);
    }
    const [typeName, fieldName] = field.split('.');
    rules[typeName] ??= {};
    const scopes = policy.internalFieldScopes?.[field];
    if (scopes) {
      if (access !== 'internal') {
        throw new TypeError(`${field}: scopes are given for a field that is not internal`);
      }
      const key = `internal:${scopes.join('+')}`;
      if (!byScopes.has(key)) {
        byScopes.set(key, accessRule(access, policy, scopes));
      }
      rules[typeName][fieldName] = byScopes.get(key) as IRule;
      continue;
    }
    if (!byAccess.has(access)) {
      byAccess.set(access, accessRule(access, policy));
    }
    rules[typeName][fieldName] = byAccess.get(access) as IRule;
  }

  return shield<unknown, PolicyContext, unknown>(rules, {
    fallbackRule: rule('deny-unlisted', { cache: 'no_cache' })(
      (_p: unknown, _a: unknown, _c: unknown, info: GraphQLResolveInfo) =>
        forbidden(info, 'a disclosure category, and it has none'),
    ),
    allowExternalErrors: false,
    debug: false,
    fallbackError: (thrown: unknown, _parent, _args, _ctx, info) => {
      if (thrown === null) {
        return forbidden(info, 'a grant this caller does not hold');
      }
      if (codeOf(thrown)) {
        return thrown as Error;
      }
      return maskUnexpected(thrown, logger, coordinate(info));
    },
  });
}

/** Logs an unexpected error once, with a reference, and returns the masked client error. */
export function maskUnexpected(error: unknown, logger: Logger, where: string) {
  const reference = newReference();
  logger.error({ err: error, reference, where }, 'unexpected error');
  return codedError('INTERNAL_SERVER_ERROR', `Internal error (reference ${reference})`, {
    reference,
  });
}
