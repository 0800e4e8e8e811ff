import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateExtractMembers1796611111000 implements MigrationInterface {
  name = 'CreateExtractMembers1796611111000';

  async up(runner: QueryRunner): Promise<void> {
    // The subjects of an extract, frozen when it is requested: linkage keys, 4 bytes each, in
    // the project's release-ID order; `watermarks` holds each event table's highest id then,
    // so rows added later stay out of the extract.
    await runner.query(`
      CREATE TABLE extract_member (
        extract_id uuid PRIMARY KEY,
        project text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        subjects integer NOT NULL,
        members bytea NOT NULL,
        watermarks jsonb NOT NULL DEFAULT '{}'
      )`);
    await runner.query(`
      CREATE FUNCTION extract_is_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'extracts are frozen: % refused', TG_OP;
      END $$`);
    await runner.query(
      `CREATE TRIGGER extract_member_frozen BEFORE UPDATE OR DELETE ON extract_member
       FOR EACH ROW EXECUTE FUNCTION extract_is_frozen()`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE extract_member');
    await runner.query('DROP FUNCTION extract_is_frozen');
  }
}
