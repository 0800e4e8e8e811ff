import type express from 'express';

import { type Category, type Grant, releases } from './access';
import type { Dataset } from './config';
import {
  CONTENT_TYPES,
  downloadCaller,
  type FreezeFigures,
  type FreezeRequest,
  isExtractId,
  memberKeys,
  type Row,
  streamRows,
} from './extract';
import { sendCodedError } from './http-errors';
import type { RouteTools, ServiceContext } from './service';

/** One column of a linked table: its category decides whether a grant releases it. */
export interface LinkedColumn {
  name: string;
  /** The SQL expression read from the table aliased `t`. */
  sql: string;
  category: Exclude<Category, 'internal'>;
  /** A `YYYY-MM-DD` date: the year alone without a supplemental grant. */
  date?: boolean;
}

/** A table of a site that an extract can carry, keyed by release ID. */
export interface LinkedTable {
  /** The file name without `.csv`, e.g. `diagnoses`. */
  name: string;
  /** The SQL table. */
  table: string;
  /** Category of the table itself (the field that lists it in the schema). */
  category: Exclude<Category, 'internal'>;
  columns: LinkedColumn[];
  /** Ordering within a subject. */
  orderBy: string;
  /** An identity column: rows above its highest value at freeze time stay out. */
  watermark?: string;
}

/** Subjects a query reads at a time while streaming. */
const MEMBER_CHUNK = 2_000;

/** Freezes a site's part: the members in the project's order, and each table's watermark. */
export function freezeMembers(tables: LinkedTable[]) {
  return async (request: FreezeRequest, ctx: ServiceContext): Promise<FreezeFigures> => {
    const watermarks: Record<string, number> = {};
    for (const table of tables) {
      if (table.watermark) {
        const [row] = await ctx.db.query<Array<{ high: string | null }>>(
          `SELECT max(${table.watermark}) AS high FROM ${table.table}`,
        );
        watermarks[table.name] = Number(row?.high ?? 0);
      }
    }
    const subjects = request.members.length / 4;
    await ctx.db.query(
      `INSERT INTO extract_member (extract_id, project, subjects, members, watermarks)
       VALUES ($1, $2, $3, $4, $5)`,
      [request.extractId, request.project, subjects, request.members, JSON.stringify(watermarks)],
    );
    return { subjects };
  };
}

/** The tables (and their columns) that a grant on `dataset` releases. */
export function grantedTables(tables: LinkedTable[], grant: Grant | undefined): LinkedTable[] {
  return tables
    .filter((table) => releases(grant, table.category))
    .map((table) => ({
      ...table,
      columns: table.columns.filter((column) => releases(grant, column.category)),
    }));
}

interface FrozenMembers {
  members: Uint8Array;
  watermarks: Record<string, number>;
}

/**
 * GET /internal/extracts/:id/tables/:name: a linked table of the extract's subjects as CSV,
 * keyed by release ID, with the columns the caller's grant releases, in the project's
 * subject order, without rows added after the extract was frozen.
 */
export function mountTableRoutes(site: Dataset, tables: LinkedTable[]) {
  return (app: express.Express, tools: RouteTools): void => {
    app.get('/internal/extracts/:id/tables/:name', async (req, res) => {
      const identity = await downloadCaller(req, res, tools);
      if (!identity) {
        return;
      }
      const project = identity.project as string;
      const grant = identity.grants.find((candidate) => candidate.dataset === site);
      const table = grantedTables(tables, grant).find(
        (candidate) => candidate.name === req.params.name,
      );
      if (!table) {
        sendCodedError(
          res,
          'FORBIDDEN',
          `${req.params.name}: not a ${site} table this project’s grant releases`,
        );
        return;
      }
      const [frozen] = isExtractId(req.params.id)
        ? await tools.db.query<FrozenMembers[]>(
            'SELECT members, watermarks FROM extract_member WHERE extract_id = $1 AND project = $2',
            [req.params.id, project],
          )
        : [];
      if (!frozen) {
        sendCodedError(res, 'BAD_USER_INPUT', 'id: no extract of this project');
        return;
      }
      const keys = memberKeys(frozen.members);
      const exactDates = releases(grant, 'supplemental');
      const high = table.watermark ? frozen.watermarks[table.name] : undefined;
      const select = table.columns.map((column) => `${column.sql} AS ${column.name}`).join(', ');
      async function* pages(): AsyncIterable<Row[]> {
        for (let start = 0; start < keys.length; start += MEMBER_CHUNK) {
          const chunk = keys.slice(start, start + MEMBER_CHUNK);
          const rows = await tools.db.query<Array<Record<string, string | number | null>>>(
            `SELECT m.k AS linkage_key${select ? `, ${select}` : ''}
             FROM unnest($1::bigint[]) WITH ORDINALITY AS m (k, ord)
             JOIN ${table!.table} t ON t.linkage_key = m.k
             ${high === undefined ? '' : `WHERE t.${table!.watermark} <= $2`}
             ORDER BY m.ord, ${table!.orderBy}`,
            high === undefined ? [chunk] : [chunk, high],
          );
          const ids = tools.pseudonyms.releaseIds(
            project,
            rows.map((row) => Number(row.linkage_key)),
          );
          yield rows.map((row, i) => {
            const out: Row = { release_id: ids[i] };
            for (const column of table!.columns) {
              const value = row[column.name];
              out[column.name] =
                column.date && typeof value === 'string' && !exactDates ? value.slice(0, 4) : value;
            }
            return out;
          });
        }
      }
      res.status(200);
      res.setHeader('content-type', CONTENT_TYPES.csv);
      res.setHeader('x-total-subjects', String(keys.length));
      await streamRows(
        res,
        'csv',
        ['release_id', ...table.columns.map((column) => column.name)],
        pages(),
        tools.logger,
      );
    });
  };
}
