import '../common/bootstrap';

import fs from 'node:fs/promises';
import path from 'node:path';

import {
  keysDir,
  servicePort,
  type SubgraphName,
  SUBGRAPHS,
  subgraphTimeoutMs,
  subgraphUrl,
} from '../common/config';
import { listen } from '../common/http';
import { ensureKeys } from '../common/keys';
import { createLogger } from '../common/logger';
import { projectRoot } from '../common/paths';
import { authFromEnv } from './auth-config';
import { DevIssuer } from './dev-issuer';
import { createGatewayApp } from './server';

/** `node dist/gateway/main.js`: the gateway alone, in front of subgraphs at <NAME>_URL. */
async function main(): Promise<void> {
  const logger = createLogger('gateway');
  const keys = keysDir();
  await ensureKeys(keys);
  const devIssuer = process.env.AUTH_ISSUER ? null : await DevIssuer.load(keys);
  const subgraphUrls = Object.fromEntries(
    SUBGRAPHS.map((name) => [name, subgraphUrl(name)]),
  ) as Record<SubgraphName, string>;
  const { app } = await createGatewayApp({
    supergraphSdl: await fs.readFile(
      path.join(projectRoot(), 'schema', 'supergraph.graphql'),
      'utf8',
    ),
    subgraphUrls,
    keysDir: keys,
    logger,
    auth: authFromEnv(devIssuer),
    devIssuer: devIssuer ?? undefined,
    subgraphTimeoutMs: subgraphTimeoutMs(),
    production: process.env.NODE_ENV === 'production',
  });
  const listening = await listen(app, servicePort('gateway'), process.env.HOST ?? '127.0.0.1');
  logger.info({ event: 'listening', url: listening.url }, 'gateway ready');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error('gateway failed to start:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
