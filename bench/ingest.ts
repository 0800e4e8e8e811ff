import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { Client } from 'pg';

import { type DatabaseConfig, positiveInt } from '../common/config';
import { migrate, openDatabase } from '../common/db/data-source';
import { readPart10, writePart10 } from '../ingest/dcmjs';
import { ingestDicom } from '../ingest/ingest';
import { MemoryMapping } from '../ingest/mapping';
import { walkFiles } from '../ingest/walk';
import { MIGRATIONS } from '../migrations';
import { elapsedMs, percentile, report } from './stats';

export const summary = 'DICOM ingest: files/s for generated files, against parsing alone';

const MODALITIES = [
  ['CT', 'CHEST', 1.25],
  ['MR', 'HEAD', 5],
  ['CR', 'CHEST', null],
  ['DX', 'HIP', null],
  ['US', 'ABDOMEN', null],
  ['NM', 'HEART', 6],
  ['PT', 'WHOLEBODY', 3],
  ['MG', 'BREAST', null],
] as const;
const FILES_PER_SERIES = 25;
const SERIES_PER_STUDY = 4;
const STUDIES_PER_PATIENT = 2;
/** One file in a hundred carries a CHI number in its series description: quarantined. */
const PLANTED_EVERY = 100;

/**
 * `npm run bench -- ingest [--files N]`: writes N Part 10 files (default 10 000; 8 KB of
 * pixel data each, several modalities, 1% planted identifiers), then times reading, hashing
 * and parsing them alone (the baseline) and the whole ingest into a fresh imaging database
 * (PGlite, or a throwaway schema when DATABASE_URL is set), then an idempotent second run.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { files: { type: 'string' } } });
  const files = positiveInt(values.files, 10_000, '--files');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-ingest-'));
  const { db, kind, drop } = await benchDatabase(dir);
  try {
    const mapping = await generate(path.join(dir, 'drop'), files);
    console.log(`${files} generated files, database: ${kind}`);

    // The machine is shared: the baseline is the median of three passes.
    const rates = [];
    for (let pass = 0; pass < 3; pass += 1) {
      rates.push(await parseOnly(path.join(dir, 'drop')));
    }
    const parseRate = percentile(rates, 50);
    report('parse only (read, hash, parse header; median of 3)', parseRate, 'files/s');

    const first = await ingestDicom({ db, root: path.join(dir, 'drop'), mapping });
    const baseline = { name: 'parse only', value: parseRate };
    report('ingest', first.filesPerSecond, 'files/s', baseline);
    console.log(`  loaded ${first.loaded}, quarantined ${first.quarantined}`);

    const second = await ingestDicom({ db, root: path.join(dir, 'drop'), mapping });
    report('ingest again (all known)', second.filesPerSecond, 'files/s', baseline);
    if (second.loaded !== 0 || first.loaded + first.quarantined !== files) {
      throw new Error(`Ingest lost or repeated files: ${JSON.stringify({ first, second })}`);
    }
  } finally {
    await db.destroy();
    await drop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function generate(dir: string, files: number): Promise<MemoryMapping> {
  const mapping = new MemoryMapping();
  const pixels = new Uint16Array(64 * 64).buffer;
  const uid = () => `2.25.${BigInt(`0x${randomBytes(15).toString('hex')}`).toString()}`;
  let study = '';
  let series = '';
  for (let n = 0; n < files; n += 1) {
    const patient = Math.floor(n / (FILES_PER_SERIES * SERIES_PER_STUDY * STUDIES_PER_PATIENT));
    const studyIndex = Math.floor(n / (FILES_PER_SERIES * SERIES_PER_STUDY));
    const [modality, bodyPart, slice] = MODALITIES[studyIndex % MODALITIES.length];
    if (n % (FILES_PER_SERIES * SERIES_PER_STUDY) === 0) {
      study = uid();
    }
    if (n % FILES_PER_SERIES === 0) {
      series = uid();
    }
    const patientId = `PID${String(patient).padStart(7, '0')}`;
    mapping.add(patientId, 100_000 + patient);
    const dataset = {
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
      SOPInstanceUID: uid(),
      StudyInstanceUID: study,
      SeriesInstanceUID: series,
      PatientName: `Surname${patient}^Given`,
      PatientID: patientId,
      PatientBirthDate: '19600101',
      StudyDate: `20${10 + (studyIndex % 15)}0${1 + (studyIndex % 9)}15`,
      Modality: modality,
      BodyPartExamined: bodyPart,
      StudyDescription: `${modality} ${bodyPart}`,
      SeriesDescription:
        n % PLANTED_EVERY === PLANTED_EVERY - 1 ? 'AX 0101601234' : `Series ${n % 4}`,
      SeriesNumber: Math.floor(n / FILES_PER_SERIES) % SERIES_PER_STUDY,
      InstanceNumber: n % FILES_PER_SERIES,
      ...(slice === null ? {} : { SliceThickness: slice }),
      Manufacturer: 'SIEMENS',
      ManufacturerModelName: 'Bench',
      Rows: 64,
      Columns: 64,
      BitsAllocated: 16,
      PixelData: pixels,
      _vrMap: { PixelData: 'OW' },
    };
    const sub = path.join(dir, String(Math.floor(n / 1000)));
    if (n % 1000 === 0) {
      await fs.mkdir(sub, { recursive: true });
    }
    await fs.writeFile(path.join(sub, `${n}.dcm`), writePart10(dataset));
  }
  return mapping;
}

// What the ingest cannot avoid doing per file, with the same read concurrency, and no more.
async function parseOnly(dir: string): Promise<number> {
  const start = process.hrtime.bigint();
  let count = 0;
  let batch: string[] = [];
  const flush = async () => {
    await Promise.all(
      batch.map(async (file) => {
        const bytes = await fs.readFile(file);
        createHash('sha256').update(bytes).digest('hex');
        readPart10(bytes);
      }),
    );
    count += batch.length;
    batch = [];
  };
  for await (const file of walkFiles(dir)) {
    batch.push(file);
    if (batch.length === 8) {
      await flush();
    }
  }
  await flush();
  return count / (elapsedMs(start) / 1e3);
}

/** A fresh imaging database: PGlite under `dir`, or a throwaway PostgreSQL schema. */
async function benchDatabase(dir: string) {
  const url = process.env.DATABASE_URL;
  const schema = `bench_ingest_${randomBytes(4).toString('hex')}`;
  const config: DatabaseConfig = url
    ? { kind: 'postgres', url, schema }
    : { kind: 'pglite', dir: path.join(dir, 'db') };
  const db = await openDatabase(config, { entities: [], migrations: MIGRATIONS.imaging });
  await migrate(db);
  const drop = async () => {
    if (url) {
      const client = new Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
    }
  };
  return { db, kind: config.kind, drop };
}
