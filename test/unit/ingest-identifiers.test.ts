import { readPart10, writePart10 } from '../../ingest/dcmjs';
import { type FileIdentity, fileIdentity, findIdentifier } from '../../ingest/identifiers';
import { imageDataset } from '../helpers/dicom';

const NOBODY: FileIdentity = { ids: [], names: [], birthDate: null };
const FIONA: FileIdentity = {
  ids: ['EDI4471902', 'ACC77120345'],
  names: ['MACDONALD', 'FIONA', 'JEAN'],
  birthDate: '19500102',
};

describe('identifiers in kept text', () => {
  it.each([
    ['a CHI number', 'AXIAL 0101501234 LUNG', 'long number'],
    ['a CHI number written 6-4', 'CHI 010150 1234', 'long number'],
    ['an NHS number written 3-3-4', 'ref 943 476 5919', 'long number'],
    ['a telephone number', 'call (0131) 496 0123 for results', 'long number'],
    ['an international telephone number', 'tel +44 131 496 0123', 'long number'],
    ['an email address', 'sent by j.smith@nhs.scot', 'email address'],
    ['a postcode', 'home EH16 4SA', 'postcode'],
    ['a postcode without its space', 'EH164SA', 'postcode'],
    ['a date with slashes', 'Follow-up 02/01/1950', 'calendar date'],
    ['an ISO date', 'prior 2019-03-04', 'calendar date'],
    ['a compact date', 'DOB 19480517', 'calendar date'],
    ['a date with a month name', 'seen 3 Jan 1950', 'calendar date'],
    ['a date with a full month name', '03-SEPTEMBER-62', 'calendar date'],
  ])('should find %s', (_name, text, kind) => {
    expect(findIdentifier(text, NOBODY)).toContain(kind);
  });

  it.each([
    ['surname', 'MR BRAIN MACDONALD', 'person name'],
    ['given name in lower case', 'for fiona', 'person name'],
    ['patient ID', 'EDI4471902 CHEST', 'patient identifier'],
    ['accession number', 'acc77120345', 'patient identifier'],
    ['birth date written DD.MM.YY', 'born 02.01.50', 'date of birth'],
  ])("should find the file's own %s", (_name, text, kind) => {
    expect(findIdentifier(text, FIONA)).toBe(kind);
  });

  it.each([
    'CT Thorax with contrast',
    'Axial 1.25mm Lung',
    'AX T2 FLAIR 5mm',
    'Coronal MPR 3mm',
    'DWI b0 b1000',
    'SOMATOM Definition AS',
    'syngo MR E11.1.10',
    'Ingenia 3.0T',
    'Ref 1.2.840.113619.2.55.3.604688119.969',
    'PET WB 3D AC 2 iter 24 subsets',
    'XR Chest PA',
    'HEAD',
    'XR Chest 2 decubitus 15 deg',
  ])('should let ordinary descriptive text through: %s', (text) => {
    expect(findIdentifier(text, FIONA)).toBeNull();
  });

  it('should match a name only as a whole word', () => {
    expect(findIdentifier('JEANS ARTEFACT', FIONA)).toBeNull();
    expect(findIdentifier('/data/Macdonald_Fiona/1.dcm', FIONA)).toBe('person name');
  });

  it('should look only for the file’s own values in a path', () => {
    const dated = '/exports/2019-03-04/0123456789abcdef0123456789/1.dcm';
    expect(findIdentifier(dated, FIONA, { ownValuesOnly: true })).toBeNull();
    expect(findIdentifier('/exports/EDI4471902/1.dcm', FIONA, { ownValuesOnly: true })).toBe(
      'patient identifier',
    );
  });
});

describe('identity of a file', () => {
  it('should collect names of every person, IDs and the birth date, nested ones too', () => {
    const bytes = writePart10(
      imageDataset({
        OtherPatientIDsSequence: [{ PatientID: 'OLD0099123', IssuerOfPatientID: 'LEGACY' }],
        PerformingPhysicianName: 'Ó Briain^Seán',
      }),
    );
    const identity = fileIdentity(readPart10(bytes));
    expect(identity.ids).toEqual(
      expect.arrayContaining(['EDI4471902', 'ACC77120345', 'OLD0099123', 'S8841']),
    );
    expect(identity.names).toEqual(
      expect.arrayContaining(['MACDONALD', 'FIONA', 'JEAN', 'LINDQVIST', 'MAJA', 'BRIAIN', 'SEÁN']),
    );
    expect(identity.birthDate).toBe('19500102');
  });
});
