import '../common/bootstrap';

import { databaseConfig, keysDir } from '../common/config';
import { openDatabase } from '../common/db/data-source';
import { loadPublicJwk } from '../common/keys';
import { governanceMigrations } from '../migrations/governance';
import { verifyChain } from '../subgraphs/governance/audit-chain';

/**
 * `npm run audit:verify`: walks the governance service's audit chain and its signed
 * checkpoints. Exits 0 when it holds, 1 naming the first broken entry otherwise.
 */
async function main(): Promise<number> {
  const db = await openDatabase(databaseConfig('governance'), {
    entities: [],
    migrations: governanceMigrations,
  });
  try {
    const report = await verifyChain(db, await loadPublicJwk(keysDir(), 'governance'));
    console.log(
      report.ok
        ? `audit log intact: ${report.entries} entries, ${report.checkpoints} signed checkpoints, ` +
            `verified in ${report.durationMs} ms`
        : `audit log BROKEN at entry ${report.firstBrokenSeq}: ${report.reason} ` +
            `(${report.entries} entries verified before it)`,
    );
    return report.ok ? 0 : 1;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('audit:verify failed:', error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
