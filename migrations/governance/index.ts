import { CreateProjectsAndGrants1764770000000 } from './1764770000000-CreateProjectsAndGrants';
import { CreateAuditLog1764780000000 } from './1764780000000-CreateAuditLog';
import { CreateExtractRequests1764790000000 } from './1764790000000-CreateExtractRequests';
import { FreezeExtractRequests1796611111000 } from './1796611111000-FreezeExtractRequests';
import { CreateDisclosureSettings1796700000000 } from './1796700000000-CreateDisclosureSettings';

export const governanceMigrations = [
  CreateProjectsAndGrants1764770000000,
  CreateAuditLog1764780000000,
  CreateExtractRequests1764790000000,
  FreezeExtractRequests1796611111000,
  CreateDisclosureSettings1796700000000,
];
