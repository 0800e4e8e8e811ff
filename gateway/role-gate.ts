import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  type SelectionSetNode,
} from 'graphql';

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
    'disclosureSettings',
    'setDisclosureSettings',
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

/**
 * The first root field of `operation` that `role` may not use, as a FORBIDDEN error naming
 * it; null when the role may use them all.
 */
export function roleRefusal(
  role: Role,
  document: DocumentNode,
  operation: OperationDefinitionNode,
) {
  const allowed = ROOT_FIELDS_BY_ROLE[role];
  if (!allowed) {
    return null;
  }
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition.selectionSet);
    }
  }
  const type = operation.operation === OperationTypeNode.MUTATION ? 'Mutation' : 'Query';
  const refused = rootFields(operation.selectionSet, fragments).find((name) => !allowed.has(name));
  if (!refused) {
    return null;
  }
  return requestError('FORBIDDEN', `${type}.${refused} is not available to the ${role} role`, {
    field: `${type}.${refused}`,
  });
}

/** Refuses, with FORBIDDEN naming the field, a root field the caller's role may not use. */
export const roleGatePlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, document, contextValue }) {
        const refusal = operation && roleRefusal(contextValue.caller.role, document, operation);
        if (refusal) {
          throw refusal;
        }
      },
    };
  },
};
