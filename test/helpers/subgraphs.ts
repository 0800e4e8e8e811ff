import type { GraphQLSchema } from 'graphql';

import type { DisclosurePolicy } from '../../common/disclosure';
import { cohortPolicy } from '../../subgraphs/cohort/disclosure-policy';
import { buildCohortSchema } from '../../subgraphs/cohort/schema';
import { ehrPolicy } from '../../subgraphs/ehr/disclosure-policy';
import { buildEhrSchema } from '../../subgraphs/ehr/schema';
import { genomicsPolicy } from '../../subgraphs/genomics/disclosure-policy';
import { buildGenomicsSchema } from '../../subgraphs/genomics/schema';
import { governancePolicy } from '../../subgraphs/governance/disclosure-policy';
import { buildGovernanceSchema } from '../../subgraphs/governance/schema';
import { imagingPolicy } from '../../subgraphs/imaging/disclosure-policy';
import { buildImagingSchema } from '../../subgraphs/imaging/schema';

/** Each subgraph's schema builder and disclosure policy, for tests that walk them. */
export const SUBGRAPH_PARTS: Record<
  string,
  { buildSchema: () => Promise<GraphQLSchema>; policy: DisclosurePolicy }
> = {
  imaging: { buildSchema: buildImagingSchema, policy: imagingPolicy },
  genomics: { buildSchema: buildGenomicsSchema, policy: genomicsPolicy },
  ehr: { buildSchema: buildEhrSchema, policy: ehrPolicy },
  cohort: { buildSchema: buildCohortSchema, policy: cohortPolicy },
  governance: { buildSchema: buildGovernanceSchema, policy: governancePolicy },
};
