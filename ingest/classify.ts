import { Modality } from '../common/graphql-enums';
import { keptHeader } from './allowlist';
import { type DicomElements, readPart10 } from './dcmjs';
import { fileIdentity, findIdentifier } from './identifiers';
import type { LinkageMapping } from './mapping';
import { isQuarantine, type Quarantine, quarantine } from './reasons';

/** What one file contributes to the study, series and instance tables: nothing more. */
export interface IngestRecord {
  linkageKey: number;
  studyUid: string;
  seriesUid: string;
  instanceUid: string;
  modality: string;
  bodyPart: string;
  /** `YYYY-MM-DD`. */
  studyDate: string;
  studyDescription: string;
  seriesDescription: string;
  seriesNumber: number;
  instanceNumber: number;
  sliceThicknessMm: number | null;
  manufacturer: string | null;
  model: string | null;
  storageRef: string;
}

export interface ClassifyOptions {
  mapping: LinkageMapping;
  /** Earliest study date accepted, `YYYY-MM-DD` (the archive starts in 2006). */
  from: string;
  /** Latest study date accepted, `YYYY-MM-DD` (today: a later one is an error). */
  to: string;
}

const MODALITIES = new Set<string>(Object.values(Modality));

/**
 * Decides what happens to one file: a record to load, or a quarantine with its reason. The
 * checks run in the order an operator would fix them: the file, its form, its content, and
 * last the mapping, which is fixed outside the file.
 */
export function classify(
  bytes: Uint8Array,
  storageRef: string,
  options: ClassifyOptions,
): IngestRecord | Quarantine {
  let elements: DicomElements;
  try {
    elements = readPart10(bytes);
  } catch {
    // The parser's message can quote header bytes: it is not passed on.
    return quarantine('NOT_DICOM', null, 'Not a readable DICOM Part 10 file');
  }

  const header = keptHeader(elements);
  if (isQuarantine(header)) {
    return header;
  }
  if (!MODALITIES.has(header.modality)) {
    return quarantine(
      'UNSUPPORTED_MODALITY',
      'Modality',
      `Modality is not one of ${[...MODALITIES].join(', ')}`,
    );
  }
  const studyDate = isoDate(header.studyDate);
  if (!studyDate || studyDate < options.from || studyDate > options.to) {
    return quarantine(
      'DATE_OUT_OF_RANGE',
      'StudyDate',
      `StudyDate is not a calendar date from ${options.from} to ${options.to}`,
    );
  }

  const identity = fileIdentity(elements);
  for (const [keyword, text] of header.freeText) {
    const found = findIdentifier(text, identity);
    if (found) {
      return quarantine('IDENTIFIER_IN_TEXT', keyword, `${keyword} holds a possible ${found}`);
    }
  }
  const inPath = findIdentifier(decoded(storageRef), identity, { ownValuesOnly: true });
  if (inPath) {
    return quarantine('IDENTIFIER_IN_PATH', null, `The storage reference holds the ${inPath}`);
  }

  const linkageKey = options.mapping.keyFor(header.patientId);
  if (linkageKey === undefined) {
    return quarantine('UNMAPPED_PATIENT', 'PatientID', 'PatientID has no linkage key');
  }
  return {
    linkageKey,
    studyUid: header.studyUid,
    seriesUid: header.seriesUid,
    instanceUid: header.instanceUid,
    modality: header.modality,
    bodyPart: header.bodyPart,
    studyDate,
    studyDescription: header.studyDescription,
    seriesDescription: header.seriesDescription,
    seriesNumber: header.seriesNumber,
    instanceNumber: header.instanceNumber,
    sliceThicknessMm: header.sliceThicknessMm,
    manufacturer: header.manufacturer,
    model: header.model,
    storageRef,
  };
}

// A file URL escapes `^` and spaces; the names it hides are looked for in the decoded form.
function decoded(storageRef: string): string {
  try {
    return decodeURIComponent(storageRef);
  } catch {
    return storageRef;
  }
}

/** `YYYYMMDD` → `YYYY-MM-DD` when it is a real calendar date, else null. */
function isoDate(yyyymmdd: string): string | null {
  const iso = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(iso) ? iso : null;
}
