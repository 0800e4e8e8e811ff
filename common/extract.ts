import type express from 'express';
import { Arg, Ctx, Directive, ID, Mutation, Resolver } from 'type-graphql';

import type { Dataset } from './config';
import { csvLine } from './csv';
import { sendCodedError } from './http-errors';
import type { InternalIdentity } from './internal-token';
import type { RouteTools, ServiceContext } from './service';

/**
 * Extracts (DESIGN.md, issue #7): when an analyst requests one, the cohort service sends the
 * cohort's members to each site involved, which freezes its part (the imaging site the image
 * list, the others the member list); governance then approves exactly that. Sites stream
 * their part to the gateway, which checks approval, grants and audit first.
 */

/**
 * Longest wait for `requestExtract`, at the gateway and for each site's freeze: freezing
 * hundreds of thousands of images takes seconds to minutes, far above a query's timeout.
 */
export const FREEZE_TIMEOUT_MS = 300_000;

/** What the cohort service sends a site to freeze its part of an extract. */
export interface FreezeRequest {
  extractId: string;
  project: string;
  /** Linkage keys in the project's release-ID order, 4 bytes each, big-endian. */
  members: Buffer;
  /** The imaging selection (JSON of an imaging leaf), for the imaging site. */
  selection: string | null;
}

/** What the cohort service registers with governance once the sites have frozen an extract. */
export interface ExtractRegistration {
  id: string;
  project: string;
  cohortId: string;
  cohortName: string;
  imaging: Record<string, unknown> | null;
  requestedBy: string;
  subjectCount: number;
  studyCount: number;
  seriesCount: number;
  instanceCount: number;
  /** Linked tables as `dataset/name`. */
  tables: string[];
}

/** Figures of a frozen part: the imaging site's counts, or the others' subjects. */
export type FreezeFigures = Record<string, number>;

/** The internal freeze mutation of a site: `<site>FreezeExtract`. */
export function freezeField(site: Dataset): string {
  return `${site}FreezeExtract`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isExtractId(value: string): boolean {
  return UUID.test(value);
}

/** Members travel as 4-byte big-endian linkage keys, base64: order is meaning here. */
export function encodeMembers(members: Buffer): string {
  return members.toString('base64');
}

export function decodeMembers(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) {
    throw new TypeError('members: not a list of 4-byte keys');
  }
  return bytes;
}

/** The linkage keys of 4-byte member bytes, in their order. */
export function memberKeys(bytes: Uint8Array): number[] {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const keys: number[] = [];
  for (let offset = 0; offset + 4 <= view.length; offset += 4) {
    keys.push(view.readUInt32BE(offset));
  }
  return keys;
}

/**
 * A site's freeze mutation: reachable only with the cohort service's `extract` scope
 * (category `internal`, hidden from the supergraph). Answers the figures as JSON.
 */
export function defineExtractFreezeResolver(
  site: Dataset,
  freeze: (request: FreezeRequest, ctx: ServiceContext) => Promise<FreezeFigures>,
) {
  @Resolver()
  class ExtractFreezeResolver {
    @Directive('@inaccessible')
    @Mutation(() => String, {
      name: freezeField(site),
      description: 'Internal: freezes this site’s part of an extract; answers its figures',
    })
    async freezeExtract(
      @Arg('id', () => ID) extractId: string,
      @Arg('project', () => String) project: string,
      @Arg('members', () => String) members: string,
      @Ctx() ctx: ServiceContext,
      @Arg('selection', () => String, { nullable: true }) selection?: string,
    ): Promise<string> {
      if (!isExtractId(extractId)) {
        throw new TypeError('id: not an extract id');
      }
      const figures = await freeze(
        { extractId, project, members: decodeMembers(members), selection: selection ?? null },
        ctx,
      );
      return JSON.stringify(figures);
    }
  }
  return ExtractFreezeResolver;
}

/** Cursors name their extract: one from another extract is refused. */
export function encodeExtractCursor(extractId: string, seq: number): string {
  return Buffer.from(`${extractId}:${seq}`).toString('base64url');
}

/** The position after which to continue, or null when the cursor is not of this extract. */
export function decodeExtractCursor(extractId: string, cursor: string): number | null {
  const [id, seqText] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  const seq = Number(seqText);
  return id === extractId && Number.isSafeInteger(seq) && seq >= 0 ? seq : null;
}

export type StreamFormat = 'ndjson' | 'csv';

export const CONTENT_TYPES: Record<StreamFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** Rows of a stream: each is the same columns in order. */
export type Row = Record<string, string | number | null>;

/**
 * Writes pages of rows to an HTTP response as NDJSON or CSV, waiting whenever the client is
 * slower than the database, so memory holds one page whatever the size of the whole. A
 * failure after the first byte ends the connection without its final chunk: the client sees
 * a broken download and resumes from the last cursor it read.
 */
export async function streamRows(
  res: express.Response,
  format: StreamFormat,
  columns: string[],
  pages: AsyncIterable<Row[]>,
  logger: RouteTools['logger'],
  /** Writes one NDJSON line faster than `JSON.stringify` can, for rows of a known shape. */
  ndjsonLine: (row: Row) => string = (row) => `${JSON.stringify(row)}\n`,
): Promise<void> {
  // Waits for the client to drain what was written, or to go away.
  const write = (text: string) =>
    res.write(text)
      ? Promise.resolve()
      : new Promise<void>((done) => {
          const settle = () => {
            res.off('drain', settle);
            res.off('close', settle);
            done();
          };
          res.on('drain', settle);
          res.on('close', settle);
        });
  try {
    if (format === 'csv') {
      await write(csvLine(columns));
    }
    for await (const rows of pages) {
      if (res.destroyed) {
        return;
      }
      let text = '';
      for (const row of rows) {
        text += format === 'csv' ? csvLine(columns.map((column) => row[column])) : ndjsonLine(row);
      }
      await write(text);
    }
    res.end();
  } catch (error) {
    logger.error({ event: 'stream_failed', reason: (error as Error).message }, 'stream failed');
    res.destroy();
  }
}

/**
 * The caller behind a site's download route: an analyst forwarded by the gateway, with a
 * RECORD grant on the site's dataset. Sends the refusal and answers null otherwise.
 */
export async function downloadCaller(
  req: express.Request,
  res: express.Response,
  tools: RouteTools,
): Promise<InternalIdentity | null> {
  let identity: InternalIdentity;
  try {
    identity = await tools.verify(req);
  } catch {
    sendCodedError(res, 'UNAUTHENTICATED', 'A valid internal token from the gateway is required');
    return null;
  }
  if (identity.scope !== 'caller' || identity.role !== 'analyst' || !identity.project) {
    sendCodedError(res, 'FORBIDDEN', 'Extracts are for analysts of the extract’s project');
    return null;
  }
  return identity;
}

/** The stream format and resume position of a download route's query string. */
export function downloadParams(
  req: express.Request,
): { format: StreamFormat; after: number } | null {
  const format = req.query.format ?? 'ndjson';
  const after = Number(req.query.after ?? 0);
  if ((format !== 'ndjson' && format !== 'csv') || !Number.isSafeInteger(after) || after < 0) {
    return null;
  }
  return { format, after };
}
