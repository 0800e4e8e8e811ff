import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type { DataSource } from 'typeorm';

import { loadMasterSecret } from '../../common/keys';
import { Pseudonymiser } from '../../common/pseudonym';
import { ingestDicom, type IngestOptions } from '../../ingest/ingest';
import { MemoryMapping } from '../../ingest/mapping';
import { writeReport } from '../../ingest/report';
import { imageDataset, newUid, privateTag, writeDicomFile } from '../helpers/dicom';
import { findValues } from '../helpers/dicom-leaks';
import { startTestStack, type TestStack } from '../helpers/stack';

/** Linkage keys of the people in the drop (the indexing service's answer in dev). */
const FIONA = 9001;
const ANGUS = 9002;

/** Every identifying value written into the files; none may reach any table. */
const PLANTED = [
  'Macdonald',
  'Fiona',
  'Lindqvist',
  'Ramsay',
  'Angus',
  'EDI4471902',
  'EDI5583013',
  'EDI0000404',
  'ACC77120345',
  '0101501234',
  '19500102',
  '1950-01-02',
  '19620715',
  'Royal Infirmary of Atholl',
  'Quarry Lane',
  'FK15 0AB',
  'PRIVATE-MARK-7731',
  'S8841',
];

const fiona = { PatientName: 'Macdonald^Fiona^Jean', PatientID: 'EDI4471902' };
const angus = {
  PatientName: 'Ramsay^Angus',
  PatientID: 'EDI5583013',
  PatientBirthDate: '19620715',
  PatientSex: 'M',
};

describe('DICOM ingest', () => {
  let stack: TestStack;
  let db: DataSource;
  let drop: string;
  let mapping: MemoryMapping;
  const studies = { ct: newUid(), cr: newUid(), mr: newUid() };
  const ctSeries = newUid();
  const ctInstance = newUid();

  const ingest = (root: string, options: Partial<IngestOptions> = {}) =>
    ingestDicom({ db, root, mapping, batchSize: 4, ...options });

  beforeAll(async () => {
    stack = await startTestStack();
    db = stack.services.imaging.db;
    drop = await fs.mkdtemp(path.join(os.tmpdir(), 'ingest-drop-'));
    mapping = new MemoryMapping([
      [fiona.PatientID, FIONA],
      [angus.PatientID, ANGUS],
    ]);
    await writeDrop(drop);
  });

  afterAll(async () => {
    await stack.stop();
    await fs.rm(drop, { recursive: true, force: true });
  });

  // Planted identifiers everywhere: a private tag, names, IDs, address, institution.
  const write = (file: string, fields: Record<string, unknown>) =>
    writeDicomFile(path.join(drop, file), imageDataset(fields), privateTag('PRIVATE-MARK-7731'));

  async function writeDrop(dir: string) {
    const ct = { ...fiona, StudyInstanceUID: studies.ct, SeriesInstanceUID: ctSeries };
    await write('ct-chest/1.dcm', { ...ct, SOPInstanceUID: ctInstance, InstanceNumber: 1 });
    await write('ct-chest/2.dcm', { ...ct, InstanceNumber: 2 });
    // The same instance exported twice, once with other bytes: one instance, one image.
    await write('ct-chest/2-again.dcm', { ...ct, SOPInstanceUID: ctInstance, StudyTime: '1' });
    await fs.copyFile(path.join(dir, 'ct-chest/1.dcm'), path.join(dir, 'copy-of-1.dcm'));

    const mr = {
      ...angus,
      Modality: 'MR',
      BodyPartExamined: 'HEAD',
      StudyInstanceUID: studies.mr,
      StudyDate: '20210911',
      StudyDescription: 'MR Brain',
      Manufacturer: 'Philips',
      ManufacturerModelName: 'Ingenia',
      SliceThickness: 5,
    };
    await write('mr-head/t1.dcm', { ...mr, SeriesNumber: 1, SeriesDescription: 'T1 SAG' });
    await write('mr-head/flair.dcm', { ...mr, SeriesNumber: 3, SeriesDescription: 'AX FLAIR' });
    await write('cr-chest.dcm', {
      ...fiona,
      Modality: 'CR',
      StudyInstanceUID: studies.cr,
      StudyDate: '20170506',
      StudyDescription: 'XR Chest',
      SeriesDescription: 'PA',
      SliceThickness: undefined,
    });

    await write('planted/chi-in-series.dcm', { ...fiona, SeriesDescription: 'AX 0101501234' });
    await write('planted/surname-in-study.dcm', {
      ...angus,
      Modality: 'MR',
      StudyDescription: 'MR Brain RAMSAY',
    });
    await write('planted/unmapped.dcm', { PatientID: 'EDI0000404' });
    await fs.writeFile(path.join(dir, 'planted/notes.txt'), 'Fiona Macdonald EDI4471902\n');
    await write('planted/no-study-uid.dcm', { ...fiona, StudyInstanceUID: undefined });
    await write('planted/report.dcm', { ...fiona, Modality: 'SR' });
    await write('planted/old.dcm', { ...fiona, StudyDate: '19990412' });
    await write('Ramsay_Angus/1.dcm', { ...angus, StudyInstanceUID: newUid() });
  }

  const QUARANTINED = [
    ['chi-in-series.dcm', 'IDENTIFIER_IN_TEXT', 'SeriesDescription'],
    ['surname-in-study.dcm', 'IDENTIFIER_IN_TEXT', 'StudyDescription'],
    ['unmapped.dcm', 'UNMAPPED_PATIENT', 'PatientID'],
    ['notes.txt', 'NOT_DICOM', null],
    ['no-study-uid.dcm', 'MISSING_REQUIRED_TAG', 'StudyInstanceUID'],
    ['report.dcm', 'UNSUPPORTED_MODALITY', 'Modality'],
    ['old.dcm', 'DATE_OUT_OF_RANGE', 'StudyDate'],
    ['Ramsay_Angus/1.dcm', 'IDENTIFIER_IN_PATH', null],
  ];

  async function tableCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of ['study', 'series', 'instance', 'ingest_file']) {
      const [row] = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
      counts[table] = row.n;
    }
    return counts;
  }

  describe('a first run over a drop with planted cases', () => {
    let summary: Awaited<ReturnType<typeof ingestDicom>>;

    beforeAll(async () => {
      summary = await ingest(drop);
    });

    it('should look at every file and load the good ones', () => {
      expect(summary).toMatchObject({
        files: 15,
        loaded: 5,
        duplicates: 1,
        skipped: 1,
        quarantined: QUARANTINED.length,
        complete: true,
      });
    });

    it('should quarantine every planted case with its reason and tag', () => {
      const found = summary.quarantine.map((entry) => [
        path.relative(drop, entry.path).replace(/^planted\//, ''),
        entry.reason,
        entry.tag,
      ]);
      expect(found.sort()).toEqual([...QUARANTINED].sort());
    });

    it('should load studies, series and image counts from the kept tags only', async () => {
      const rows = await db.query(
        `SELECT s.linkage_key AS key, s.modality, s.body_part, s.study_date, s.description,
                r.series_number, r.description AS series, r.slice_thickness_mm AS slice,
                r.manufacturer, r.model, r.image_count
           FROM study s JOIN series r ON r.study_id = s.id ORDER BY s.study_date, r.series_number`,
      );
      expect(rows).toEqual([
        {
          key: FIONA,
          modality: 'CR',
          body_part: 'CHEST',
          study_date: '2017-05-06',
          description: 'XR Chest',
          series_number: 2,
          series: 'PA',
          slice: null,
          manufacturer: 'SIEMENS',
          model: 'SOMATOM Definition AS',
          image_count: 1,
        },
        expect.objectContaining({ key: FIONA, modality: 'CT', study_date: '2019-03-04' }),
        expect.objectContaining({ key: ANGUS, modality: 'MR', series: 'T1 SAG', slice: 5 }),
        expect.objectContaining({ key: ANGUS, modality: 'MR', series: 'AX FLAIR', image_count: 1 }),
      ]);
      expect(rows[1]).toMatchObject({ series: 'Axial 1.25mm Lung', slice: 1.25, image_count: 2 });
    });

    it('should give ingested rows ids from the ingest sequence and a file storage reference', async () => {
      const rows: Array<{ id: number; series_id: number; storage_ref: string }> = await db.query(
        'SELECT id, series_id, storage_ref FROM instance ORDER BY storage_ref',
      );
      expect(rows).toHaveLength(5);
      for (const row of rows) {
        expect(row.id).toBeGreaterThanOrEqual(2 ** 52);
        expect(row.series_id).toBeGreaterThanOrEqual(2 ** 52);
        expect(row.storage_ref).toMatch(/^file:\/\/\//);
      }
      const refs = rows.map((row) => row.storage_ref);
      expect(refs).toContain(`file://${path.join(drop, 'cr-chest.dcm')}`);
      expect(refs.every((ref) => ref.startsWith(`file://${drop}/`))).toBe(true);
    });

    it('should let no planted identifier reach any column of any table', async () => {
      expect(await findValues(db, PLANTED)).toEqual([]);
      // The search does find what was kept: it is not passing by finding nothing anywhere.
      expect(await findValues(db, ['axial 1.25MM'])).toEqual(['series.description: axial 1.25MM']);
    });

    it('should write a report that names reasons and tags but no identifying value', async () => {
      const file = path.join(drop, '..', `ingest-report-${process.pid}.csv`);
      await writeReport(file, summary.quarantine);
      const text = await fs.readFile(file, 'utf8');
      await fs.rm(file);
      const withoutPaths = text.replaceAll(drop, '<drop>').replace('Ramsay_Angus', '<folder>');
      expect(text.trim().split('\n')).toHaveLength(QUARANTINED.length + 1);
      for (const value of PLANTED) {
        expect(withoutPaths.toLowerCase()).not.toContain(value.toLowerCase());
      }
    });
  });

  it('should add nothing when the same files are ingested again', async () => {
    const before = await tableCounts();
    const again = await ingest(drop);
    expect(again).toMatchObject({ files: 15, loaded: 0, duplicates: 0, skipped: 7 });
    expect(again.quarantined).toBe(QUARANTINED.length);
    expect(await tableCounts()).toEqual(before);
  });

  it('should quarantine a file whose study is already held for another subject', async () => {
    // Angus under Fiona's CT study: the UIDs say one person, the mapping another.
    const file = path.join(`${drop}-conflict`, 'wrong-patient.dcm');
    await writeDicomFile(file, imageDataset({ ...angus, StudyInstanceUID: studies.ct }));
    const before = await tableCounts();
    const result = await ingest(file);
    await fs.rm(path.dirname(file), { recursive: true });
    expect(result.quarantine).toEqual([
      expect.objectContaining({ reason: 'UID_CONFLICT', tag: 'StudyInstanceUID' }),
    ]);
    expect(await tableCounts()).toEqual({ ...before, ingest_file: before.ingest_file + 1 });
  });

  it('should load a quarantined file once its patient is mapped', async () => {
    mapping.add('EDI0000404', 9003);
    const again = await ingest(path.join(drop, 'planted', 'unmapped.dcm'));
    expect(again).toMatchObject({ files: 1, loaded: 1, quarantined: 0 });
    const [row] = await db.query(`SELECT status, reason FROM ingest_file WHERE status = 'loaded'
      AND instance_id = (SELECT max(id) FROM instance)`);
    expect(row).toEqual({ status: 'loaded', reason: null });
  });

  describe('an interrupted run', () => {
    let more: string;
    const study = newUid();

    beforeAll(async () => {
      more = await fs.mkdtemp(path.join(os.tmpdir(), 'ingest-more-'));
      const series = newUid();
      for (let n = 1; n <= 10; n += 1) {
        await writeDicomFile(
          path.join(more, `${String(n).padStart(2, '0')}.dcm`),
          imageDataset({
            ...fiona,
            StudyInstanceUID: study,
            SeriesInstanceUID: series,
            InstanceNumber: n,
          }),
        );
      }
    });

    afterAll(() => fs.rm(more, { recursive: true, force: true }));

    async function seriesState(): Promise<Array<{ image_count: number; n: number }>> {
      return db.query(
        `SELECT r.image_count, (SELECT count(*)::int FROM instance i WHERE i.series_id = r.id) AS n
           FROM series r JOIN study s ON s.id = r.study_id WHERE s.study_uid = $1`,
        [study],
      );
    }

    it('should stop at --max-files and carry on from there', async () => {
      const first = await ingest(more, { maxFiles: 3, batchSize: 2 });
      expect(first).toMatchObject({ files: 3, loaded: 3, complete: false });
      expect(await seriesState()).toEqual([{ image_count: 3, n: 3 }]);
    });

    it('should stop between batches when aborted and carry on from there', async () => {
      const stop = new AbortController();
      const second = await ingest(more, {
        batchSize: 2,
        progressEveryMs: 0,
        signal: stop.signal,
        onProgress: () => stop.abort(),
      });
      expect(second.complete).toBe(false);
      expect(second.files).toBeLessThan(10);
    });

    it('should lose and repeat nothing when a batch fails half-written', async () => {
      // A constraint that a file not yet loaded breaks stands in for a crash inside the
      // transaction of its batch.
      const loaded: Array<{ n: number }> = await db.query(
        `SELECT i.instance_number AS n FROM instance i JOIN series r ON r.id = i.series_id
           JOIN study s ON s.id = r.study_id WHERE s.study_uid = $1`,
        [study],
      );
      const victim = [10, 9, 8, 7, 6, 5].find((n) => !loaded.some((row) => row.n === n));
      await db.query(
        `ALTER TABLE instance ADD CONSTRAINT crash_test CHECK (instance_number <> ${victim})`,
      );
      await expect(ingest(more, { batchSize: 2 })).rejects.toThrow();
      const [{ n }] = await db.query(
        `SELECT count(*)::int AS n FROM instance i JOIN series r ON r.id = i.series_id
           JOIN study s ON s.id = r.study_id WHERE s.study_uid = $1`,
        [study],
      );
      expect(n).toBeLessThan(10);
      expect(n).toBeGreaterThanOrEqual(loaded.length);
      await db.query('ALTER TABLE instance DROP CONSTRAINT crash_test');

      const last = await ingest(more, { batchSize: 2 });
      expect(last).toMatchObject({ files: 10, loaded: 10 - n, skipped: n, complete: true });
      expect(await seriesState()).toEqual([{ image_count: 10, n: 10 }]);
      const [{ ledger }] = await db.query(
        `SELECT count(*)::int AS ledger FROM ingest_file f JOIN instance i ON i.id = f.instance_id
           JOIN series r ON r.id = i.series_id JOIN study s ON s.id = r.study_id
          WHERE s.study_uid = $1`,
        [study],
      );
      expect(ledger).toBe(10);
    });
  });

  it('should still hold no planted identifier after every run', async () => {
    expect(await findValues(db, PLANTED)).toEqual([]);
  });

  it('should load files again after the imaging tables were emptied (seed --reset)', async () => {
    await db.query('TRUNCATE extract_item, extract, instance, series, study');
    const again = await ingest(drop);
    expect(again).toMatchObject({ loaded: 6, duplicates: 1, skipped: 1 });
    expect(await tableCounts()).toMatchObject({ study: 4, series: 5, instance: 6 });
  });

  it('should serve ingested studies through the gateway like any other', async () => {
    const token = await stack.token('analyst', 'demo-lung');
    const id = new Pseudonymiser(await loadMasterSecret(stack.keysDir)).releaseId(
      'demo-lung',
      ANGUS,
    );
    const { body } = await stack.query<{
      subject: { imagingStudies: Array<Record<string, unknown>> };
    }>(
      token,
      `query ($id: ID!) {
        subject(id: $id) {
          imagingStudies { uid modality bodyPart date description
            series { uid number modality description sliceThicknessMm imageCount } }
        }
      }`,
      { id },
    );
    expect(body.errors).toBeUndefined();
    const [study] = body.data!.subject.imagingStudies;
    expect(body.data!.subject.imagingStudies).toHaveLength(1);
    expect(study).toMatchObject({
      modality: 'MR',
      bodyPart: 'HEAD',
      date: '2021-09-11',
      description: 'MR Brain',
      series: [
        { number: 1, modality: 'MR', description: 'T1 SAG', sliceThicknessMm: 5, imageCount: 1 },
        { number: 3, modality: 'MR', description: 'AX FLAIR', sliceThicknessMm: 5, imageCount: 1 },
      ],
    });
    // Callers see per-project UIDs, never the originals.
    expect(study.uid).toMatch(/^2\.25\.\d+$/);
    expect(study.uid).not.toBe(studies.mr);
  });
});
