import type { DataSource, Logger as TypeOrmLogger } from 'typeorm';

/**
 * Counts the SQL statements a service's database runs. TypeORM reports every query to its
 * logger, so the counter stands in as the logger while it is attached.
 */
export function countStatements(db: DataSource): { count: () => number; detach: () => void } {
  let statements = 0;
  const original = db.logger;
  const counter: TypeOrmLogger = {
    logQuery: () => {
      statements += 1;
    },
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  Object.defineProperty(db, 'logger', { value: counter, configurable: true, writable: true });
  return {
    count: () => statements,
    detach: () =>
      Object.defineProperty(db, 'logger', { value: original, configurable: true, writable: true }),
  };
}
