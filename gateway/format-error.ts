import type { GraphQLFormattedError } from 'graphql';

import { codedError, isErrorCode, newReference } from '../common/errors';
import type { Logger } from '../common/logger';

/** Extension keys a client may see; anything else a subgraph or library adds is dropped. */
const VISIBLE = ['code', 'field', 'limit', 'argument', 'service', 'reference', 'retryAfterSeconds'];

/** Apollo's own codes for requests the caller got wrong. */
const REQUEST_ERRORS = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * The gateway's last word on every error: catalogue codes pass with safe detail; request
 * errors become BAD_USER_INPUT; anything else is masked and logged once with a reference.
 */
export function formatGatewayError(logger: Logger) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (
      isErrorCode(code) &&
      (code !== 'INTERNAL_SERVER_ERROR' || formatted.extensions?.reference)
    ) {
      const extensions = Object.fromEntries(
        Object.entries(formatted.extensions ?? {}).filter(([key]) => VISIBLE.includes(key)),
      );
      return { message: formatted.message, path: formatted.path, extensions };
    }
    // graphql-js stops parsing at the token limit with a syntax error; it is a limit.
    if (code === 'GRAPHQL_PARSE_FAILED' && formatted.message.includes('Parsing aborted')) {
      return {
        message: 'The document has more tokens than the limit',
        extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'maxTokens' },
      };
    }
    if (typeof code === 'string' && REQUEST_ERRORS.has(code)) {
      return { message: formatted.message, extensions: { code: 'BAD_USER_INPUT' } };
    }
    const reference = newReference();
    logger.error(
      { event: 'masked_error', reference, code, message: formatted.message },
      'unexpected error masked',
    );
    const masked = codedError('INTERNAL_SERVER_ERROR', `Internal error (reference ${reference})`, {
      reference,
    });
    return {
      message: masked.message,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', reference },
    };
  };
}
