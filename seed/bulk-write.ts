import { Client } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';

import type { SqlType } from './batches';
import { type CellValue, copyFrom, copyLine } from './pg-copy';

/** Column arrays bound for one table; every array has `rowCount` entries. */
export interface TableRows {
  table: string;
  columns: ReadonlyArray<{ name: string; type: SqlType; values: readonly CellValue[] }>;
  rowCount: number;
}

/** How rows reach the database: `copy` on node-postgres, `unnest` on anything else (PGlite). */
export type WriteMethod = 'copy' | 'unnest';

/** Rows per INSERT … unnest statement: bounds the size of one statement's parameters. */
const UNNEST_ROWS = 25_000;
/** Rows per COPY data message. */
const COPY_ROWS = 5_000;

/**
 * Writes several tables in one transaction on one connection, in the order given (parents
 * before children). Returns the method used.
 */
export async function writeTables(
  db: DataSource,
  tables: readonly TableRows[],
): Promise<WriteMethod> {
  const runner = db.createQueryRunner();
  try {
    const connection: unknown = await runner.connect();
    const method: WriteMethod = connection instanceof Client ? 'copy' : 'unnest';
    await runner.startTransaction();
    try {
      await skipForeignKeyChecks(runner);
      for (const rows of tables) {
        if (rows.rowCount > 0) {
          await (method === 'copy'
            ? copyTable(connection as Client, rows)
            : insertTable(runner, rows));
        }
      }
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
    return method;
  } finally {
    await runner.release();
  }
}

/**
 * Skips foreign-key triggers for this transaction when the role may (a superuser, as the
 * embedded database always is), as `pg_restore --disable-triggers` does: a chunk writes each
 * parent before its children, which the generator's tests check, and the per-row checks
 * otherwise take two thirds of the time of the series and instance tables.
 */
async function skipForeignKeyChecks(runner: QueryRunner): Promise<void> {
  const [role] = (await runner.query(
    `SELECT current_setting('is_superuser') = 'on' AS superuser`,
  )) as Array<{ superuser: boolean }>;
  if (role?.superuser) {
    await runner.query('SET LOCAL session_replication_role = replica');
  }
}

function copyTable(client: Client, rows: TableRows): Promise<void> {
  const names = rows.columns.map((column) => `"${column.name}"`).join(', ');
  return copyFrom(client, `COPY "${rows.table}" (${names}) FROM STDIN`, copyChunks(rows));
}

// Lines are built lazily, a slice at a time, as the socket takes them.
function* copyChunks(rows: TableRows): Generator<Buffer> {
  const values = new Array<CellValue>(rows.columns.length);
  for (let start = 0; start < rows.rowCount; start += COPY_ROWS) {
    const end = Math.min(rows.rowCount, start + COPY_ROWS);
    let text = '';
    for (let row = start; row < end; row += 1) {
      rows.columns.forEach((column, position) => {
        values[position] = column.values[row];
      });
      text += `${copyLine(values)}\n`;
    }
    yield Buffer.from(text, 'utf8');
  }
}

// One array parameter per column: a few statements per table however many rows, on any
// PostgreSQL, PGlite included.
async function insertTable(runner: QueryRunner, rows: TableRows): Promise<void> {
  const names = rows.columns.map((column) => `"${column.name}"`).join(', ');
  const arrays = rows.columns.map((column, i) => `$${i + 1}::${column.type}[]`).join(', ');
  const sql = `INSERT INTO "${rows.table}" (${names}) SELECT * FROM unnest(${arrays})`;
  for (let start = 0; start < rows.rowCount; start += UNNEST_ROWS) {
    const end = Math.min(rows.rowCount, start + UNNEST_ROWS);
    await runner.query(
      sql,
      rows.columns.map((column) => column.values.slice(start, end)),
    );
  }
}
