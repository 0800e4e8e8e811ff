import '../common/bootstrap';

import { parseArgs } from 'node:util';

import { databaseConfig, type SubgraphName, SUBGRAPHS } from '../common/config';
import { migrate, openDatabase } from '../common/db/data-source';
import { MIGRATIONS } from '../migrations';

const USAGE = `Usage: npm run migrate -- [--service imaging|genomics|ehr|cohort|governance]...
Applies pending migrations to each service's database (DATABASE_URL, <SERVICE>_DATABASE_URL,
or PGlite under DATA_DIR). Services also migrate themselves on start.`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { service: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const unknown = (values.service ?? []).filter(
    (name) => !(SUBGRAPHS as readonly string[]).includes(name),
  );
  if (unknown.length > 0) {
    console.error(`Unknown service: ${unknown.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const services = (values.service as SubgraphName[] | undefined) ?? [...SUBGRAPHS];
  for (const service of services) {
    const db = await openDatabase(databaseConfig(service), {
      entities: [],
      migrations: MIGRATIONS[service],
    });
    try {
      const applied = await migrate(db);
      console.log(`${service}: ${applied.length ? applied.join(', ') : 'up to date'}`);
    } finally {
      await db.destroy();
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('migrate failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
