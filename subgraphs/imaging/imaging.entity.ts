import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'study' })
export class StudyEntity {
  @PrimaryColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'linkage_key', type: 'bigint' })
  linkageKey: number;

  @Column({ name: 'study_uid', type: 'text' })
  studyUid: string;

  @Column({ type: 'text' })
  modality: string;

  @Column({ name: 'body_part', type: 'text' })
  bodyPart: string;

  @Column({ name: 'study_date', type: 'date' })
  studyDate: string;

  @Column({ type: 'text' })
  description: string;
}

@Entity({ name: 'series' })
export class SeriesEntity {
  @PrimaryColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'study_id', type: 'bigint' })
  studyId: number;

  @Column({ name: 'series_uid', type: 'text' })
  seriesUid: string;

  @Column({ name: 'series_number', type: 'integer' })
  seriesNumber: number;

  @Column({ type: 'text' })
  modality: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ name: 'slice_thickness_mm', type: 'real', nullable: true })
  sliceThicknessMm: number | null;

  @Column({ type: 'text', nullable: true })
  manufacturer: string | null;

  @Column({ type: 'text', nullable: true })
  model: string | null;

  @Column({ name: 'image_count', type: 'integer' })
  imageCount: number;
}

@Entity({ name: 'instance' })
export class InstanceEntity {
  @PrimaryColumn({ type: 'bigint' })
  id: number;

  @Column({ name: 'series_id', type: 'bigint' })
  seriesId: number;

  @Column({ name: 'instance_uid', type: 'text' })
  instanceUid: string;

  @Column({ name: 'instance_number', type: 'integer' })
  instanceNumber: number;

  @Column({ name: 'storage_ref', type: 'text' })
  storageRef: string;
}
