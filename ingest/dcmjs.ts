// @ts-expect-error: dcmjs publishes no type declarations; the parts used are typed below.
import * as untyped from 'dcmjs';

/** One data element as dcmjs reads it: its VR and its values (strings, numbers, items). */
export interface DicomElement {
  vr: string;
  Value?: unknown[];
}

/** A data set keyed by tag as eight upper-case hex digits, e.g. `0020000D`. */
export type DicomElements = Record<string, DicomElement>;

interface Logger {
  setLevel(level: 'silent' | 'error' | 'warn'): void;
  getLogger(name: string): Logger;
}

interface DcmjsModule {
  log: Logger;
  data: {
    DicomMessage: {
      readFile(
        buffer: ArrayBuffer,
        options: {
          ignoreErrors: boolean;
          untilTag: string | null;
          includeUntilTagValue: boolean;
          noCopy: boolean;
          forceStoreRaw: boolean;
        },
      ): { meta: DicomElements; dict: DicomElements };
    };
    DicomDict: new (meta: DicomElements) => { dict: DicomElements; write(): ArrayBuffer };
    DicomMetaDictionary: {
      denaturalizeDataset(dataset: Record<string, unknown>): DicomElements;
    };
  };
}

const dcmjs = untyped as DcmjsModule;

// dcmjs warns on the console about odd files, sometimes quoting a header value: never let it.
dcmjs.log.setLevel('silent');
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');

/** Pixel Data (7FE0,0010): the header ends here and nothing after it is read. */
const PIXEL_DATA = '7FE00010';

/**
 * Reads the data set of a DICOM Part 10 file (PS3.10 §7.1: 128-byte preamble, `DICM`, file
 * meta information) up to its pixel data. Throws when the bytes are not such a file.
 */
export function readPart10(bytes: Uint8Array): DicomElements {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return dcmjs.data.DicomMessage.readFile(buffer as ArrayBuffer, {
    ignoreErrors: false,
    untilTag: PIXEL_DATA,
    includeUntilTagValue: false,
    noCopy: true,
    forceStoreRaw: false,
  }).dict;
}

/** Explicit VR Little Endian (PS3.5 §A.2), the transfer syntax written below. */
const EXPLICIT_LITTLE = '1.2.840.10008.1.2.1';

/**
 * Writes a DICOM Part 10 file from a data set given by keyword (dcmjs's naturalised form,
 * e.g. `{ Modality: 'CT', PatientName: 'Doe^Jane' }`), plus elements given by tag (private
 * tags have no keyword). Used to make test and benchmark files.
 */
export function writePart10(dataset: Record<string, unknown>, byTag: DicomElements = {}): Buffer {
  const sopClass = dataset.SOPClassUID;
  const sopInstance = dataset.SOPInstanceUID;
  const meta = dcmjs.data.DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    ...(typeof sopClass === 'string' ? { MediaStorageSOPClassUID: sopClass } : {}),
    ...(typeof sopInstance === 'string' ? { MediaStorageSOPInstanceUID: sopInstance } : {}),
    TransferSyntaxUID: EXPLICIT_LITTLE,
    ImplementationClassUID: '2.25.80302813137786398554742050926734630921',
    _vrMap: { FileMetaInformationVersion: 'OB' },
  });
  const file = new dcmjs.data.DicomDict(meta);
  file.dict = { ...dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset), ...byTag };
  return Buffer.from(file.write());
}
