import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIngestLedger1764790000000 implements MigrationInterface {
  name = 'CreateIngestLedger1764790000000';

  async up(runner: QueryRunner): Promise<void> {
    // Ids for ingested rows start at 2^52: the seeder's positional ids (instance = series *
    // 1000 + n) reach about 10^13 for ten million subjects, and every id must stay below
    // 2^53 to be exact in JavaScript and in the pseudonymiser.
    await runner.query(`
      CREATE SEQUENCE imaging_ingest_id AS bigint
        START 4503599627370496 MINVALUE 4503599627370496 MAXVALUE 9007199254740991 NO CYCLE`);
    // One row per file content. No path or patient value is kept: a path can carry a name.
    // No foreign key to instance either, so the seeder's reset can still empty that table.
    await runner.query(`
      CREATE TABLE ingest_file (
        content_sha256 text PRIMARY KEY CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
        status text NOT NULL CHECK (status IN ('loaded', 'duplicate', 'quarantined')),
        reason text,
        tag text,
        instance_id bigint,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'quarantined') = (reason IS NOT NULL)),
        CHECK ((status = 'quarantined') = (instance_id IS NULL))
      )`);
    // Operators list what is quarantined; loaded rows, nearly all of them, stay out of it.
    await runner.query(
      "CREATE INDEX ingest_file_quarantined ON ingest_file (reason) WHERE status = 'quarantined'",
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE ingest_file');
    await runner.query('DROP SEQUENCE imaging_ingest_id');
  }
}
