import { classify, type ClassifyOptions } from '../../ingest/classify';
import { type DicomElements, writePart10 } from '../../ingest/dcmjs';
import { MemoryMapping } from '../../ingest/mapping';
import { imageDataset, privateTag } from '../helpers/dicom';

const OPTIONS: ClassifyOptions = {
  mapping: new MemoryMapping([['EDI4471902', 9001]]),
  from: '2006-01-01',
  to: '2025-12-31',
};
const REF = 'file:///archive/drop/1.dcm';

function classified(fields: Record<string, unknown>, ref = REF, byTag: DicomElements = {}) {
  const bytes = writePart10(imageDataset(fields), { ...privateTag('PRIVATE-MARK-7731'), ...byTag });
  return classify(bytes, ref, OPTIONS);
}

describe('classifying one DICOM file', () => {
  it('should keep only the allowlisted values, with the linkage key for the patient', () => {
    const dataset = imageDataset();
    const result = classify(writePart10(dataset), REF, OPTIONS);
    expect(result).toEqual({
      linkageKey: 9001,
      studyUid: dataset.StudyInstanceUID,
      seriesUid: dataset.SeriesInstanceUID,
      instanceUid: dataset.SOPInstanceUID,
      modality: 'CT',
      bodyPart: 'CHEST',
      studyDate: '2019-03-04',
      studyDescription: 'CT Thorax with contrast',
      seriesDescription: 'Axial 1.25mm Lung',
      seriesNumber: 2,
      instanceNumber: 1,
      sliceThicknessMm: 1.25,
      manufacturer: 'SIEMENS',
      model: 'SOMATOM Definition AS',
      storageRef: REF,
    });
  });

  it('should keep absent optional values as empty, not refuse the file', () => {
    const result = classified({
      BodyPartExamined: undefined,
      SeriesNumber: undefined,
      SliceThickness: undefined,
      Manufacturer: undefined,
      StudyDescription: undefined,
    });
    expect(result).toMatchObject({
      bodyPart: '',
      seriesNumber: 0,
      sliceThicknessMm: null,
      manufacturer: null,
      studyDescription: '',
    });
  });

  it.each([
    ['bytes that are not DICOM', null, 'NOT_DICOM', null],
    [
      'no StudyInstanceUID',
      { StudyInstanceUID: undefined },
      'MISSING_REQUIRED_TAG',
      'StudyInstanceUID',
    ],
    ['an empty PatientID', { PatientID: '' }, 'MISSING_REQUIRED_TAG', 'PatientID'],
    [
      'a body part that is not a code string',
      { BodyPartExamined: 'Abdo/Pelvis' },
      'MALFORMED_TAG',
      'BodyPartExamined',
    ],
    ['a structured report', { Modality: 'SR' }, 'UNSUPPORTED_MODALITY', 'Modality'],
    ['a study before the archive', { StudyDate: '19991231' }, 'DATE_OUT_OF_RANGE', 'StudyDate'],
    ['a study in the future', { StudyDate: '20300101' }, 'DATE_OUT_OF_RANGE', 'StudyDate'],
    ['a date that is no date', { StudyDate: '20190230' }, 'DATE_OUT_OF_RANGE', 'StudyDate'],
    [
      'a CHI number in the series description',
      { SeriesDescription: 'AX 0101501234' },
      'IDENTIFIER_IN_TEXT',
      'SeriesDescription',
    ],
    [
      'the surname in the study description',
      { StudyDescription: 'MR Brain Macdonald' },
      'IDENTIFIER_IN_TEXT',
      'StudyDescription',
    ],
    [
      'the referrer in the series description',
      { SeriesDescription: 'for Dr Lindqvist' },
      'IDENTIFIER_IN_TEXT',
      'SeriesDescription',
    ],
    [
      'a postcode in the model name',
      { ManufacturerModelName: 'Unit FK15 0AB' },
      'IDENTIFIER_IN_TEXT',
      'ManufacturerModelName',
    ],
    [
      'a patient without a linkage key',
      { PatientID: 'EDI0000404' },
      'UNMAPPED_PATIENT',
      'PatientID',
    ],
  ])('should quarantine %s', (_name, fields, reason, tag) => {
    const result = fields
      ? classified(fields)
      : classify(Buffer.from('not a DICOM file, just text\n'.repeat(20)), REF, OPTIONS);
    expect(result).toMatchObject({ reason, tag });
  });

  it('should quarantine a UID that is not a UID (written with another VR, as some systems do)', () => {
    const byTag = { '0020000E': { vr: 'LO', Value: ['EDI4471902-1'] } };
    expect(classified({}, REF, byTag)).toMatchObject({
      reason: 'MALFORMED_TAG',
      tag: 'SeriesInstanceUID',
    });
  });

  it('should quarantine a file whose path names its patient', () => {
    const ref = 'file:///archive/Macdonald%5EFiona/1.dcm';
    expect(classified({}, ref)).toMatchObject({ reason: 'IDENTIFIER_IN_PATH', tag: null });
  });

  it('should name the tag but never quote the identifying value', () => {
    const result = classified({ SeriesDescription: 'AX 0101501234 Macdonald' });
    expect(JSON.stringify(result)).not.toMatch(/0101501234|Macdonald/i);
    expect(result).toMatchObject({ message: expect.stringContaining('SeriesDescription') });
  });
});
