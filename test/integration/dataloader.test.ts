import { range } from '../fixtures/sites';
import { countStatements } from '../helpers/sql-counter';
import { startTestStack, type TestStack } from '../helpers/stack';

/** Subjects 1–1000 have diagnosis Z00.0; subjects 1–10 also have Z01.0. */
async function loadPopulation(stack: TestStack): Promise<void> {
  const keys = range(1, 1000);
  const ehr = stack.services.ehr.db;
  await ehr.query(
    `INSERT INTO person (linkage_key, sex, birth_year) SELECT k, 'F', 1960 FROM unnest($1::bigint[]) AS k`,
    [keys],
  );
  await ehr.query(
    `INSERT INTO diagnosis (linkage_key, icd10, diagnosed_on)
     SELECT k, 'Z00.0', date '2020-01-01' FROM unnest($1::bigint[]) AS k
     UNION ALL SELECT k, 'Z01.0', date '2020-01-02' FROM unnest($2::bigint[]) AS k`,
    [keys, range(1, 10)],
  );
  await stack.services.imaging.db.query(
    `INSERT INTO study (id, linkage_key, study_uid, modality, body_part, study_date)
     SELECT k, k, '1.2.3.' || k, 'CT', 'CHEST', date '2019-01-01' FROM unnest($1::bigint[]) AS k`,
    [keys],
  );
  await stack.services.imaging.db.query(
    `INSERT INTO series (id, study_id, series_uid, series_number, modality, image_count)
     SELECT k, k, '1.2.4.' || k, 1, 'CT', 10 FROM unnest($1::bigint[]) AS k`,
    [keys],
  );
}

describe('per-subject lists through DataLoader', () => {
  let stack: TestStack;
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack();
    await loadPopulation(stack);
    token = await stack.token('analyst', 'demo-lung');
  });

  afterAll(() => stack.stop());

  async function statementsFor(codePrefix: string, rows: number) {
    const saved = await stack.query<{ saveCohort: { id: string } }>(
      token,
      'mutation ($c: CohortCriterion!) { saveCohort(name: "n+1", criteria: $c) { id } }',
      { c: { diagnosis: { codePrefix } } },
    );
    const ehr = countStatements(stack.services.ehr.db);
    const imaging = countStatements(stack.services.imaging.db);
    const { body } = await stack.query<{
      cohort: { subjects: { edges: Array<{ node: { diagnoses: unknown[] } }> } };
    }>(
      token,
      `query ($id: ID!, $n: Int) { cohort(id: $id) { subjects(first: $n) { edges { node {
         sex birthYear diagnoses { code } prescriptions { drug } labResults { code }
         imagingStudies { modality series { imageCount } }
       } } } } }`,
      { id: saved.body.data!.saveCohort.id, n: rows },
    );
    ehr.detach();
    imaging.detach();
    expect(body.errors).toBeUndefined();
    expect(body.data!.cohort.subjects.edges).toHaveLength(rows);
    return { ehr: ehr.count(), imaging: imaging.count() };
  }

  it('should run the same number of statements for 10 rows as for 1,000', async () => {
    const ten = await statementsFor('Z01', 10);
    const thousand = await statementsFor('Z00', 1000);
    expect(thousand).toEqual(ten);
    // person, diagnoses, prescriptions, labs; studies, series.
    expect(ten).toEqual({ ehr: 4, imaging: 2 });
  });
});
