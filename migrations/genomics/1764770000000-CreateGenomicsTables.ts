import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateGenomicsTables1764770000000 implements MigrationInterface {
  name = 'CreateGenomicsTables1764770000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE sample (
        id bigint PRIMARY KEY,
        linkage_key bigint NOT NULL,
        assay text NOT NULL,
        collected_on date NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE variant (
        rs_id text PRIMARY KEY CHECK (rs_id ~ '^rs[0-9]+$'),
        gene text NOT NULL,
        chromosome text NOT NULL,
        position bigint NOT NULL,
        ref_allele text NOT NULL,
        alt_allele text NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE genotype (
        rs_id text NOT NULL REFERENCES variant (rs_id),
        linkage_key bigint NOT NULL,
        alt_alleles smallint NOT NULL CHECK (alt_alleles BETWEEN 0 AND 2),
        PRIMARY KEY (rs_id, linkage_key)
      )`);
    await runner.query(`
      CREATE TABLE apoe (
        linkage_key bigint PRIMARY KEY,
        genotype text NOT NULL CHECK (genotype ~ '^e[234]/e[234]$'),
        e4_copies smallint NOT NULL CHECK (e4_copies BETWEEN 0 AND 2)
      )`);
    await runner.query(`
      CREATE TABLE polygenic_score (
        linkage_key bigint NOT NULL,
        trait text NOT NULL,
        score double precision NOT NULL,
        percentile smallint NOT NULL CHECK (percentile BETWEEN 0 AND 100),
        PRIMARY KEY (linkage_key, trait)
      )`);
    await runner.query('CREATE INDEX sample_subject ON sample (linkage_key)');
    await runner.query('CREATE INDEX genotype_subject ON genotype (linkage_key)');
    await runner.query('CREATE INDEX genotype_match ON genotype (rs_id, alt_alleles, linkage_key)');
    await runner.query('CREATE INDEX apoe_match ON apoe (e4_copies, linkage_key)');
    await runner.query(
      'CREATE INDEX polygenic_score_match ON polygenic_score (trait, percentile, linkage_key)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE polygenic_score');
    await runner.query('DROP TABLE apoe');
    await runner.query('DROP TABLE genotype');
    await runner.query('DROP TABLE variant');
    await runner.query('DROP TABLE sample');
  }
}
