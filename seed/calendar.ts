/**
 * Dates as whole days since 1970-01-01 (UTC): integer arithmetic while generating, ISO strings
 * only when a row is written, so no time zone can shift a date.
 */
const MS_PER_DAY = 86_400_000;

/** The day number of a calendar date (month 1–12). */
export function dayOf(year: number, month = 1, day = 1): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/** Hospital diagnoses are coded in ICD-10 from 1997 (Scottish morbidity records). */
export const CODING_START = dayOf(1997, 1, 1);
/** Digital imaging in the archive, and lab results, start in 2006. */
export const IMAGING_START = dayOf(2006, 1, 1);
/** Dispensed prescriptions are held from 2009 (the national prescribing store). */
export const PRESCRIBING_START = dayOf(2009, 1, 1);
/** The last day any record may carry: every date is before 2026-12-01. */
export const DATA_END = dayOf(2026, 11, 30);

const FIRST_YEAR = 1900;
const LAST_YEAR = 2031;
const FIRST_DAY = dayOf(FIRST_YEAR);
let isoCache: string[] | undefined;

/** `YYYY-MM-DD` of a day number between 1900 and 2030. */
export function isoDate(day: number): string {
  isoCache ??= buildIsoCache();
  const iso = isoCache[day - FIRST_DAY];
  if (iso === undefined) {
    throw new TypeError(`A seed date must fall in ${FIRST_YEAR}–${LAST_YEAR - 1}, got day ${day}`);
  }
  return iso;
}

/** The calendar year of a day number. */
export function yearOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

// Formatting 30 million dates through Date objects would dominate generation time.
function buildIsoCache(): string[] {
  const days: string[] = [];
  for (let day = FIRST_DAY; day < dayOf(LAST_YEAR); day += 1) {
    days.push(new Date(day * MS_PER_DAY).toISOString().slice(0, 10));
  }
  return days;
}
