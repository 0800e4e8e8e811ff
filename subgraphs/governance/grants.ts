import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';

import type { Grant } from '../../common/access';
import { DatasetGrantEntity } from './project.entity';

/** The project's live grants (not revoked, not expired) as internal tokens carry them. */
export async function currentGrants(source: DataSource, project: string): Promise<Grant[]> {
  const rows = await source.getRepository(DatasetGrantEntity).find({
    where: { projectId: project, revokedAt: IsNull() },
    order: { dataset: 'ASC' },
  });
  const now = Date.now();
  return rows
    .filter((row) => row.expiresAt === null || row.expiresAt.getTime() > now)
    .map((row) => ({
      dataset: row.dataset,
      level: row.level,
      maxCategory: row.maxCategory,
      expiresAt: row.expiresAt?.toISOString() ?? null,
    }));
}
