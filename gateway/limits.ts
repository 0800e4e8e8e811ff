import type { ApolloServerPlugin } from '@apollo/server';
import {
  type FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  type GraphQLCompositeType,
  type GraphQLSchema,
  isCompositeType,
  isListType,
  Kind,
  OperationTypeNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

import { requestError } from '../common/errors';

/** Limits on one operation, checked before any subgraph is called. */
export interface OperationLimits {
  /** Deepest field nesting (default 12). */
  maxDepth: number;
  /** Aliased fields in the whole operation (default 30). */
  maxAliases: number;
  /** Estimated fields to resolve, lists counted by their page size (default 250 000). */
  maxCost: number;
  /** Lexical tokens in the document, enforced by the parser (default 4 000). */
  maxTokens: number;
}

export const DEFAULT_LIMITS: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxCost: 250_000,
  maxTokens: 4_000,
};

/** Assumed length of a list with no `first` argument (per-subject lists are short). */
const UNBOUNDED_LIST = 10;
/** Assumed page of a connection with no `first` (its server-side default). */
const DEFAULT_PAGE = 100;

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
}

function tooComplex(limit: keyof OperationLimits, message: string) {
  return requestError('QUERY_TOO_COMPLEX', message, { limit });
}

/** What one operation asks for: depth, aliases and a cost that multiplies by page sizes. */
export function measureOperation(
  schema: GraphQLSchema,
  root: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): Measure {
  const measure: Measure = { depth: 0, aliases: 0, cost: 0 };

  const walk = (
    type: GraphQLCompositeType,
    set: SelectionSetNode,
    depth: number,
    weight: number,
  ) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments[selection.name.value];
        const on = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && on && isCompositeType(on)) {
          walk(on, fragment.selectionSet, depth, weight);
        }
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : type;
        if (on && isCompositeType(on)) {
          walk(on, selection.selectionSet, depth, weight);
        }
        continue;
      }
      measure.aliases += selection.alias ? 1 : 0;
      measure.depth = Math.max(measure.depth, depth);
      measure.cost += weight;
      const field = 'getFields' in type ? type.getFields()[selection.name.value] : undefined;
      if (!field || !selection.selectionSet) {
        continue;
      }
      const first = selection.arguments?.find((arg) => arg.name.value === 'first');
      const size = first ? numberOf(first.value, variables) : undefined;
      const named = getNamedType(field.type);
      let multiplier = 1;
      if (named.name.endsWith('Connection')) {
        multiplier = size ?? DEFAULT_PAGE;
      } else if (type.name.endsWith('Connection')) {
        // A connection's edges are its page, already counted by the connection field.
        multiplier = 1;
      } else if (isListType(getNullableType(field.type))) {
        multiplier = size ?? UNBOUNDED_LIST;
      }
      if (isCompositeType(named)) {
        walk(named, selection.selectionSet, depth + 1, weight * Math.max(1, multiplier));
      }
    }
  };

  walk(root, selectionSet, 1, 1);
  return measure;
}

function numberOf(value: ValueNode, variables: Record<string, unknown>): number | undefined {
  if (value.kind === Kind.INT) {
    return Number(value.value);
  }
  if (value.kind === Kind.VARIABLE) {
    const bound = variables[value.name.value];
    return typeof bound === 'number' ? bound : undefined;
  }
  return undefined;
}

/** The plugin that refuses an operation over a limit with QUERY_TOO_COMPLEX, naming it. */
export function operationLimitsPlugin<T extends object>(
  limits: OperationLimits,
): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request }) {
          if (!operation) {
            return;
          }
          const root =
            operation.operation === OperationTypeNode.MUTATION
              ? schema.getMutationType()
              : schema.getQueryType();
          if (!root) {
            return;
          }
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) {
              fragments[definition.name.value] = definition;
            }
          }
          const measure = measureOperation(
            schema,
            root,
            operation.selectionSet,
            fragments,
            request.variables ?? {},
          );
          if (measure.depth > limits.maxDepth) {
            throw tooComplex(
              'maxDepth',
              `The operation nests ${measure.depth} levels; the limit is ${limits.maxDepth}`,
            );
          }
          if (measure.aliases > limits.maxAliases) {
            throw tooComplex(
              'maxAliases',
              `The operation uses ${measure.aliases} aliases; the limit is ${limits.maxAliases}`,
            );
          }
          if (measure.cost > limits.maxCost) {
            throw tooComplex(
              'maxCost',
              `The operation could resolve about ${measure.cost} fields; the limit is ${limits.maxCost}. Ask for smaller pages.`,
            );
          }
        },
      };
    },
  };
}
