import { EventEmitter } from 'node:events';

import type { PGlite, Results } from '@electric-sql/pglite';

/** The subset of `pg`'s result that TypeORM's postgres driver reads. */
interface PgLikeResult {
  rows: unknown[];
  rowCount: number;
  command: string;
  fields: Results['fields'];
}

type Callback = (error: Error | null, result?: PgLikeResult) => void;

/** How long a caller may wait for the session before it is treated as a deadlock. */
const ACQUIRE_TIMEOUT_MS = 60_000;

/**
 * A `pg`-compatible driver over one PGlite database, for TypeORM's `driver` option.
 *
 * PGlite has one session. Every TypeORM query runner would share it, so a ROLLBACK in one
 * transaction could undo rows another had committed. The pool therefore hands the session
 * to one client at a time: a transaction holds it from BEGIN to COMMIT or ROLLBACK.
 */
export function pgliteDriver(db: PGlite): { Pool: new () => EventEmitter } {
  let tail: Promise<void> = Promise.resolve();

  // Queue for the session: resolves with a release function once every earlier holder is done.
  function acquire(): Promise<() => void> {
    const previous = tail;
    let release!: () => void;
    tail = new Promise<void>((resolve) => (release = resolve));

    return new Promise((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        reject(new Error(`Waited ${ACQUIRE_TIMEOUT_MS} ms for the embedded database session`));
      }, ACQUIRE_TIMEOUT_MS);
      timer.unref();

      void previous.then(() => {
        clearTimeout(timer);
        if (timedOut) {
          // The waiter gave up: pass the session straight on.
          release();
          return;
        }
        let done = false;
        resolve(() => {
          if (!done) {
            done = true;
            release();
          }
        });
      });
    });
  }

  class Client extends EventEmitter {
    query(sql: string, params?: unknown[] | Callback, callback?: Callback): Promise<PgLikeResult> {
      const cb = typeof params === 'function' ? params : callback;
      const values = Array.isArray(params) ? params : [];
      const run = runQuery(db, sql, values);
      if (cb) {
        run.then((result) => cb(null, result)).catch((error: Error) => cb(error));
      }
      return run;
    }
  }

  class Pool extends EventEmitter {
    connect(callback: (error: Error | null, client?: Client, release?: () => void) => void) {
      acquire()
        .then((release) => callback(null, new Client(), release))
        .catch((error: Error) => callback(error));
    }

    end(callback?: (error: Error | null) => void) {
      db.close()
        .then(() => callback?.(null))
        .catch((error: Error) => callback?.(error));
    }
  }

  return { Pool };
}

async function runQuery(db: PGlite, sql: string, values: unknown[]): Promise<PgLikeResult> {
  // Without parameters a string may hold several statements (migrations): the simple
  // protocol runs them all and, like `pg`, the last result is the answer.
  const result = values.length > 0 ? await db.query(sql, values) : (await db.exec(sql)).at(-1);
  const rows = result?.rows ?? [];
  return {
    rows,
    rowCount: result?.affectedRows ?? rows.length,
    command: sql.trimStart().split(/\s/, 1)[0]?.toUpperCase() ?? '',
    fields: result?.fields ?? [],
  };
}
