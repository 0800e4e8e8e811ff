import type { RequestHandler } from 'express';

import type { Logger } from '../../common/logger';
import type { AuditWriter } from '../audit';
import type { CallerAuthenticator } from '../auth';
import type { GrantsClient } from '../grants';
import type { GraphqlAnswer, GraphqlRequest } from '../graphql-handler';
import { RateLimiter } from '../rate-limit';
import { CountCache } from './count-cache';
import { embedGate } from './gate';
import { embedSchema, Safelist } from './safelist';
import { type EmbedSettings, embedSettingsFromEnv } from './settings';

export { mountEmbedComponent } from './component';
export { preflight } from './cors';

export interface EmbedOptions {
  supergraphSdl: string;
  authenticator: CallerAuthenticator;
  grants: GrantsClient;
  run: (request: GraphqlRequest) => Promise<GraphqlAnswer>;
  audit: Pick<AuditWriter, 'record'>;
  logger: Logger;
  /** Default: from the environment (`embedSettingsFromEnv`). */
  settings?: EmbedSettings;
  /** Default: the checked-in gateway/embed/safelist.json. */
  safelistFile?: string;
}

/** The embed gate for /graphql, its safelist checked against the supergraph. */
export function createEmbedGate(options: EmbedOptions): RequestHandler {
  const settings = options.settings ?? embedSettingsFromEnv();
  const schema = embedSchema(options.supergraphSdl);
  return embedGate({
    schema,
    safelist: Safelist.load(schema, options.safelistFile),
    cache: new CountCache(settings.cache),
    appLimiter: new RateLimiter(settings.rateLimit),
    authenticator: options.authenticator,
    grants: options.grants,
    run: options.run,
    audit: options.audit,
    logger: options.logger,
  });
}
