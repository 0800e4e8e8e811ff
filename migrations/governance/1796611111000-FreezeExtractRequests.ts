import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FreezeExtractRequests1796611111000 implements MigrationInterface {
  name = 'FreezeExtractRequests1796611111000';

  async up(runner: QueryRunner): Promise<void> {
    // Requests are registered by the cohort service once the sites have frozen the extract;
    // what governance approves is exactly what these figures describe.
    for (const column of ['subject_count', 'study_count', 'series_count', 'instance_count']) {
      await runner.query(
        `ALTER TABLE extract_request ADD COLUMN ${column} integer NOT NULL DEFAULT 0`,
      );
    }
    await runner.query(
      `ALTER TABLE extract_request ADD COLUMN tables text[] NOT NULL DEFAULT '{}'`,
    );
    await runner.query('ALTER TABLE extract_request ADD COLUMN cohort_name text');
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const column of [
      'cohort_name',
      'tables',
      'instance_count',
      'series_count',
      'study_count',
      'subject_count',
    ]) {
      await runner.query(`ALTER TABLE extract_request DROP COLUMN ${column}`);
    }
  }
}
