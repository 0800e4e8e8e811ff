import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

/** Outcome of an audited operation. */
export enum AuditOutcomeName {
  OK = 'OK',
  PARTIAL = 'PARTIAL',
  REFUSED = 'REFUSED',
  FAILED = 'FAILED',
}

/** Flags raised by the system on an entry. */
export enum AuditFlagName {
  DENIAL = 'DENIAL',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  RATE_LIMITED = 'RATE_LIMITED',
  DISCLOSURE_REFUSED = 'DISCLOSURE_REFUSED',
  TOO_COMPLEX = 'TOO_COMPLEX',
  UNUSUAL_VOLUME = 'UNUSUAL_VOLUME',
}

registerEnumType(AuditOutcomeName, {
  name: 'AuditOutcome',
  description: 'OK; PARTIAL (some fields refused or failed); REFUSED (nothing released); FAILED',
});
registerEnumType(AuditFlagName, { name: 'AuditFlag', description: 'Why an entry needs a look' });

@InputType('QueryLogFilter', { description: 'Every field set must match' })
export class QueryLogFilter {
  @Field(() => String, { nullable: true, description: 'Caller subject, exact' })
  caller?: string;

  @Field(() => String, { nullable: true, description: 'Project id, exact' })
  project?: string;

  @Field(() => String, { nullable: true, description: 'Operation name, exact' })
  operationName?: string;

  @Field(() => AuditOutcomeName, { nullable: true })
  outcome?: AuditOutcomeName;

  @Field(() => AuditFlagName, { nullable: true })
  flag?: AuditFlagName;

  @Field(() => Boolean, { nullable: true, description: 'Only entries with any flag' })
  flagged?: boolean;

  @Field(() => String, { nullable: true, description: 'ISO 8601 instant: at or after' })
  from?: string;

  @Field(() => String, { nullable: true, description: 'ISO 8601 instant: before' })
  to?: string;
}

@ObjectType('QueryLogEntry', { description: 'One operation through the gateway' })
export class QueryLogEntry {
  @Field(() => ID, { description: 'Sequence number in the chain' })
  id: string;

  @Field(() => Int)
  seq: number;

  @Field(() => String, { description: 'ISO 8601 instant received' })
  at: string;

  @Field(() => String, { nullable: true })
  caller: string | null;

  @Field(() => String, { nullable: true })
  role: string | null;

  @Field(() => String, { nullable: true })
  project: string | null;

  @Field(() => String, { nullable: true })
  clientName: string | null;

  @Field(() => String, { nullable: true })
  clientVersion: string | null;

  @Field(() => String, { nullable: true })
  operationName: string | null;

  @Field(() => String, { nullable: true, description: 'SHA-256 of the normalised document' })
  documentHash: string | null;

  @Field(() => String, { nullable: true, description: 'The normalised document' })
  document: string | null;

  @Field(() => String, { nullable: true, description: 'Variables as JSON' })
  variables: string | null;

  @Field(() => [String], { description: 'Schema coordinates selected' })
  coordinates: string[];

  @Field(() => AuditOutcomeName)
  outcome: AuditOutcomeName;

  @Field(() => Int)
  httpStatus: number;

  @Field(() => [String])
  errorCodes: string[];

  @Field(() => [String], { description: 'Fields refused with FORBIDDEN' })
  deniedFields: string[];

  @Field(() => [String], { description: 'Counts as released (display text)' })
  releasedCounts: string[];

  @Field(() => Int)
  rowsReturned: number;

  @Field(() => Int)
  durationMs: number;

  @Field(() => [AuditFlagName])
  flags: AuditFlagName[];

  @Field(() => String, { description: 'This entry’s link in the hash chain' })
  hash: string;
}

@ObjectType('QueryLogEdge')
export class QueryLogEdge {
  @Field(() => String)
  cursor: string;

  @Field(() => QueryLogEntry)
  node: QueryLogEntry;
}

@ObjectType('QueryLogPageInfo')
export class QueryLogPageInfo {
  @Field(() => Boolean)
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

@ObjectType('QueryLogConnection', { description: 'Entries, newest first' })
export class QueryLogConnection {
  @Field(() => [QueryLogEdge])
  edges: QueryLogEdge[];

  @Field(() => QueryLogPageInfo)
  pageInfo: QueryLogPageInfo;

  @Field(() => Int, { description: 'Entries matching the filter' })
  totalCount: number;
}

@ObjectType('AuditIntegrity', { description: 'The result of verifying the whole chain now' })
export class AuditIntegrity {
  @Field(() => Boolean)
  ok: boolean;

  @Field(() => Int)
  entries: number;

  @Field(() => Int)
  checkpoints: number;

  @Field(() => Int, { nullable: true, description: 'First entry where the chain breaks' })
  firstBrokenSeq: number | null;

  @Field(() => String, { nullable: true })
  reason: string | null;

  @Field(() => Int, { nullable: true })
  lastSeq: number | null;

  @Field(() => Int, { nullable: true })
  lastCheckpointSeq: number | null;

  @Field(() => String)
  checkedAt: string;

  @Field(() => Int)
  durationMs: number;
}
