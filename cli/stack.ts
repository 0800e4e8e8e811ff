import fs from 'node:fs/promises';
import path from 'node:path';

import {
  type DatabaseConfig,
  databaseConfig,
  keysDir as defaultKeysDir,
  type SubgraphName,
  SUBGRAPHS,
  subgraphTimeoutMs,
} from '../common/config';
import { listen, type Listening } from '../common/http';
import { ensureKeys } from '../common/keys';
import type { Logger } from '../common/logger';
import { projectRoot } from '../common/paths';
import type { ServiceDeps, ServiceHandle } from '../common/service';
import { DevIssuer } from '../gateway/dev-issuer';
import { authFromEnv } from '../gateway/auth-config';
import type { OperationLimits } from '../gateway/limits';
import type { RateLimit } from '../gateway/rate-limit';
import { createGatewayApp } from '../gateway/server';
import { createCohortService } from '../subgraphs/cohort/server';
import { createEhrService } from '../subgraphs/ehr/server';
import { createGenomicsService } from '../subgraphs/genomics/server';
import { seedDemoIfEmpty } from '../seed/load';
import { seedGovernanceDemo } from '../subgraphs/governance/demo';
import { createGovernanceService } from '../subgraphs/governance/server';
import { createImagingService } from '../subgraphs/imaging/server';

export const SERVICE_FACTORIES: Record<
  SubgraphName,
  (deps: ServiceDeps) => Promise<ServiceHandle>
> = {
  imaging: createImagingService,
  genomics: createGenomicsService,
  ehr: createEhrService,
  cohort: createCohortService,
  governance: createGovernanceService,
};

export interface StackOptions {
  logger: Logger;
  /** Port per service; 0 picks a free one (tests). */
  ports: Record<SubgraphName | 'gateway', number>;
  keysDir?: string;
  /** Where each service keeps its data (default: from the environment). */
  database?: (service: SubgraphName) => DatabaseConfig;
  subgraphTimeoutMs?: number;
  production?: boolean;
  limits?: OperationLimits;
  rateLimit?: RateLimit;
  grantsTtlMs?: number;
  /** Benchmark only: see GatewayOptions. */
  withoutAuditForBenchmark?: boolean;
  /** Seeds the demo projects when governance has none (default true). */
  seedDemo?: boolean;
  /** Seeds the demo population when the sites are empty (default false; `npm start` does). */
  seedPopulation?: boolean;
}

export interface Stack {
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  services: Record<SubgraphName, ServiceHandle>;
  issuer: DevIssuer;
  keysDir: string;
  stop: () => Promise<void>;
}

/** Starts every subgraph, then the gateway in front of them, all in this process. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const keysDir = options.keysDir ?? defaultKeysDir();
  await ensureKeys(keysDir);
  const database = options.database ?? ((service: SubgraphName) => databaseConfig(service));
  const timeoutMs = options.subgraphTimeoutMs ?? subgraphTimeoutMs();
  const closers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const close of closers.reverse()) {
      await close();
    }
  };

  try {
    const services = {} as Record<SubgraphName, ServiceHandle>;
    const subgraphUrls = {} as Record<SubgraphName, string>;
    // PGlite is single-threaded WASM: opening the databases one after another is as fast.
    // Sites and governance start before the cohort service, so it is handed their URLs.
    const order = [...SUBGRAPHS].sort((a, b) => Number(a === 'cohort') - Number(b === 'cohort'));
    for (const name of order) {
      const service = await SERVICE_FACTORIES[name]({
        logger: options.logger,
        keysDir,
        database: database(name),
        peers: { ...subgraphUrls },
        peerTimeoutMs: timeoutMs,
      });
      closers.push(service.stop);
      const listening: Listening = await listen(service.app, options.ports[name]);
      closers.push(listening.close);
      services[name] = service;
      subgraphUrls[name] = `${listening.url}/graphql`;
    }

    if (options.seedDemo ?? true) {
      await seedGovernanceDemo(services.governance.db);
    }
    if (options.seedPopulation) {
      await seedDemoIfEmpty(
        { ehr: services.ehr.db, imaging: services.imaging.db, genomics: services.genomics.db },
        options.logger,
      );
    }

    const issuer = await DevIssuer.load(keysDir);
    const gateway = await createGatewayApp({
      supergraphSdl: await fs.readFile(
        path.join(projectRoot(), 'schema', 'supergraph.graphql'),
        'utf8',
      ),
      subgraphUrls,
      keysDir,
      logger: options.logger.child({ service: 'gateway' }),
      auth: authFromEnv(issuer, {}),
      devIssuer: issuer,
      subgraphTimeoutMs: timeoutMs,
      production: options.production ?? false,
      limits: options.limits,
      rateLimit: options.rateLimit,
      grantsTtlMs: options.grantsTtlMs,
      withoutAuditForBenchmark: options.withoutAuditForBenchmark,
    });
    closers.push(gateway.stop);
    const listening = await listen(gateway.app, options.ports.gateway);
    closers.push(listening.close);

    return {
      gatewayUrl: `${listening.url}/graphql`,
      subgraphUrls,
      services,
      issuer,
      keysDir,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
