import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEhrTables1764770000000 implements MigrationInterface {
  name = 'CreateEhrTables1764770000000';

  async up(runner: QueryRunner): Promise<void> {
    // Only the linkage key identifies a person: no names, CHI numbers, addresses, full
    // dates of birth or postcodes are stored (DESIGN.md, "Identity and linkage").
    await runner.query(`
      CREATE TABLE person (
        linkage_key bigint PRIMARY KEY,
        sex text NOT NULL CHECK (sex IN ('F', 'M', 'U')),
        birth_year smallint NOT NULL CHECK (birth_year BETWEEN 1880 AND 2100),
        deprivation_decile smallint CHECK (deprivation_decile BETWEEN 1 AND 10),
        health_board text
      )`);
    await runner.query(`
      CREATE TABLE diagnosis (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        linkage_key bigint NOT NULL,
        icd10 text NOT NULL CHECK (icd10 ~ '^[A-Z][0-9]{2}(\\.?[0-9A-Z]{1,4})?$'),
        diagnosed_on date NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE prescription (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        linkage_key bigint NOT NULL,
        bnf_code text NOT NULL,
        drug text NOT NULL,
        prescribed_on date NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE lab_result (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        linkage_key bigint NOT NULL,
        test_code text NOT NULL,
        value double precision NOT NULL,
        unit text NOT NULL,
        taken_on date NOT NULL
      )`);
    // Per-subject lists load by linkage key; matchers scan by code then key (index-only).
    await runner.query('CREATE INDEX diagnosis_subject ON diagnosis (linkage_key)');
    await runner.query(
      'CREATE INDEX diagnosis_code ON diagnosis (icd10 text_pattern_ops, diagnosed_on, linkage_key)',
    );
    await runner.query('CREATE INDEX prescription_subject ON prescription (linkage_key)');
    await runner.query(
      'CREATE INDEX prescription_code ON prescription (bnf_code text_pattern_ops, prescribed_on, linkage_key)',
    );
    await runner.query('CREATE INDEX lab_result_subject ON lab_result (linkage_key)');
    await runner.query(
      'CREATE INDEX lab_result_code ON lab_result (test_code, value, taken_on, linkage_key)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE lab_result');
    await runner.query('DROP TABLE prescription');
    await runner.query('DROP TABLE diagnosis');
    await runner.query('DROP TABLE person');
  }
}
