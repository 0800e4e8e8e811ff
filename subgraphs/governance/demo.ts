import type { DataSource } from 'typeorm';

import type { GrantLevel, ReleasableCategory } from '../../common/access';
import type { Dataset } from '../../common/config';
import { DatasetGrantEntity, ProjectEntity } from './project.entity';

interface DemoProject {
  id: string;
  title: string;
  grants: Array<[Dataset, GrantLevel, ReleasableCategory]>;
}

/** The demo projects of DESIGN.md ("Running it"). */
export const DEMO_PROJECTS: DemoProject[] = [
  {
    id: 'feasibility',
    title: 'Feasibility counts on every dataset',
    grants: [
      ['imaging', 'COUNT', 'core'],
      ['genomics', 'COUNT', 'core'],
      ['ehr', 'COUNT', 'core'],
    ],
  },
  {
    id: 'demo-lung',
    title: 'Heart disease and lung cancer warning signs on chest CT',
    grants: [
      ['imaging', 'RECORD', 'supplemental'],
      ['ehr', 'RECORD', 'supplemental'],
    ],
  },
  {
    id: 'demo-dementia',
    title: 'Dementia risk in people with diabetes',
    grants: [
      ['imaging', 'RECORD', 'supplemental'],
      ['ehr', 'RECORD', 'supplemental'],
      ['genomics', 'RECORD', 'special'],
    ],
  },
];

/** Inserts the demo projects and grants unless any project exists already. */
export async function seedGovernanceDemo(db: DataSource): Promise<boolean> {
  return db.transaction(async (manager) => {
    if ((await manager.count(ProjectEntity)) > 0) {
      return false;
    }
    for (const project of DEMO_PROJECTS) {
      await manager.insert(ProjectEntity, { id: project.id, title: project.title });
      for (const [dataset, level, maxCategory] of project.grants) {
        await manager.insert(DatasetGrantEntity, {
          projectId: project.id,
          dataset,
          level,
          maxCategory,
          expiresAt: null,
          revokedAt: null,
          revokedBy: null,
          revokeReason: null,
          grantedBy: 'demo-seed',
          reason: 'Demo project of the synthetic platform',
        });
      }
    }
    return true;
  });
}
