import '../common/bootstrap';

import { type ServiceName, servicePort, SUBGRAPHS } from '../common/config';
import { createLogger } from '../common/logger';
import { startStack } from './stack';

/** `npm start`: the whole federation in one process on the embedded database. */
async function main(): Promise<void> {
  const logger = createLogger('pictures-graph');
  const ports = Object.fromEntries(
    [...SUBGRAPHS, 'gateway'].map((name) => [name, servicePort(name as ServiceName)]),
  ) as Record<ServiceName, number>;
  const stack = await startStack({
    logger,
    ports,
    production: process.env.NODE_ENV === 'production',
    seedPopulation: true,
  });

  const shutdown = (signal: string) => {
    logger.info({ event: 'stopping', signal }, 'stopping');
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  console.log(`pictures-graph ready: ${stack.gatewayUrl.replace('127.0.0.1', 'localhost')}`);
}

main().catch((error: unknown) => {
  console.error('pictures-graph failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
