import fs from 'node:fs';

import { SAFELIST_FILE } from '../../gateway/embed/safelist';
import type { GraphQLBody, TestStack } from './stack';

/** The web origin test embed tokens are issued for. */
export const PORTAL = 'https://portal.test';

/** The checked-in safelist's operations. */
export const SAFELIST_OPERATIONS = (
  JSON.parse(fs.readFileSync(SAFELIST_FILE, 'utf8')) as {
    operations: Array<{ name: string; sha256: string; document: string }>;
  }
).operations;

/** The checked-in safelist's hashes, by operation name. */
export const SAFELISTED: Record<string, string> = Object.fromEntries(
  SAFELIST_OPERATIONS.map((operation) => [operation.name, operation.sha256]),
);

export interface EmbedTokenOptions {
  project?: string;
  subject?: string;
  app?: string;
  origins?: string[];
  ttl?: string;
}

/** An embed token from the dev issuer, for PORTAL unless told otherwise. */
export function embedToken(stack: TestStack, options: EmbedTokenOptions = {}): Promise<string> {
  return stack.issuer.mint({
    role: 'embed',
    project: options.project ?? 'feasibility',
    subject: options.subject,
    app: options.app,
    origins: options.origins ?? [PORTAL],
    ttl: options.ttl ?? '10m',
  });
}

/** A request body naming a safelisted operation by hash, as `<cohort-count>` sends it. */
export function persisted(name: string, variables: Record<string, unknown>) {
  const sha256Hash = SAFELISTED[name];
  if (!sha256Hash) {
    throw new TypeError(
      `${name} is not in the safelist: give one of ${Object.keys(SAFELISTED).join(', ')}`,
    );
  }
  return {
    operationName: name,
    variables,
    extensions: { persistedQuery: { version: 1, sha256Hash } },
  };
}

export interface EmbedAnswer<T> {
  status: number;
  headers: Headers;
  body: GraphQLBody<T>;
}

/** POSTs `body` to the gateway with a token and, unless null, an Origin (default PORTAL). */
export async function postEmbed<T = Record<string, unknown>>(
  stack: TestStack,
  token: string | null,
  body: unknown,
  origin: string | null = PORTAL,
): Promise<EmbedAnswer<T>> {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(origin ? { origin } : {}),
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GraphQLBody<T>,
  };
}

/** An embed count of `criteria` through the safelisted EmbedCohortCount. */
export function embedCount<T = Record<string, unknown>>(
  stack: TestStack,
  token: string,
  criteria: unknown,
  origin: string | null = PORTAL,
): Promise<EmbedAnswer<T>> {
  return postEmbed<T>(stack, token, persisted('EmbedCohortCount', { criteria }), origin);
}
