import type { DicomElement, DicomElements } from './dcmjs';

/** What an identifier found in text looked like; named in reports instead of the value. */
export type IdentifierKind =
  | 'patient identifier'
  | 'person name'
  | 'date of birth'
  | 'long number (CHI, NHS or telephone number)'
  | 'calendar date'
  | 'postcode'
  | 'email address';

/**
 * The identifying values one file carries in its own header (PS3.15 Annex E, Table E.1-1:
 * attributes the basic profile removes or replaces), gathered to look for them in the text
 * that is kept. Nothing here is stored.
 */
export interface FileIdentity {
  /** Patient and request identifiers, e.g. PatientID, AccessionNumber, as upper case. */
  ids: string[];
  /** Name parts of every person named in the header (PN values), as upper case. */
  names: string[];
  /** The patient's birth date as YYYYMMDD, when given. */
  birthDate: string | null;
}

// Identifier-bearing attributes whose values are looked for verbatim (PS3.15 Table E.1-1).
const ID_TAGS = new Set([
  '00100020', // PatientID
  '00101000', // OtherPatientIDs
  '00080050', // AccessionNumber
  '00200010', // StudyID
  '00102154', // PatientTelephoneNumbers
  '00101090', // MedicalRecordLocator
]);
const BIRTH_DATE = '00100030';

/** Shorter identifiers are too likely to occur by chance (`1`, `CT1`) to be looked for. */
const MIN_ID_LENGTH = 4;
/** Name parts of one letter are initials; they name no one. */
const MIN_NAME_LENGTH = 2;

/** Collects a file's identifying values, walking into sequences as well. */
export function fileIdentity(elements: DicomElements): FileIdentity {
  const identity: FileIdentity = { ids: [], names: [], birthDate: null };
  collect(elements, identity);
  identity.ids = [...new Set(identity.ids)];
  identity.names = [...new Set(identity.names)];
  return identity;
}

function collect(elements: DicomElements, identity: FileIdentity): void {
  for (const [tag, element] of Object.entries(elements)) {
    if (element.vr === 'SQ') {
      for (const item of element.Value ?? []) {
        if (item && typeof item === 'object') {
          collect(item as DicomElements, identity);
        }
      }
    } else if (element.vr === 'PN') {
      identity.names.push(...nameParts(element));
    } else if (tag === BIRTH_DATE) {
      const value = firstString(element);
      identity.birthDate = /^\d{8}$/.test(value) ? value : identity.birthDate;
    } else if (ID_TAGS.has(tag)) {
      for (const value of strings(element)) {
        if (value.length >= MIN_ID_LENGTH) {
          identity.ids.push(value.toUpperCase());
        }
      }
    }
  }
}

// PS3.5 §6.2: a PN value has up to three groups (alphabetic, ideographic, phonetic), each
// family^given^middle^prefix^suffix. Prefixes and suffixes (Mr, Dr, III) name no one.
function nameParts(element: DicomElement): string[] {
  const parts: string[] = [];
  for (const value of element.Value ?? []) {
    if (!value) {
      continue;
    }
    const groups =
      typeof value === 'string'
        ? value.split('=')
        : Object.values(value).filter((group) => typeof group === 'string');
    for (const group of groups) {
      for (const component of group.split('^').slice(0, 3)) {
        for (const word of component.split(/[\s,.'-]+/u)) {
          if ([...word].length >= MIN_NAME_LENGTH) {
            parts.push(word.toUpperCase());
          }
        }
      }
    }
  }
  return parts;
}

function strings(element: DicomElement): string[] {
  return (element.Value ?? [])
    .filter((value): value is string | number => ['string', 'number'].includes(typeof value))
    .map((value) => String(value).trim())
    .filter((value) => value.length > 0);
}

function firstString(element: DicomElement): string {
  return strings(element)[0] ?? '';
}

// Runs of digits broken only by spaces, hyphens or brackets: CHI (DDMMYY NNNN), NHS numbers
// (3-3-4) and telephone numbers are ten digits or more however they are grouped.
const DIGIT_RUN = /\+?\(?\d+(?:[ ()-]{1,2}\d+)*/g;
const MIN_DIGITS = 10;
// Dotted numeric chains are UIDs (PS3.5 §9): their long components are not identifiers.
const UID_LIKE = /\d+(?:\.\d+){3,}/g;
const EMAIL = /[\p{L}\d._%+-]+@[\p{L}\d-]+(?:\.[\p{L}\d-]+)+/u;
// UK postcodes (BS 7666): outward code, optional space, inward code.
const POSTCODE = /(?<![\p{L}\d])[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}(?![\p{L}\d])/iu;
// Month names in full or cut short, then no more letters: `DEC` is December, `DECUBITUS` is not.
const MONTHS =
  'JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|APR(?:IL)?|MAY|JUNE?|JULY?|AUG(?:UST)?|' +
  'SEPT?(?:EMBER)?|OCT(?:OBER)?|NOV(?:EMBER)?|DEC(?:EMBER)?';
// Inside a dotted chain or a word (software versions, UIDs) three numbers are not a date.
const NUMERIC_DATE = /(?<![\p{L}\d.])(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})(?![\d.])/gu;
const COMPACT_DATE = /(?<!\d)(19|20)(\d{2})(\d{2})(\d{2})(?!\d)/g;
const WORDY_DATE = new RegExp(
  `(?<!\\d)\\d{1,2}[\\s./-]*(?:${MONTHS})(?![A-Z])[\\s./,-]*\\d{2,4}(?!\\d)`,
  'i',
);

export interface ScanOptions {
  /**
   * Look only for the file's own identifying values, not for patterns (default false). For
   * paths: content-addressed names and dated folders match the patterns without naming anyone.
   */
  ownValuesOnly?: boolean;
}

/**
 * The first kind of identifier found in `text`, or null: the file's own identifying values
 * (patient IDs, name parts, birth date in any common layout) and patterns that identify
 * whoever they belong to (long numbers, postcodes, email addresses, dates).
 */
export function findIdentifier(
  text: string,
  identity: FileIdentity,
  options: ScanOptions = {},
): IdentifierKind | null {
  const upper = text.toUpperCase();
  if (identity.ids.some((id) => containsToken(upper, id, /[\p{L}\d]/u))) {
    return 'patient identifier';
  }
  if (identity.names.some((name) => containsToken(upper, name, /\p{L}/u))) {
    return 'person name';
  }
  const birthForms = identity.birthDate ? birthDateForms(identity.birthDate) : [];
  if (birthForms.some((form) => containsToken(upper, form, /\d/))) {
    return 'date of birth';
  }
  if (options.ownValuesOnly) {
    return null;
  }
  if (hasLongNumber(text)) {
    return 'long number (CHI, NHS or telephone number)';
  }
  if (EMAIL.test(text)) {
    return 'email address';
  }
  if (POSTCODE.test(text)) {
    return 'postcode';
  }
  if (hasDate(upper)) {
    return 'calendar date';
  }
  return null;
}

// A whole-token match: the characters either side must not continue the token.
function containsToken(text: string, token: string, wordChar: RegExp): boolean {
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
    const before = text[at - 1];
    const after = text[at + token.length];
    if ((!before || !wordChar.test(before)) && (!after || !wordChar.test(after))) {
      return true;
    }
  }
  return false;
}

function hasLongNumber(text: string): boolean {
  const withoutUids = text.replace(UID_LIKE, ' ');
  for (const match of withoutUids.matchAll(DIGIT_RUN)) {
    if (match[0].replace(/\D/g, '').length >= MIN_DIGITS) {
      return true;
    }
  }
  return false;
}

function hasDate(upper: string): boolean {
  for (const [, a, , b, c] of upper.matchAll(NUMERIC_DATE)) {
    const [first, second, third] = [Number(a), Number(b), Number(c)];
    const yearFirst = a.length === 4 && validDay(third, second);
    const yearLast = a.length <= 2 && (c.length === 4 || c.length === 2);
    if (yearFirst || (yearLast && (validDay(first, second) || validDay(second, first)))) {
      return true;
    }
  }
  for (const [, , , month, day] of upper.matchAll(COMPACT_DATE)) {
    if (validDay(Number(day), Number(month))) {
      return true;
    }
  }
  return WORDY_DATE.test(upper);
}

function validDay(day: number, month: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// The layouts a birth date is written in by hand: 19500102, 1950-01-02, 02/01/1950, 02.01.50 …
function birthDateForms(yyyymmdd: string): string[] {
  const [y, m, d] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6, 8)];
  const forms = [yyyymmdd, `${y}-${m}-${d}`, `${y}/${m}/${d}`, `${y}.${m}.${d}`];
  for (const separator of ['/', '-', '.', '']) {
    forms.push(
      `${d}${separator}${m}${separator}${y}`,
      `${d}${separator}${m}${separator}${y.slice(2)}`,
    );
  }
  return forms.filter((form) => form.length >= 6);
}
