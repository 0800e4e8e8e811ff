import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, OperationTypeNode, type SelectionSetNode } from 'graphql';

import type { Role } from '../common/access';
import { requestError } from '../common/errors';
import type { GatewayContext } from './context';

/**
 * Root fields a role may ask for at all, checked before execution. Analysts may ask for
 * anything (field rules decide); embedded apps only for counts; governance never for
 * records or counts. `null` means no restriction at this level.
 */
export const ROOT_FIELDS_BY_ROLE: Record<Role, ReadonlySet<string> | null> = {
  analyst: null,
  embed: new Set(['cohortCount', 'cohortBreakdown', '__typename']),
  governance: new Set([
    'me',
    'queryLog',
    'auditIntegrity',
    'projects',
    'createProject',
    'grantDataset',
    'revokeGrant',
    'extractRequests',
    'approveExtract',
    'rejectExtract',
    '__typename',
  ]),
};

function rootFields(set: SelectionSetNode, fragments: Map<string, SelectionSetNode>): string[] {
  return set.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) {
      return [selection.name.value];
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      return rootFields(selection.selectionSet, fragments);
    }
    const fragment = fragments.get(selection.name.value);
    return fragment ? rootFields(fragment, fragments) : [];
  });
}

/** Refuses, with FORBIDDEN naming the field, a root field the caller's role may not use. */
export const roleGatePlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, document, contextValue }) {
        const allowed = ROOT_FIELDS_BY_ROLE[contextValue.caller.role];
        if (!allowed || !operation) {
          return;
        }
        const fragments = new Map<string, SelectionSetNode>();
        for (const definition of document.definitions) {
          if (definition.kind === Kind.FRAGMENT_DEFINITION) {
            fragments.set(definition.name.value, definition.selectionSet);
          }
        }
        const type = operation.operation === OperationTypeNode.MUTATION ? 'Mutation' : 'Query';
        const refused = rootFields(operation.selectionSet, fragments).find(
          (name) => !allowed.has(name),
        );
        if (refused) {
          throw requestError(
            'FORBIDDEN',
            `${type}.${refused} is not available to the ${contextValue.caller.role} role`,
            { field: `${type}.${refused}` },
          );
        }
      },
    };
  },
};
