import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDisclosureSettings1796700000000 implements MigrationInterface {
  name = 'CreateDisclosureSettings1796700000000';

  async up(runner: QueryRunner): Promise<void> {
    // One row per change, never updated: the newest row is in force, the others its history.
    // A null setting is the cohort service's own default (its environment).
    await runner.query(`
      CREATE TABLE disclosure_settings (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        threshold integer CHECK (threshold BETWEEN 1 AND 1000),
        rounding_analyst integer CHECK (rounding_analyst BETWEEN 1 AND 1000),
        rounding_embed integer CHECK (rounding_embed BETWEEN 1 AND 1000),
        noise boolean,
        noise_max integer CHECK (noise_max BETWEEN 1 AND 100),
        query_budget_per_day integer CHECK (query_budget_per_day BETWEEN 1 AND 1000000),
        history_hours integer CHECK (history_hours BETWEEN 1 AND 8760),
        changed_by text NOT NULL,
        reason text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE disclosure_settings');
  }
}
