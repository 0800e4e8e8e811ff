import {
  databaseConfig,
  keysDir,
  servicePort,
  type SubgraphName,
  subgraphTimeoutMs,
} from '../common/config';
import { listen } from '../common/http';
import { ensureKeys } from '../common/keys';
import { createLogger } from '../common/logger';
import { SERVICE_FACTORIES } from './stack';

/**
 * Runs one subgraph alone (`node dist/subgraphs/<name>/main.js`), on <NAME>_PORT with its
 * <NAME>_DATABASE_URL (or DATABASE_URL, or PGlite under DATA_DIR), as a site would host it.
 */
export function runService(name: SubgraphName): void {
  const logger = createLogger(name);
  const start = async () => {
    await ensureKeys(keysDir());
    const service = await SERVICE_FACTORIES[name]({
      logger,
      keysDir: keysDir(),
      database: databaseConfig(name),
      peers: {},
      peerTimeoutMs: subgraphTimeoutMs(),
    });
    const listening = await listen(service.app, servicePort(name), process.env.HOST ?? '127.0.0.1');
    logger.info({ event: 'listening', url: listening.url }, `${name} ready`);
    const stop = () => {
      void listening
        .close()
        .then(service.stop)
        .then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  };
  start().catch((error: unknown) => {
    console.error(`${name} failed to start:`, error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
