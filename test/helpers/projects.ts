import type { Grant } from '../../common/access';
import type { Dataset } from '../../common/config';
import { DEMO_PROJECTS } from '../../subgraphs/governance/demo';
import type { TestStack } from './stack';

/** A demo project's grants (DESIGN.md, "Running it") in the shape internal tokens carry. */
export function demoGrants(project: string): Grant[] {
  const demo = DEMO_PROJECTS.find((candidate) => candidate.id === project);
  if (!demo) {
    throw new TypeError(`${project} is not a demo project: give one of ${demoIds()}`);
  }
  return demo.grants.map(([dataset, level, maxCategory]) => ({
    dataset,
    level,
    maxCategory,
    expiresAt: null,
  }));
}

function demoIds(): string {
  return DEMO_PROJECTS.map((project) => project.id).join(', ');
}

/** Adds a project and its grants straight to the governance database, as staff would. */
export async function insertProject(stack: TestStack, id: string, grants: Grant[]): Promise<void> {
  await stack.services.governance.db.query('INSERT INTO project (id, title) VALUES ($1, $2)', [
    id,
    `Test project ${id}`,
  ]);
  for (const grant of grants) {
    await insertGrant(stack, id, grant);
  }
}

/** Adds one live grant; the project must hold no live grant on that dataset. */
export async function insertGrant(stack: TestStack, project: string, grant: Grant): Promise<void> {
  await stack.services.governance.db.query(
    `INSERT INTO dataset_grant
       (project_id, dataset, level, max_category, expires_at, revoked_at, granted_by, reason)
     VALUES ($1, $2, $3, $4, $5, NULL, 'test', 'Granted by an integration test')`,
    [project, grant.dataset, grant.level, grant.maxCategory, grant.expiresAt],
  );
}

/** Revokes the project's live grant on a dataset now, as governance staff would. */
export async function revokeGrant(
  stack: TestStack,
  project: string,
  dataset: Dataset,
): Promise<void> {
  await stack.services.governance.db.query(
    `UPDATE dataset_grant SET revoked_at = now()
     WHERE project_id = $1 AND dataset = $2 AND revoked_at IS NULL`,
    [project, dataset],
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
