/**
 * Why a file was quarantined, with what an operator does about it. Codes are stable: the
 * ledger, the report and docs/ingest.md use them. Messages never quote a header value.
 */
export const QUARANTINE_REASONS = {
  UNREADABLE: {
    meaning: 'The file could not be read; having no content hash, it has no ledger row.',
    action: 'Check that the file still exists and that this user may read it, then run again.',
  },
  NOT_DICOM: {
    meaning: 'The file is not a readable DICOM Part 10 file.',
    action: 'Remove it from the drop, or export it again as Part 10 (with the DICM preamble).',
  },
  MISSING_REQUIRED_TAG: {
    meaning: 'A tag the imaging data model needs is absent or empty.',
    action: 'Fix the export at the sending system; the tag is named in the report.',
  },
  MALFORMED_TAG: {
    meaning: 'A kept tag does not have the form its value representation requires.',
    action: 'Fix the export at the sending system; the tag is named in the report.',
  },
  UNMAPPED_PATIENT: {
    meaning: 'The indexing service has no linkage key for the patient identifier.',
    action: 'Ask the indexing service to issue a key, refresh the mapping, then run again.',
  },
  UNSUPPORTED_MODALITY: {
    meaning: 'The modality is not one the imaging data model holds.',
    action: 'None if the object is not an image (reports, presentation states); else raise it.',
  },
  DATE_OUT_OF_RANGE: {
    meaning: 'The study date is not a valid date inside the accepted range.',
    action: 'Check the date at the source; widen --from only if the archive really is older.',
  },
  IDENTIFIER_IN_TEXT: {
    meaning: 'A kept free-text tag holds something that looks like a personal identifier.',
    action: 'Correct the text at the source (or export with cleaned descriptors) and run again.',
  },
  IDENTIFIER_IN_PATH: {
    meaning: 'The file path, which would become the storage reference, names the patient.',
    action: 'Export with non-identifying file names (e.g. by SOP Instance UID) and run again.',
  },
  UID_CONFLICT: {
    meaning: 'The study or series UID is already held for another subject or study.',
    action: 'Check the mapping and the sending system: two patients must not share a study.',
  },
} as const;

export type QuarantineReason = keyof typeof QUARANTINE_REASONS;

/** One quarantined file: the reason, the tag it concerns (a keyword) and a message. */
export interface Quarantine {
  reason: QuarantineReason;
  /** The DICOM keyword the reason is about, e.g. `SeriesDescription`; never a value. */
  tag: string | null;
  message: string;
}

export function quarantine(reason: QuarantineReason, tag: string | null, message: string) {
  return { reason, tag, message } satisfies Quarantine;
}

/** Tells a quarantine from whatever else a step returns (a header, a record). */
export function isQuarantine(value: object): value is Quarantine {
  return 'reason' in value;
}
