import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A saved cohort. Members are linkage keys, 4 bytes each, in the project's release-ID order. */
@Entity({ name: 'saved_cohort' })
export class SavedCohortEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ type: 'text' })
  project: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'jsonb' })
  criteria: unknown;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'member_count', type: 'integer' })
  memberCount: number;

  @Column({ type: 'bytea', select: false })
  members: Buffer;

  /** Keyed digest of the members: the seed of their count's noise (set-fingerprint.ts). */
  @Column({ name: 'set_digest', type: 'text', nullable: true })
  setDigest: string | null;
}
