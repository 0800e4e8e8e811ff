import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateExtracts1796611111000 implements MigrationInterface {
  name = 'CreateExtracts1796611111000';

  async up(runner: QueryRunner): Promise<void> {
    // An extract's image list, frozen when it is requested: later ingests or cohort changes
    // do not change what governance reviews and approves.
    await runner.query(`
      CREATE TABLE extract (
        id uuid PRIMARY KEY,
        project text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        subjects integer NOT NULL,
        studies integer NOT NULL,
        series integer NOT NULL,
        instances integer NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE extract_item (
        extract_id uuid NOT NULL REFERENCES extract (id),
        seq integer NOT NULL,
        instance_id bigint NOT NULL REFERENCES instance (id),
        PRIMARY KEY (extract_id, seq)
      )`);
    await runner.query(`
      CREATE FUNCTION extract_is_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'extracts are frozen: % refused', TG_OP;
      END $$`);
    for (const table of ['extract', 'extract_item']) {
      await runner.query(
        `CREATE TRIGGER ${table}_frozen BEFORE UPDATE OR DELETE ON ${table}
         FOR EACH ROW EXECUTE FUNCTION extract_is_frozen()`,
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE extract_item');
    await runner.query('DROP TABLE extract');
    await runner.query('DROP FUNCTION extract_is_frozen');
  }
}
