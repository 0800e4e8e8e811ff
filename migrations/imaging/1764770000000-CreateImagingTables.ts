import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateImagingTables1764770000000 implements MigrationInterface {
  name = 'CreateImagingTables1764770000000';

  async up(runner: QueryRunner): Promise<void> {
    // Original DICOM UIDs are identifiers (PS3.15 Annex E): kept here for the extraction
    // pipeline, never released; callers see per-project remapped UIDs of the integer ids.
    await runner.query(`
      CREATE TABLE study (
        id bigint PRIMARY KEY,
        linkage_key bigint NOT NULL,
        study_uid text NOT NULL UNIQUE,
        modality text NOT NULL,
        body_part text NOT NULL,
        study_date date NOT NULL,
        description text NOT NULL DEFAULT ''
      )`);
    await runner.query(`
      CREATE TABLE series (
        id bigint PRIMARY KEY,
        study_id bigint NOT NULL REFERENCES study (id),
        series_uid text NOT NULL UNIQUE,
        series_number integer NOT NULL,
        modality text NOT NULL,
        description text NOT NULL DEFAULT '',
        slice_thickness_mm real,
        manufacturer text,
        model text,
        image_count integer NOT NULL CHECK (image_count >= 0)
      )`);
    await runner.query(`
      CREATE TABLE instance (
        id bigint PRIMARY KEY,
        series_id bigint NOT NULL REFERENCES series (id),
        instance_uid text NOT NULL UNIQUE,
        instance_number integer NOT NULL,
        storage_ref text NOT NULL
      )`);
    await runner.query('CREATE INDEX study_subject ON study (linkage_key, study_date)');
    // Matcher: modality and body part, then date, then the key: an index-only scan.
    await runner.query(
      'CREATE INDEX study_match ON study (modality, body_part, study_date, linkage_key)',
    );
    await runner.query('CREATE INDEX series_study ON series (study_id, series_number)');
    await runner.query('CREATE INDEX instance_series ON instance (series_id, instance_number)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE instance');
    await runner.query('DROP TABLE series');
    await runner.query('DROP TABLE study');
  }
}
