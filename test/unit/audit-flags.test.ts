import { type AuditEntry, flagsOf, UNUSUAL_ROWS } from '../../common/audit-entry';

const ENTRY: AuditEntry = {
  at: '2026-12-03T12:00:00.000Z',
  requestId: 'r',
  caller: 'ana',
  role: 'analyst',
  project: 'demo-dementia',
  clientName: null,
  clientVersion: null,
  operationName: 'Pages',
  documentHash: 'a'.repeat(64),
  document: '{ cohort(id: "x") { subjects(first: 1000) { edges { cursor } } } }',
  variables: null,
  coordinates: ['Cohort.subjects'],
  outcome: 'OK',
  httpStatus: 200,
  errorCodes: [],
  deniedFields: [],
  releasedCounts: [],
  rowsReturned: UNUSUAL_ROWS + 1,
  durationMs: 1,
};

describe('audit flags for large answers', () => {
  it('should flag a GraphQL answer above the unusual volume', () => {
    expect(flagsOf(ENTRY)).toEqual(['UNUSUAL_VOLUME']);
  });

  it('should not flag the download of an approved extract', () => {
    const download = { ...ENTRY, operationName: 'extractDownload', documentHash: null };
    expect(flagsOf(download)).toEqual([]);
  });

  it('should flag a GraphQL operation that names itself like a download', () => {
    expect(flagsOf({ ...ENTRY, operationName: 'extractDownload' })).toEqual(['UNUSUAL_VOLUME']);
  });
});
