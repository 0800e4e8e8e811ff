import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateExtractRequests1764790000000 implements MigrationInterface {
  name = 'CreateExtractRequests1764790000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE extract_request (
        id uuid PRIMARY KEY,
        project text NOT NULL REFERENCES project (id),
        cohort_id uuid NOT NULL,
        imaging jsonb,
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
        decided_by text,
        decided_at timestamptz,
        note text,
        CHECK ((status = 'PENDING') = (decided_by IS NULL)),
        CHECK (decided_by IS NULL OR decided_by <> requested_by)
      )`);
    await runner.query(
      'CREATE INDEX extract_request_status ON extract_request (status, requested_at)',
    );
    // Who revoked a grant and why, next to who granted it and why.
    await runner.query('ALTER TABLE dataset_grant ADD COLUMN revoked_by text');
    await runner.query('ALTER TABLE dataset_grant ADD COLUMN revoke_reason text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE dataset_grant DROP COLUMN revoke_reason');
    await runner.query('ALTER TABLE dataset_grant DROP COLUMN revoked_by');
    await runner.query('DROP TABLE extract_request');
  }
}
