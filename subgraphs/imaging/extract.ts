import type express from 'express';
import type { DataSource } from 'typeorm';

import { type Grant, releases } from '../../common/access';
import { parseLeaf } from '../../common/criteria';
import {
  CONTENT_TYPES,
  downloadCaller,
  downloadParams,
  encodeExtractCursor,
  type FreezeFigures,
  type FreezeRequest,
  isExtractId,
  memberKeys,
  type Row,
  streamRows,
} from '../../common/extract';
import { sendCodedError } from '../../common/http-errors';
import type { Pseudonymiser } from '../../common/pseudonym';
import type { RouteTools, ServiceContext } from '../../common/service';
import { Where } from '../../common/matcher';

/** Columns of the manifest, in order (CSV header, NDJSON keys, GraphQL fields). */
export const MANIFEST_COLUMNS = [
  'cursor',
  'releaseId',
  'studyUid',
  'seriesUid',
  'instanceUid',
  'modality',
  'bodyPart',
  'studyDate',
  'seriesNumber',
  'instanceNumber',
  'storageRef',
] as const;

export type ManifestRow = Record<(typeof MANIFEST_COLUMNS)[number], string | number>;

/** The fields of a manifest item (GraphQL `ExtractManifestItem`): the columns but the cursor. */
export const MANIFEST_ITEM_FIELDS = MANIFEST_COLUMNS.filter((column) => column !== 'cursor');

/** Rows the download reads from the database at a time. */
const STREAM_PAGE = 5_000;

/**
 * Freezes the image list of an extract: every instance of the members' studies that pass
 * the selection, numbered in the project's subject order, then by date, series and
 * instance. One statement; the triggers of the migration refuse any later change.
 */
export async function freezeImagingExtract(
  request: FreezeRequest,
  ctx: ServiceContext,
): Promise<FreezeFigures> {
  const leaf = request.selection
    ? parseLeaf('imaging', JSON.parse(request.selection) as Record<string, unknown>, 'imaging')
    : { kind: 'imaging' as const };
  if (leaf.kind !== 'imaging') {
    throw new TypeError('selection: not an imaging criterion');
  }
  const where = new Where()
    .add((p) => `st.modality = ${p}`, leaf.modality)
    .add((p) => `st.body_part = ${p}`, leaf.bodyPart)
    .add((p) => `st.study_date >= ${p}::date`, leaf.from)
    .add((p) => `st.study_date <= ${p}::date`, leaf.to);
  const conditions = where.params.length > 0 ? where.toString().replace(/^WHERE/, 'AND') : '';
  const offset = where.params.length;
  // The conditions' placeholders are $1.., so the statement's own come after them.
  const [figures] = await ctx.db.query<FreezeFigures[]>(
    `WITH member AS (
       SELECT k, ord FROM unnest($${offset + 3}::bigint[]) WITH ORDINALITY AS t (k, ord)
     ),
     picked AS (
       SELECT st.linkage_key, st.id AS study_id, se.id AS series_id, i.id AS instance_id,
              row_number() OVER (ORDER BY m.ord, st.study_date, st.id, se.series_number, se.id,
                                          i.instance_number, i.id) AS seq
       FROM member m
       JOIN study st ON st.linkage_key = m.k ${conditions}
       JOIN series se ON se.study_id = st.id
       JOIN instance i ON i.series_id = se.id
     ),
     items AS (
       INSERT INTO extract_item (extract_id, seq, instance_id)
       SELECT $${offset + 1}, seq, instance_id FROM picked
     )
     INSERT INTO extract (id, project, subjects, studies, series, instances)
     SELECT $${offset + 1}, $${offset + 2}, count(DISTINCT linkage_key), count(DISTINCT study_id),
            count(DISTINCT series_id), count(*)
     FROM picked
     RETURNING subjects, studies, series, instances`,
    [...where.params, request.extractId, request.project, memberKeys(request.members)],
  );
  return figures;
}

interface FrozenExtract {
  id: string;
  instances: number;
}

/** The frozen extract of this id and project, or null. */
export async function frozenExtract(
  db: DataSource,
  id: string,
  project: string,
): Promise<FrozenExtract | null> {
  if (!isExtractId(id)) {
    return null;
  }
  const [row] = await db.query<FrozenExtract[]>(
    'SELECT id, instances FROM extract WHERE id = $1 AND project = $2',
    [id, project],
  );
  return row ?? null;
}

interface ItemRow {
  seq: number;
  linkage_key: string;
  study_id: string;
  series_id: string;
  instance_id: string;
  modality: string;
  body_part: string;
  study_date: string;
  series_number: number;
  instance_number: number;
}

/**
 * Rows `after` < seq ≤ `after + limit` of a frozen manifest, as the project sees them:
 * release IDs and remapped UIDs of its own, dates at the granted precision, and a storage
 * reference that names the extract's item (the site's pipeline resolves it; the archive path
 * would carry internal ids that two projects share).
 */
export async function manifestPage(
  db: DataSource,
  pseudonyms: Pseudonymiser,
  extract: FrozenExtract,
  project: string,
  grant: Grant | undefined,
  after: number,
  limit: number,
): Promise<ManifestRow[]> {
  // Items are numbered 1..n without gaps, so a page is a range of the key, whatever the
  // planner's statistics of a table that has just grown.
  const rows = await db.query<ItemRow[]>(
    `SELECT x.seq, st.linkage_key, st.id AS study_id, se.id AS series_id, i.id AS instance_id,
            st.modality, st.body_part, to_char(st.study_date, 'YYYY-MM-DD') AS study_date,
            se.series_number, i.instance_number
     FROM extract_item x
     JOIN instance i ON i.id = x.instance_id
     JOIN series se ON se.id = i.series_id
     JOIN study st ON st.id = se.study_id
     WHERE x.extract_id = $1 AND x.seq > $2 AND x.seq <= $2 + $3
     ORDER BY x.seq`,
    [extract.id, after, limit],
  );
  const exactDates = releases(grant, 'supplemental');
  const releaseIds = pseudonyms.releaseIds(
    project,
    rows.map((row) => Number(row.linkage_key)),
  );
  // A page holds few studies and series and many instances: each is remapped once.
  const studies = remapped(pseudonyms, project, 'study', rows, (row) => row.study_id);
  const series = remapped(pseudonyms, project, 'series', rows, (row) => row.series_id);
  const instances = pseudonyms.uids(
    project,
    'instance',
    rows.map((row) => Number(row.instance_id)),
  );
  return rows.map((row, i) => ({
    cursor: encodeExtractCursor(extract.id, row.seq),
    releaseId: releaseIds[i],
    studyUid: studies.get(row.study_id) as string,
    seriesUid: series.get(row.series_id) as string,
    instanceUid: instances[i],
    modality: row.modality,
    bodyPart: row.body_part,
    studyDate: exactDates ? row.study_date : row.study_date.slice(0, 4),
    seriesNumber: row.series_number,
    instanceNumber: row.instance_number,
    storageRef: `extract/${extract.id}/${row.seq}`,
  }));
}

/**
 * One NDJSON line of the manifest, as `JSON.stringify` would write it: identifiers, dates
 * and numbers need no escaping (base64url, hex, digits, a UUID); the two DICOM strings go
 * through `JSON.stringify`. A third of the site's time went to the generic path.
 */
export function manifestLine(row: ManifestRow): string {
  return (
    `{"cursor":"${row.cursor}","releaseId":"${row.releaseId}","studyUid":"${row.studyUid}",` +
    `"seriesUid":"${row.seriesUid}","instanceUid":"${row.instanceUid}",` +
    `"modality":${JSON.stringify(row.modality)},"bodyPart":${JSON.stringify(row.bodyPart)},` +
    `"studyDate":"${row.studyDate}","seriesNumber":${row.seriesNumber},` +
    `"instanceNumber":${row.instanceNumber},"storageRef":"${row.storageRef}"}\n`
  );
}

/** The remapped UID of each distinct id the rows name, by id. */
function remapped(
  pseudonyms: Pseudonymiser,
  project: string,
  kind: 'study' | 'series',
  rows: ItemRow[],
  idOf: (row: ItemRow) => string,
): Map<string, string> {
  const ids = [...new Set(rows.map(idOf))];
  const uids = pseudonyms.uids(project, kind, ids.map(Number));
  return new Map(ids.map((id, i) => [id, uids[i]]));
}

/**
 * GET /internal/extracts/:id/manifest?format=ndjson|csv&after=N: the frozen manifest,
 * streamed. The gateway has checked approval and written the audit entry; this route checks
 * the caller's project and grant again, and reads one page at a time.
 */
export function mountManifestRoute(app: express.Express, tools: RouteTools): void {
  app.get('/internal/extracts/:id/manifest', async (req, res) => {
    const identity = await downloadCaller(req, res, tools);
    if (!identity) {
      return;
    }
    const grant = identity.grants.find((candidate) => candidate.dataset === 'imaging');
    if (!releases(grant, 'core')) {
      sendCodedError(res, 'FORBIDDEN', 'The manifest needs a RECORD grant on imaging');
      return;
    }
    const params = downloadParams(req);
    if (!params) {
      sendCodedError(res, 'BAD_USER_INPUT', 'format: ndjson or csv; after: a position');
      return;
    }
    const project = identity.project as string;
    const extract = await frozenExtract(tools.db, req.params.id, project);
    if (!extract) {
      sendCodedError(res, 'BAD_USER_INPUT', 'id: no extract of this project');
      return;
    }
    const after = Math.min(params.after, extract.instances);
    res.status(200);
    res.setHeader('content-type', CONTENT_TYPES[params.format]);
    res.setHeader('x-total-rows', String(extract.instances - after));
    const total = extract.instances;
    const page = (from: number) => {
      const rows = manifestPage(
        tools.db,
        tools.pseudonyms,
        extract,
        project,
        grant,
        from,
        STREAM_PAGE,
      );
      // A page read ahead for a client that has gone is dropped, not an unhandled failure.
      rows.catch(() => undefined);
      return rows;
    };
    // The next page is read while this one is written, so the database and the client work
    // side by side; memory still holds two pages at most.
    async function* pages(): AsyncIterable<Row[]> {
      let next = after < total ? page(after) : null;
      for (let from = after; next; from += STREAM_PAGE) {
        const rows = await next;
        next = from + STREAM_PAGE < total ? page(from + STREAM_PAGE) : null;
        yield rows;
      }
    }
    await streamRows(
      res,
      params.format,
      [...MANIFEST_COLUMNS],
      pages(),
      tools.logger,
      manifestLine as (row: Row) => string,
    );
  });
}
