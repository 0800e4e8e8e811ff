import type { DataSource, QueryRunner } from 'typeorm';

import type { IngestRecord } from './classify';
import { isQuarantine, type Quarantine, quarantine } from './reasons';

/** One file of a batch: its content hash and what classification made of it. */
export interface BatchItem {
  hash: string;
  result: IngestRecord | Quarantine;
}

/** What became of a file once written: the ledger status and, if loaded, its instance. */
export type Outcome =
  | { status: 'loaded' | 'duplicate'; instanceId: number }
  | { status: 'quarantined'; quarantine: Quarantine };

// The advisory lock key every ingest process takes per batch: batches take turns, so two
// runs over overlapping drops cannot both create the same study.
const INGEST_LOCK = 0x1d1c0;

/**
 * Hashes whose files are loaded (or found to be duplicates) and whose instance is still
 * there: nothing to redo. A row whose instance has gone (the seeder's reset empties the
 * imaging tables) does not count, so the next run loads the file again.
 */
export async function settledHashes(db: DataSource, hashes: string[]): Promise<Set<string>> {
  if (hashes.length === 0) {
    return new Set();
  }
  const rows: Array<{ h: string }> = await db.query(
    `SELECT f.content_sha256 AS h FROM ingest_file f JOIN instance i ON i.id = f.instance_id
      WHERE f.content_sha256 = ANY($1::text[])`,
    [hashes],
  );
  return new Set(rows.map((row) => row.h));
}

interface StudyRow {
  id: number;
  linkageKey: number;
  /** Set on a study this batch creates. */
  record?: IngestRecord;
}
interface SeriesRow {
  id: number;
  /** The study it belongs to, when that study is named in this batch. */
  study?: StudyRow;
  record?: IngestRecord;
  added: number;
}
interface InstanceRow {
  id: number;
  series?: SeriesRow;
  record?: IngestRecord;
}
type Plan = Outcome | { instance: InstanceRow; isNew: boolean };

/**
 * Writes a batch in one transaction, ledger rows included: after a crash either the whole
 * batch is there or none of it, so a rerun neither loses nor repeats a file. Items must have
 * distinct hashes.
 */
export async function writeBatch(db: DataSource, items: BatchItem[]): Promise<Outcome[]> {
  if (items.length === 0) {
    return [];
  }
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    try {
      await runner.query('SELECT pg_advisory_xact_lock($1)', [INGEST_LOCK]);
      const outcomes = await writeRecords(runner, items);
      await writeLedger(runner, items, outcomes);
      await runner.commitTransaction();
      return outcomes;
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  } finally {
    await runner.release();
  }
}

async function writeRecords(runner: QueryRunner, items: BatchItem[]): Promise<Outcome[]> {
  const records = items
    .map((item) => item.result)
    .filter((result): result is IngestRecord => !isQuarantine(result));
  const studies = await existingStudies(runner, records);
  const series = await existingSeries(runner, records, studies);
  const instances = await existingInstances(runner, records);

  // Rows are planned in memory, ids allocated after, so that a file refused for a conflict
  // leaves no study or series behind it.
  const created = {
    studies: [] as StudyRow[],
    series: [] as SeriesRow[],
    instances: [] as InstanceRow[],
  };
  const plans = items.map(({ result }): Plan => {
    if (isQuarantine(result)) {
      return { status: 'quarantined', quarantine: result };
    }
    const study = studies.get(result.studyUid);
    if (study && study.linkageKey !== result.linkageKey) {
      return conflict('StudyInstanceUID', 'is already held for another subject');
    }
    const oneSeries = series.get(result.seriesUid);
    if (oneSeries && (!study || oneSeries.study !== study)) {
      return conflict('SeriesInstanceUID', 'already belongs to another study');
    }
    const known = instances.get(result.instanceUid);
    if (known) {
      return { instance: known, isNew: false };
    }
    const newStudy =
      study ??
      add(studies, created.studies, result.studyUid, {
        id: 0,
        linkageKey: result.linkageKey,
        record: result,
      });
    const newSeries =
      oneSeries ??
      add(series, created.series, result.seriesUid, {
        id: 0,
        study: newStudy,
        record: result,
        added: 0,
      });
    newSeries.added += 1;
    const instance = add(instances, created.instances, result.instanceUid, {
      id: 0,
      series: newSeries,
      record: result,
    });
    return { instance, isNew: true };
  });

  const rows = [...created.studies, ...created.series, ...created.instances];
  const ids = await allocateIds(runner, rows.length);
  rows.forEach((row, i) => (row.id = ids[i]));
  await insertStudies(runner, created.studies);
  await insertSeries(runner, created.series);
  await insertInstances(runner, created.instances);
  await countImages(
    runner,
    [...series.values()].filter((row) => !row.record && row.added > 0),
  );

  return plans.map((plan) =>
    'status' in plan
      ? plan
      : { status: plan.isNew ? 'loaded' : 'duplicate', instanceId: plan.instance.id },
  );
}

function add<T>(byUid: Map<string, T>, created: T[], uid: string, row: T): T {
  byUid.set(uid, row);
  created.push(row);
  return row;
}

function conflict(keyword: string, what: string): Outcome {
  return {
    status: 'quarantined',
    quarantine: quarantine('UID_CONFLICT', keyword, `${keyword} ${what}`),
  };
}

async function select<Row>(runner: QueryRunner, sql: string, params: unknown[]): Promise<Row[]> {
  return (await runner.query(sql, params)) as Row[];
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

async function existingStudies(runner: QueryRunner, records: IngestRecord[]) {
  const rows = await select<{ id: number; uid: string; key: number }>(
    runner,
    'SELECT id, study_uid AS uid, linkage_key AS key FROM study WHERE study_uid = ANY($1::text[])',
    [distinct(records.map((record) => record.studyUid))],
  );
  return new Map(
    rows.map((row): [string, StudyRow] => [row.uid, { id: row.id, linkageKey: row.key }]),
  );
}

async function existingSeries(
  runner: QueryRunner,
  records: IngestRecord[],
  studies: Map<string, StudyRow>,
) {
  const rows = await select<{ id: number; uid: string; study_id: number }>(
    runner,
    'SELECT id, series_uid AS uid, study_id FROM series WHERE series_uid = ANY($1::text[])',
    [distinct(records.map((record) => record.seriesUid))],
  );
  const byId = new Map([...studies.values()].map((study) => [study.id, study]));
  return new Map(
    rows.map((row): [string, SeriesRow] => [
      row.uid,
      { id: row.id, study: byId.get(row.study_id), added: 0 },
    ]),
  );
}

async function existingInstances(runner: QueryRunner, records: IngestRecord[]) {
  const rows = await select<{ id: number; uid: string }>(
    runner,
    'SELECT id, instance_uid AS uid FROM instance WHERE instance_uid = ANY($1::text[])',
    [distinct(records.map((record) => record.instanceUid))],
  );
  return new Map(rows.map((row): [string, InstanceRow] => [row.uid, { id: row.id }]));
}

async function allocateIds(runner: QueryRunner, count: number): Promise<number[]> {
  if (count === 0) {
    return [];
  }
  const rows = await select<{ id: number }>(
    runner,
    "SELECT nextval('imaging_ingest_id') AS id FROM generate_series(1, $1)",
    [count],
  );
  return rows.map((row) => Number(row.id));
}

async function insertStudies(runner: QueryRunner, rows: StudyRow[]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const r = rows.map((row) => row.record as IngestRecord);
  await runner.query(
    `INSERT INTO study (id, linkage_key, study_uid, modality, body_part, study_date, description)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[],
                          $6::date[], $7::text[])`,
    [
      rows.map((row) => row.id),
      r.map((x) => x.linkageKey),
      r.map((x) => x.studyUid),
      r.map((x) => x.modality),
      r.map((x) => x.bodyPart),
      r.map((x) => x.studyDate),
      r.map((x) => x.studyDescription),
    ],
  );
}

async function insertSeries(runner: QueryRunner, rows: SeriesRow[]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const r = rows.map((row) => row.record as IngestRecord);
  await runner.query(
    `INSERT INTO series (id, study_id, series_uid, series_number, modality, description,
                         slice_thickness_mm, manufacturer, model, image_count)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::int[], $5::text[],
                          $6::text[], $7::real[], $8::text[], $9::text[], $10::int[])`,
    [
      rows.map((row) => row.id),
      rows.map((row) => row.study?.id),
      r.map((x) => x.seriesUid),
      r.map((x) => x.seriesNumber),
      r.map((x) => x.modality),
      r.map((x) => x.seriesDescription),
      r.map((x) => x.sliceThicknessMm),
      r.map((x) => x.manufacturer),
      r.map((x) => x.model),
      rows.map((row) => row.added),
    ],
  );
}

async function insertInstances(runner: QueryRunner, rows: InstanceRow[]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const r = rows.map((row) => row.record as IngestRecord);
  await runner.query(
    `INSERT INTO instance (id, series_id, instance_uid, instance_number, storage_ref)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::int[], $5::text[])`,
    [
      rows.map((row) => row.id),
      rows.map((row) => row.series?.id),
      r.map((x) => x.instanceUid),
      r.map((x) => x.instanceNumber),
      r.map((x) => x.storageRef),
    ],
  );
}

// Series that existed before the batch gain the images it adds.
async function countImages(runner: QueryRunner, rows: SeriesRow[]): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  await runner.query(
    `UPDATE series SET image_count = image_count + v.added
       FROM unnest($1::bigint[], $2::int[]) AS v (id, added) WHERE series.id = v.id`,
    [rows.map((row) => row.id), rows.map((row) => row.added)],
  );
}

/** One ledger row per file content; a row is replaced only when its file was judged again. */
async function writeLedger(runner: QueryRunner, items: BatchItem[], outcomes: Outcome[]) {
  await runner.query(
    `INSERT INTO ingest_file (content_sha256, status, reason, tag, instance_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
     ON CONFLICT (content_sha256) DO UPDATE
       SET status = excluded.status, reason = excluded.reason, tag = excluded.tag,
           instance_id = excluded.instance_id, last_seen_at = now()
       WHERE ingest_file.status = 'quarantined'
          OR NOT EXISTS (SELECT 1 FROM instance WHERE instance.id = ingest_file.instance_id)`,
    [
      items.map((item) => item.hash),
      outcomes.map((outcome) => outcome.status),
      outcomes.map((o) => (o.status === 'quarantined' ? o.quarantine.reason : null)),
      outcomes.map((o) => (o.status === 'quarantined' ? o.quarantine.tag : null)),
      outcomes.map((o) => (o.status === 'quarantined' ? null : o.instanceId)),
    ],
  );
}
