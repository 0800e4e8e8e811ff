import { once } from 'node:events';

import type { Client, Connection } from 'pg';

/** The copy-in half of `pg`'s connection, which its type declarations leave out. */
interface CopyConnection extends Connection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

/**
 * `COPY … FROM STDIN` on a node-postgres client, without pg-copy-streams: a Submittable
 * (pg's documented hook for custom queries) that answers the server's CopyInResponse with
 * the data, then CopyDone (PostgreSQL protocol, "COPY Operations"). Resolves with nothing;
 * rejects with the server's error, after which the server drops any data still in flight.
 */
export function copyFrom(client: Client, sql: string, chunks: Iterable<Buffer>): Promise<void> {
  return new Promise((resolve, reject) => {
    client.query(new CopyIn(sql, chunks, (error) => (error ? reject(error) : resolve())));
  });
}

class CopyIn {
  private failed = false;
  private settled = false;

  constructor(
    private readonly text: string,
    private readonly chunks: Iterable<Buffer>,
    private readonly done: (error?: Error) => void,
  ) {}

  submit(connection: Connection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    this.send(connection).catch((error: Error) => {
      connection.sendCopyFail(error.message);
    });
  }

  // Waits for the socket to drain between chunks, so a large table never piles up in memory.
  private async send(connection: CopyConnection): Promise<void> {
    for (const chunk of this.chunks) {
      if (this.failed) {
        return;
      }
      connection.sendCopyFromChunk(chunk);
      if (connection.stream.writableNeedDrain) {
        await once(connection.stream, 'drain');
      }
    }
    connection.endCopyFrom();
  }

  handleError(error: Error): void {
    this.failed = true;
    this.settle(error);
  }

  handleReadyForQuery(): void {
    this.settle();
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  private settle(error?: Error): void {
    if (!this.settled) {
      this.settled = true;
      this.done(error);
    }
  }
}

/** What a generated column holds. */
export type CellValue = string | number | null;

/**
 * One row of COPY's text format: tab-separated, `\N` for null, with backslash, tab, newline
 * and carriage return escaped (PostgreSQL documentation, COPY, "Text Format").
 */
export function copyLine(values: ReadonlyArray<CellValue>): string {
  let line = '';
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (i > 0) {
      line += '\t';
    }
    if (value === null || value === undefined) {
      line += '\\N';
    } else if (typeof value === 'number') {
      line += String(value);
    } else {
      line += NEEDS_ESCAPE.test(value) ? value.replace(ESCAPES, escapeChar) : value;
    }
  }
  return line;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const escapeChar = (char: string) =>
  char === '\\' ? '\\\\' : char === '\t' ? '\\t' : char === '\n' ? '\\n' : '\\r';
