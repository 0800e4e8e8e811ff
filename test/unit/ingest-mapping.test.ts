import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { loadMappingFile, MappingFileError } from '../../ingest/mapping';
import { writeReport } from '../../ingest/report';

describe('linkage mapping file', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ingest-mapping-'));
  });

  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  async function mappingFrom(text: string) {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.csv`);
    await fs.writeFile(file, text);
    return loadMappingFile(file);
  }

  it('should map trimmed patient identifiers, quoted ones too, to their keys', async () => {
    const mapping = await mappingFrom(
      'patient_id,linkage_key\r\nEDI4471902,9001\n"ID, with comma",9002\n\n  EDI0002 ,9003\n',
    );
    expect(mapping.size).toBe(3);
    expect(mapping.keyFor('EDI4471902 ')).toBe(9001);
    expect(mapping.keyFor('ID, with comma')).toBe(9002);
    expect(mapping.keyFor('EDI0002')).toBe(9003);
    expect(mapping.keyFor('EDI9999')).toBeUndefined();
  });

  it.each([
    ['a missing header', 'EDI4471902,9001\n', 'must start with the header'],
    ['a key that is not a positive integer', 'patient_id,linkage_key\nEDI4471902,-4\n', 'line 2'],
    ['a line with three fields', 'patient_id,linkage_key\nEDI4471902,1,2\n', 'line 2'],
    ['one patient with two keys', 'patient_id,linkage_key\nEDI4471902,1\nEDI4471902,2\n', 'line 3'],
  ])('should refuse %s, naming the line but not the identifier', async (_name, text, words) => {
    const error = (await mappingFrom(text).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(MappingFileError);
    expect(error.message).toContain(words);
    expect(error.message).not.toContain('EDI4471902');
  });
});

describe('quarantine report', () => {
  it('should write CSV with an action per reason, quoting fields that need it', async () => {
    const file = path.join(os.tmpdir(), `ingest-report-${process.pid}.csv`);
    await writeReport(file, [
      { path: '/drop/a,b.dcm', reason: 'NOT_DICOM', tag: null, message: 'Not DICOM' },
    ]);
    const lines = (await fs.readFile(file, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('path,reason,tag,message,action');
    expect(lines[1]).toMatch(/^"\/drop\/a,b\.dcm",NOT_DICOM,,Not DICOM,"Remove it/);
    await fs.rm(file);
  });

  it('should write JSON when the name does not end in .csv', async () => {
    const file = path.join(os.tmpdir(), `ingest-report-${process.pid}.json`);
    await writeReport(file, [
      { path: '/drop/1.dcm', reason: 'UNMAPPED_PATIENT', tag: 'PatientID', message: 'no key' },
    ]);
    const report = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(report.quarantined).toEqual([
      expect.objectContaining({
        reason: 'UNMAPPED_PATIENT',
        tag: 'PatientID',
        action: expect.any(String),
      }),
    ]);
    await fs.rm(file);
  });
});
