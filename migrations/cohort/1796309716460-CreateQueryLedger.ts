import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateQueryLedger1796309716460 implements MigrationInterface {
  name = 'CreateQueryLedger1796309716460';

  async up(runner: QueryRunner): Promise<void> {
    // What each caller was answered (docs/disclosure-control.md). True counts stay here and
    // never leave the service; `definition` is the canonical tree, kept to decide whether two
    // leaves are nested, and set digests are keyed hashes, so no member can be tested.
    await runner.query(`
      CREATE TABLE query_ledger (
        id bigserial PRIMARY KEY,
        caller text NOT NULL,
        project text NOT NULL,
        asked_at timestamptz NOT NULL,
        question_hash text NOT NULL,
        answer_digest text NOT NULL,
        definition_hash text NOT NULL,
        definition jsonb NOT NULL,
        minus_one text[] NOT NULL,
        slots text[] NOT NULL,
        set_digest text NOT NULL,
        true_count integer NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('released', 'withheld', 'suppressed', 'refused')),
        cost integer NOT NULL CHECK (cost >= 0)
      )`);
    await runner.query(
      'CREATE INDEX query_ledger_caller ON query_ledger (project, caller, asked_at)',
    );
    await runner.query('CREATE INDEX query_ledger_day ON query_ledger (project, asked_at)');
    await runner.query(
      'CREATE INDEX query_ledger_question ON query_ledger (project, question_hash)',
    );
    // Saved cohorts' counts get the same noise as a count of the same set.
    await runner.query('ALTER TABLE saved_cohort ADD COLUMN set_digest text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE saved_cohort DROP COLUMN set_digest');
    await runner.query('DROP TABLE query_ledger');
  }
}
