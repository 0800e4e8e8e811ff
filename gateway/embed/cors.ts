import type { RequestHandler, Response } from 'express';

/** Request headers a page may send to /graphql: the token and the JSON body's type. */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'apollographql-client-name',
  'apollographql-client-version',
].join(', ');

/** How long a browser may reuse a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE = 600;

/**
 * OPTIONS /graphql. A preflight carries no token, so it cannot be told which origins are
 * allowed: it answers any origin with the methods and headers the endpoint takes, never
 * with credentials. The real request's `Origin` is then checked against its token
 * (Fetch standard, "CORS protocol").
 */
export const preflight: RequestHandler = (req, res) => {
  res.setHeader('Vary', 'Origin');
  if (req.headers.origin) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE));
  }
  res.status(204).end();
};

/**
 * Headers that let a page at `origin` read an answer: that origin alone, no credentials
 * (the token travels in `Authorization`, never in a cookie), and `Retry-After` exposed for
 * RATE_LIMITED.
 */
export function allowOrigin(res: Response, origin: string): void {
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  res.setHeader('Vary', 'Origin');
}
