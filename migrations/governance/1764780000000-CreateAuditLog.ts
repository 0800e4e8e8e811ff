import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditLog1764780000000 implements MigrationInterface {
  name = 'CreateAuditLog1764780000000';

  async up(runner: QueryRunner): Promise<void> {
    // `entry` keeps the exact canonical text that was hashed; the other columns are copies
    // of its fields for filtering. Each row's hash covers the previous row's hash.
    await runner.query(`
      CREATE TABLE audit_log (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        at timestamptz NOT NULL,
        caller text,
        role text,
        project text,
        operation_name text,
        outcome text NOT NULL,
        flags text[] NOT NULL DEFAULT '{}',
        entry text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`);
    await runner.query('CREATE INDEX audit_log_at ON audit_log (at)');
    await runner.query('CREATE INDEX audit_log_caller ON audit_log (caller, seq)');
    await runner.query('CREATE INDEX audit_log_project ON audit_log (project, seq)');
    await runner.query('CREATE INDEX audit_log_outcome ON audit_log (outcome, seq)');
    await runner.query('CREATE INDEX audit_log_flags ON audit_log USING gin (flags)');
    await runner.query(`
      CREATE TABLE audit_checkpoint (
        seq bigint PRIMARY KEY,
        hash text NOT NULL,
        at timestamptz NOT NULL,
        kid text NOT NULL,
        signature text NOT NULL
      )`);
    // Append-only, enforced by the database for every role the application uses.
    await runner.query(`
      CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
      END
      $$`);
    for (const table of ['audit_log', 'audit_checkpoint']) {
      await runner.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION refuse_audit_change()`);
      await runner.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change()`);
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE audit_checkpoint');
    await runner.query('DROP TABLE audit_log');
    await runner.query('DROP FUNCTION refuse_audit_change()');
  }
}
