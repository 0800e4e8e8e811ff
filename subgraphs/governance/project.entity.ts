import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

import type { GrantLevel, ReleasableCategory } from '../../common/access';
import type { Dataset } from '../../common/config';

/** A research project: the unit that holds grants and release-ID keys. */
@Entity({ name: 'project' })
export class ProjectEntity {
  /** Slug used in tokens, e.g. `demo-lung`. */
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  title: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** One dataset grant of a project. A revoked grant keeps its row for the record. */
@Entity({ name: 'dataset_grant' })
export class DatasetGrantEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'project_id', type: 'text' })
  projectId: string;

  @Column({ type: 'text' })
  dataset: Dataset;

  @Column({ type: 'text' })
  level: GrantLevel;

  @Column({ name: 'max_category', type: 'text' })
  maxCategory: ReleasableCategory;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_by', type: 'text', nullable: true })
  revokedBy: string | null;

  @Column({ name: 'revoke_reason', type: 'text', nullable: true })
  revokeReason: string | null;

  @Column({ name: 'granted_by', type: 'text' })
  grantedBy: string;

  @Column({ type: 'text' })
  reason: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
