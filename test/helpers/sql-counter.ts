import type { DataSource, Logger as TypeOrmLogger } from 'typeorm';

/** Statements of the audit log's own append (and their transaction), which every request makes. */
export function notAuditAppend(sql: string): boolean {
  return !/audit_log|audit_checkpoint|pg_advisory_xact_lock|^START TRANSACTION|^COMMIT|^ROLLBACK/.test(
    sql.trim(),
  );
}

/**
 * Counts the SQL statements a service's database runs. TypeORM reports every query to its
 * logger, so the counter stands in as the logger while it is attached.
 */
export function countStatements(
  db: DataSource,
  counts: (sql: string) => boolean = () => true,
): { count: () => number; detach: () => void } {
  let statements = 0;
  const original = db.logger;
  const counter: TypeOrmLogger = {
    logQuery: (sql: string) => {
      statements += counts(sql) ? 1 : 0;
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
