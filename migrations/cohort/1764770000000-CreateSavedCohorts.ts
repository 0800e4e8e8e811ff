import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSavedCohorts1764770000000 implements MigrationInterface {
  name = 'CreateSavedCohorts1764770000000';

  async up(runner: QueryRunner): Promise<void> {
    // Members are frozen at save time as sorted linkage keys, so a saved cohort does not
    // drift when site data changes; they never leave this service.
    await runner.query(`
      CREATE TABLE saved_cohort (
        id uuid PRIMARY KEY,
        project text NOT NULL,
        name text NOT NULL,
        criteria jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        member_count integer NOT NULL,
        members bytea NOT NULL
      )`);
    await runner.query('CREATE INDEX saved_cohort_project ON saved_cohort (project, created_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE saved_cohort');
  }
}
