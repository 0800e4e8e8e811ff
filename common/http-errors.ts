import type { ErrorRequestHandler, RequestHandler } from 'express';

import { ERROR_CATALOGUE, errorBody, type ErrorCode, newReference } from './errors';
import type { Logger } from './logger';

function send(
  res: Parameters<RequestHandler>[1],
  status: number,
  code: ErrorCode,
  message: string,
) {
  res.status(status).json(errorBody(code, message));
}

/**
 * A coded JSON error with its catalogue status, for routes beside GraphQL. Once an answer
 * has begun it cannot change: the caller of a stream sees the connection end instead.
 */
export function sendCodedError(
  res: Parameters<RequestHandler>[1],
  code: ErrorCode,
  message: string,
): void {
  if (!res.headersSent) {
    send(res, ERROR_CATALOGUE[code].status, code, message);
  }
}

/** Unknown paths get a coded JSON answer rather than a framework page. */
export const notFound: RequestHandler = (_req, res) => {
  send(res, 404, 'BAD_USER_INPUT', 'Nothing is served at this path; GraphQL is at /graphql');
};

/**
 * Body-parser and other framework errors become coded JSON; no stack or framework page.
 * Express recognises error handlers by their four parameters, so `_next` must stay.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: { status?: number; type?: string }, _req, res, _next) => {
    if (error.type === 'entity.too.large') {
      send(res, 413, 'QUERY_TOO_COMPLEX', 'The request body is larger than the limit');
      return;
    }
    if (error.status !== undefined && error.status >= 400 && error.status < 500) {
      send(res, 400, 'BAD_USER_INPUT', 'The request body is not valid JSON');
      return;
    }
    const reference = newReference();
    logger.error({ err: error, reference }, 'unhandled HTTP error');
    send(res, 500, 'INTERNAL_SERVER_ERROR', `Internal error (reference ${reference})`);
  };
}
