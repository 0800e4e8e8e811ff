import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

import { type DicomElements, writePart10 } from '../../ingest/dcmjs';

/** Storage SOP classes (PS3.4 Annex B) for the modalities the tests write. */
const SOP_CLASSES: Record<string, string> = {
  CT: '1.2.840.10008.5.1.4.1.1.2',
  MR: '1.2.840.10008.5.1.4.1.1.4',
  CR: '1.2.840.10008.5.1.4.1.1.1',
  DX: '1.2.840.10008.5.1.4.1.1.1.1',
  SR: '1.2.840.10008.5.1.4.1.1.88.22',
};

/** A fresh UID in the UUID-derived `2.25.` arc (PS3.5 §B.2). */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomBytes(15).toString('hex')}`).toString()}`;
}

/**
 * A realistic image header: the allowlisted attributes plus the identifying ones a real
 * file carries (names, IDs, birth date, address, institution, accession number), so a test
 * can check that none of them reaches the database. Fields given override the defaults; a
 * field given as `undefined` is left out.
 */
export function imageDataset(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const modality = typeof fields.Modality === 'string' ? fields.Modality : 'CT';
  const dataset: Record<string, unknown> = {
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: SOP_CLASSES[modality] ?? SOP_CLASSES.CT,
    SOPInstanceUID: newUid(),
    StudyInstanceUID: newUid(),
    SeriesInstanceUID: newUid(),
    StudyDate: '20190304',
    StudyTime: '101500',
    AccessionNumber: 'ACC77120345',
    Modality: modality,
    Manufacturer: 'SIEMENS',
    InstitutionName: 'Royal Infirmary of Atholl',
    ReferringPhysicianName: 'Lindqvist^Maja',
    StudyDescription: 'CT Thorax with contrast',
    SeriesDescription: 'Axial 1.25mm Lung',
    ManufacturerModelName: 'SOMATOM Definition AS',
    PatientName: 'Macdonald^Fiona^Jean',
    PatientID: 'EDI4471902',
    PatientBirthDate: '19500102',
    PatientSex: 'F',
    PatientAddress: '12 Quarry Lane, Dunblane FK15 0AB',
    BodyPartExamined: 'CHEST',
    SliceThickness: 1.25,
    StudyID: 'S8841',
    SeriesNumber: 2,
    InstanceNumber: 1,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: 8,
    Columns: 8,
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    PixelData: new Uint16Array(64).buffer,
    _vrMap: { PixelData: 'OW' },
    ...fields,
  };
  for (const [key, value] of Object.entries(dataset)) {
    if (value === undefined) {
      delete dataset[key];
    }
  }
  return dataset;
}

/** A private block (PS3.5 §7.8) whose value must never be read: it is not on the allowlist. */
export function privateTag(value: string): DicomElements {
  return {
    '00090010': { vr: 'LO', Value: ['ATHOLL PACS'] },
    '00091001': { vr: 'LO', Value: [value] },
  };
}

/** Writes a Part 10 file with dcmjs's writer, making folders as needed; returns its path. */
export async function writeDicomFile(
  file: string,
  dataset: Record<string, unknown>,
  byTag: DicomElements = {},
): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, writePart10(dataset, byTag));
  return file;
}
