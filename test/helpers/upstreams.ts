import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import express from 'express';

import { DEFAULT_AUDIENCE, DEV_ISSUER, type SubgraphName } from '../../common/config';
import { listen } from '../../common/http';
import { createLogger } from '../../common/logger';
import { projectRoot } from '../../common/paths';
import { createGatewayApp } from '../../gateway/server';
import type { TestStack } from './stack';

/** A second gateway in front of the stack's subgraphs, some of them replaced. */
export async function startGatewayWith(
  stack: TestStack,
  replaced: Partial<Record<SubgraphName, string>>,
  subgraphTimeoutMs: number,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const gateway = await createGatewayApp({
    supergraphSdl: await fs.readFile(
      path.join(projectRoot(), 'schema', 'supergraph.graphql'),
      'utf8',
    ),
    subgraphUrls: { ...stack.subgraphUrls, ...replaced },
    keysDir: stack.keysDir,
    logger: createLogger('test', process.env.LOG_LEVEL ?? 'silent'),
    auth: {
      issuer: DEV_ISSUER,
      audience: DEFAULT_AUDIENCE,
      algorithms: ['ES256'],
      keys: stack.issuer.jwks(),
    },
    devIssuer: stack.issuer,
    subgraphTimeoutMs,
    production: false,
  });
  const listening = await listen(gateway.app, 0);
  return {
    url: `${listening.url}/graphql`,
    stop: async () => {
      await listening.close();
      await gateway.stop();
    },
  };
}

/** A port on which nothing listens: opened on a free port, then closed. */
export async function closedPort(): Promise<number> {
  const probe = await listen(express(), 0);
  await probe.close();
  return probe.port;
}

/** A server that accepts connections and reads requests but never answers them. */
export async function startSilentServer(): Promise<{
  port: number;
  requests: () => number;
  close: () => Promise<void>;
}> {
  let requests = 0;
  const server = http.createServer(() => {
    requests += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
