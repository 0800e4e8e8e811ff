import type { DicomElement, DicomElements } from './dcmjs';
import { type Quarantine, quarantine } from './reasons';

/** Where a kept attribute goes; `mapping` is looked up and then dropped, never stored. */
type Destination = 'mapping' | 'study' | 'series' | 'instance';

/** Required: no file is loaded without it. Free text: scanned for identifiers first. */
type Use = 'required' | 'optional' | 'free text';

interface KeptAttribute {
  keyword: string;
  tag: string;
  vr: 'LO' | 'UI' | 'CS' | 'DA' | 'IS' | 'DS';
  to: Destination;
  use: Use;
}

const kept = (keyword: string, tag: string, vr: KeptAttribute['vr'], to: Destination, use: Use) =>
  ({ keyword, tag, vr, to, use }) satisfies KeptAttribute;

/**
 * The only attributes read from a file (docs/ingest.md explains each against PS3.15 Annex E).
 * Everything else in the header — names, other identifiers, addresses, birth date, times,
 * device and institution details, private tags — is never read into a stored value.
 */
export const ALLOWLIST: readonly KeptAttribute[] = [
  kept('PatientID', '00100020', 'LO', 'mapping', 'required'),
  kept('StudyInstanceUID', '0020000D', 'UI', 'study', 'required'),
  kept('SeriesInstanceUID', '0020000E', 'UI', 'series', 'required'),
  kept('SOPInstanceUID', '00080018', 'UI', 'instance', 'required'),
  kept('Modality', '00080060', 'CS', 'series', 'required'),
  kept('StudyDate', '00080020', 'DA', 'study', 'required'),
  kept('BodyPartExamined', '00180015', 'CS', 'study', 'free text'),
  kept('StudyDescription', '00081030', 'LO', 'study', 'free text'),
  kept('SeriesDescription', '0008103E', 'LO', 'series', 'free text'),
  kept('SeriesNumber', '00200011', 'IS', 'series', 'optional'),
  kept('InstanceNumber', '00200013', 'IS', 'instance', 'optional'),
  kept('SliceThickness', '00180050', 'DS', 'series', 'optional'),
  kept('Manufacturer', '00080070', 'LO', 'series', 'free text'),
  kept('ManufacturerModelName', '00081090', 'LO', 'series', 'free text'),
];

/** The allowlisted values of one file, checked for form but not yet for identifiers. */
export interface KeptHeader {
  /** Only to find the linkage key; dropped straight after. */
  patientId: string;
  studyUid: string;
  seriesUid: string;
  instanceUid: string;
  modality: string;
  /** `YYYYMMDD` as in the file. */
  studyDate: string;
  bodyPart: string;
  studyDescription: string;
  seriesDescription: string;
  seriesNumber: number;
  instanceNumber: number;
  sliceThicknessMm: number | null;
  manufacturer: string | null;
  model: string | null;
  /** Keyword and text of each free-text attribute present, to scan before anything is kept. */
  freeText: Array<[keyword: string, text: string]>;
}

// PS3.5 §6.2: UI is digits and dots, at most 64 characters; CS is upper case, digits, space, _.
const UID = /^\d+(?:\.\d+)*$/;
const CODE_STRING = /^[A-Z0-9 _]{1,16}$/;
const DATE = /^\d{8}$/;
const INT32 = 2 ** 31 - 1;

/** Reads and checks the allowlisted attributes; a quarantine when one is missing or bad. */
export function keptHeader(elements: DicomElements): KeptHeader | Quarantine {
  const values = new Map<string, string | number | null>();
  for (const attribute of ALLOWLIST) {
    const value = readValue(elements[attribute.tag], attribute.vr);
    if (value === undefined) {
      return quarantine('MALFORMED_TAG', attribute.keyword, `${attribute.keyword} is malformed`);
    }
    if (value === null && attribute.use === 'required') {
      return quarantine(
        'MISSING_REQUIRED_TAG',
        attribute.keyword,
        `${attribute.keyword} is required and absent or empty`,
      );
    }
    values.set(attribute.keyword, value);
  }
  const text = (keyword: string) => (values.get(keyword) as string | null) ?? '';
  const number = (keyword: string) => values.get(keyword) as number | null;
  return {
    patientId: text('PatientID'),
    studyUid: text('StudyInstanceUID'),
    seriesUid: text('SeriesInstanceUID'),
    instanceUid: text('SOPInstanceUID'),
    modality: text('Modality'),
    studyDate: text('StudyDate'),
    bodyPart: text('BodyPartExamined'),
    studyDescription: text('StudyDescription'),
    seriesDescription: text('SeriesDescription'),
    // Type 2 attributes (PS3.3): present but possibly empty; 0 stands for "not numbered".
    seriesNumber: number('SeriesNumber') ?? 0,
    instanceNumber: number('InstanceNumber') ?? 0,
    sliceThicknessMm: number('SliceThickness'),
    manufacturer: values.get('Manufacturer') as string | null,
    model: values.get('ManufacturerModelName') as string | null,
    freeText: ALLOWLIST.filter((attribute) => attribute.use === 'free text')
      .map((attribute): [string, unknown] => [attribute.keyword, values.get(attribute.keyword)])
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  };
}

/** The value in its kept form; null when absent or empty; undefined when malformed. */
function readValue(element: DicomElement | undefined, vr: KeptAttribute['vr']) {
  const raw = (element?.Value ?? []).filter((value) => value !== null && value !== '');
  if (raw.length === 0) {
    return null;
  }
  if (vr === 'IS' || vr === 'DS') {
    const value = Number(raw[0]);
    const ok = vr === 'IS' ? Number.isInteger(value) && Math.abs(value) <= INT32 : value >= 0;
    return ok && Number.isFinite(value) ? value : undefined;
  }
  if (raw.some((value) => typeof value !== 'string')) {
    return undefined;
  }
  // Multi-valued text keeps every value; the backslash is DICOM's own separator.
  const value = (raw as string[]).map((part) => part.trim()).join('\\');
  if (vr === 'UI') {
    return value.length <= 64 && UID.test(value) ? value : undefined;
  }
  if (vr === 'CS') {
    const code = value.toUpperCase();
    return CODE_STRING.test(code) ? code : undefined;
  }
  if (vr === 'DA') {
    return DATE.test(value) ? value : undefined;
  }
  return value.length > 0 ? value : null;
}
