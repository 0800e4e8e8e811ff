import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateProjectsAndGrants1764770000000 implements MigrationInterface {
  name = 'CreateProjectsAndGrants1764770000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE project (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        title text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE dataset_grant (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        project_id text NOT NULL REFERENCES project (id),
        dataset text NOT NULL CHECK (dataset IN ('imaging', 'genomics', 'ehr')),
        level text NOT NULL CHECK (level IN ('COUNT', 'RECORD')),
        max_category text NOT NULL CHECK (max_category IN ('core', 'supplemental', 'special')),
        expires_at timestamptz,
        revoked_at timestamptz,
        granted_by text NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // At most one live grant per project and dataset: narrowing revokes and re-grants.
    await runner.query(`
      CREATE UNIQUE INDEX dataset_grant_live ON dataset_grant (project_id, dataset)
      WHERE revoked_at IS NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE dataset_grant');
    await runner.query('DROP TABLE project');
  }
}
