import { csvField } from '../../common/csv';
import { decodeExtractCursor, encodeExtractCursor } from '../../common/extract';
import { manifestLine, type ManifestRow } from '../../subgraphs/imaging/extract';

const ID = '0b7c6a2e-6a51-4c3e-9f0e-7d3f4b8a1c22';

const ROW: ManifestRow = {
  cursor: encodeExtractCursor(ID, 42),
  releaseId: '0123456789abcdef0123456789abcdef',
  studyUid: '2.25.1234567890',
  seriesUid: '2.25.2234567890',
  instanceUid: '2.25.3234567890',
  modality: 'CT',
  bodyPart: 'CHEST',
  studyDate: '2019-04-01',
  seriesNumber: 3,
  instanceNumber: 117,
  storageRef: `extract/${ID}/42`,
};

describe('extract formats', () => {
  it('should write a manifest line exactly as JSON.stringify does', () => {
    expect(manifestLine(ROW)).toBe(`${JSON.stringify(ROW)}\n`);
    // DICOM strings can hold anything: they are escaped.
    const odd = { ...ROW, bodyPart: 'HEAD "and" NECK\\\n\u2028', modality: 'M\tR' };
    expect(manifestLine(odd)).toBe(`${JSON.stringify(odd)}\n`);
    expect(JSON.parse(manifestLine(odd))).toEqual(odd);
  });

  it('should quote CSV fields only when they need it', () => {
    expect(csvField('CHEST')).toBe('CHEST');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(7.5)).toBe('7.5');
    expect(csvField(-2)).toBe('-2');
    // Text a spreadsheet would run as a formula is defused.
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField(['a', 'b'])).toBe('a;b');
  });

  it('should read back a cursor of the same extract only', () => {
    expect(decodeExtractCursor(ID, String(ROW.cursor))).toBe(42);
    expect(
      decodeExtractCursor('11111111-1111-4111-8111-111111111111', String(ROW.cursor)),
    ).toBeNull();
    expect(decodeExtractCursor(ID, 'not a cursor')).toBeNull();
    expect(decodeExtractCursor(ID, Buffer.from(`${ID}:-3`).toString('base64url'))).toBeNull();
  });
});
