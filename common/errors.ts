import { randomUUID } from 'node:crypto';

import { GraphQLError } from 'graphql';

/**
 * The one catalogue of client-visible error codes (DESIGN.md, "Errors"). Every error a
 * caller can see carries one of these codes in `extensions.code`; docs/errors.md is
 * generated from this table.
 */
export const ERROR_CATALOGUE = {
  UNAUTHENTICATED: {
    status: 401,
    meaning: 'The request carries no valid caller token (or a subgraph, no internal token).',
  },
  FORBIDDEN: {
    status: 403,
    meaning: 'The caller is authenticated but its role or grants do not release this field.',
  },
  BAD_USER_INPUT: {
    status: 400,
    meaning: 'An argument or request is malformed; the message names the problem.',
  },
  QUERY_TOO_COMPLEX: {
    status: 400,
    meaning: 'The operation exceeds a limit (depth, aliases, size or cost); the limit is named.',
  },
  RATE_LIMITED: { status: 429, meaning: 'Too many requests; retry after the stated delay.' },
  DISCLOSURE_REFUSED: {
    status: 403,
    meaning: 'Answering would breach the disclosure rules for counts or cohorts.',
  },
  UPSTREAM_UNAVAILABLE: {
    status: 503,
    meaning: 'A data site did not answer in time; nothing from it was released.',
  },
  INTERNAL_SERVER_ERROR: {
    status: 500,
    meaning: 'Something failed inside the service; quote the reference to the operators.',
  },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CATALOGUE, value);
}

/** Extra, safe-to-show detail that some codes carry (never record values). */
export interface ErrorDetail {
  field?: string;
  limit?: string;
  retryAfterSeconds?: number;
  reference?: string;
  service?: string;
  argument?: string;
}

/** A client-visible error: a catalogue code and a message fit to show. */
export function codedError(code: ErrorCode, message: string, detail: ErrorDetail = {}) {
  return new GraphQLError(message, { extensions: { code, ...detail } });
}

/**
 * The same error carrying its code's HTTP status, for errors that end a request before
 * execution (authentication). Apollo Server applies `extensions.http` to the whole
 * response, so field errors must not carry it.
 */
export function requestError(code: ErrorCode, message: string, detail: ErrorDetail = {}) {
  return new GraphQLError(message, {
    extensions: { code, ...detail, http: { status: ERROR_CATALOGUE[code].status } },
  });
}

/** The JSON shape of a coded error outside GraphQL execution (plain HTTP handlers). */
export function errorBody(code: ErrorCode, message: string, detail: ErrorDetail = {}) {
  return { errors: [{ message, extensions: { code, ...detail } }] };
}

/** The code a GraphQL error carries, if it is one of ours. */
export function codeOf(error: unknown): ErrorCode | undefined {
  if (error instanceof GraphQLError) {
    const code = error.extensions?.code;
    return isErrorCode(code) ? code : undefined;
  }
  return undefined;
}

/** A short random reference that ties a masked client error to its one log line. */
export function newReference(): string {
  return randomUUID().slice(0, 8);
}
