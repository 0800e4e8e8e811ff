import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Matchers for deprivation decile and health board read these, index-only. */
export class IndexResidence1764800000000 implements MigrationInterface {
  name = 'IndexResidence1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE INDEX person_deprivation ON person (deprivation_decile, linkage_key)',
    );
    await runner.query('CREATE INDEX person_health_board ON person (health_board, linkage_key)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX person_health_board');
    await runner.query('DROP INDEX person_deprivation');
  }
}
