import { createHash } from 'node:crypto';

import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  getNamedType,
  type GraphQLSchema,
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';

import type { AuditEntry, AuditOutcome } from '../common/audit-entry';
import type { Logger } from '../common/logger';
import { INTERNAL_TOKEN_TTL_SECONDS, type InternalTokenSigner } from '../common/internal-token';
import type { GatewayContext } from './context';

/** What the gateway learns about an operation while running it, for its audit entry. */
export interface OperationFacts {
  operationName: string | null;
  documentHash: string | null;
  document: string | null;
  coordinates: string[];
}

/** Every `Type.field` the document selects, fragments included. */
export function coordinatesOf(schema: GraphQLSchema, document: DocumentNode): string[] {
  const typeInfo = new TypeInfo(schema);
  const seen = new Set<string>();
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && !node.name.value.startsWith('__')) {
          seen.add(`${getNamedType(parent).name}.${node.name.value}`);
        }
      },
    }),
  );
  return [...seen].sort();
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Facts from the raw request when the document never parsed or validated. */
export function rawFacts(body: unknown): OperationFacts {
  const request = (body ?? {}) as { query?: unknown; operationName?: unknown };
  const query = typeof request.query === 'string' ? request.query.slice(0, 20_000) : null;
  let document = query;
  let named: string | null = null;
  try {
    const parsed = query === null ? null : parse(query, { maxTokens: 10_000 });
    document = parsed ? print(parsed) : null;
    const operations =
      parsed?.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION) ?? [];
    named = operations.length === 1 ? (operations[0].name?.value ?? null) : null;
  } catch {
    // Keep the raw text: an unparsable document is itself worth recording.
  }
  return {
    operationName: typeof request.operationName === 'string' ? request.operationName : named,
    documentHash: document === null ? null : hashOf(document),
    document,
    coordinates: [],
  };
}

/** Records what the operation selects once it has parsed and validated. */
export const auditFactsPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      // The answer as objects, so the entry need not parse back what was just serialised.
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind === 'single') {
          contextValue.audit.result = response.body.singleResult as ResponseBody;
        }
      },
      async didResolveOperation({ document, operationName, schema, contextValue }) {
        const printed = print(document);
        contextValue.audit.facts = {
          operationName: operationName ?? null,
          documentHash: hashOf(printed),
          document: printed,
          coordinates: coordinatesOf(schema, document),
        };
      },
    };
  },
};

export interface ResponseBody {
  data?: unknown;
  errors?: Array<{ extensions?: { code?: unknown; field?: unknown } }>;
}

/** Released counts (their display text) and list rows found in a response's data. */
function scanData(data: unknown): { releasedCounts: string[]; rowsReturned: number } {
  const releasedCounts: string[] = [];
  let rowsReturned = 0;
  const walk = (value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach(walk);
      return;
    }
    if (value === null || typeof value !== 'object') {
      return;
    }
    const record = value as Record<string, unknown>;
    // Only CohortCount has `display`: the released form of a count.
    if (typeof record.display === 'string') {
      releasedCounts.push(record.display);
    }
    if (Array.isArray(record.edges)) {
      rowsReturned += record.edges.length;
    }
    Object.values(record).forEach(walk);
  };
  walk(data);
  return { releasedCounts, rowsReturned };
}

export interface EntryInput {
  at: Date;
  requestId: string;
  context: GatewayContext | null;
  facts: OperationFacts;
  variables: unknown;
  clientName: string | null;
  clientVersion: string | null;
  status: number;
  body: string;
  durationMs: number;
}

/** The audit entry of one HTTP request to /graphql, from what was asked and answered. */
export function buildEntry(input: EntryInput): AuditEntry {
  let parsed: ResponseBody = input.context?.audit.result ?? {};
  if (!input.context?.audit.result) {
    try {
      // Refused before execution: a small body that never passed through the plugins.
      parsed = JSON.parse(input.body) as ResponseBody;
    } catch {
      // A non-JSON body (should not happen) is recorded by its status alone.
    }
  }
  const errors = parsed.errors ?? [];
  const errorCodes = [
    ...new Set(
      errors.map((error) =>
        typeof error.extensions?.code === 'string' ? error.extensions.code : 'UNKNOWN',
      ),
    ),
  ];
  const deniedFields = errors
    .filter(
      (error) =>
        error.extensions?.code === 'FORBIDDEN' && typeof error.extensions.field === 'string',
    )
    .map((error) => String(error.extensions?.field));
  const hasData = parsed.data !== undefined && parsed.data !== null;
  let outcome: AuditOutcome = 'OK';
  if (errors.length > 0) {
    outcome = !hasData ? 'REFUSED' : 'PARTIAL';
  }
  if (input.status >= 500 || errorCodes.includes('INTERNAL_SERVER_ERROR')) {
    outcome = 'FAILED';
  }
  const caller = input.context?.caller ?? null;
  return {
    at: input.at.toISOString(),
    requestId: input.requestId,
    caller: caller?.subject ?? null,
    role: caller?.role ?? null,
    project: caller?.project ?? null,
    clientName: input.clientName,
    clientVersion: input.clientVersion,
    operationName: input.facts.operationName,
    documentHash: input.facts.documentHash,
    document: input.facts.document,
    variables:
      input.variables !== null && typeof input.variables === 'object'
        ? (input.variables as Record<string, unknown>)
        : null,
    coordinates: input.facts.coordinates,
    outcome,
    httpStatus: input.status,
    errorCodes,
    deniedFields,
    ...scanData(parsed.data),
    durationMs: Math.round(input.durationMs * 10) / 10,
  };
}

/**
 * Appends entries to the governance service's log with group commit: while one append is in
 * flight, new entries gather and go together in the next. Each caller's promise settles
 * when its own entry is durable (or the append failed).
 */
export class AuditWriter {
  private queue: Array<{ entry: AuditEntry; done: (error?: Error) => void }> = [];
  private flushing = false;

  constructor(
    private readonly url: string,
    private readonly signer: InternalTokenSigner,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  record(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, done: (error) => (error ? reject(error) : resolve()) });
      if (!this.flushing) {
        void this.flush();
      }
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 500);
      try {
        await this.append(batch.map((item) => item.entry));
        batch.forEach((item) => item.done());
      } catch (error) {
        this.logger.error(
          { event: 'audit_append_failed', entries: batch.length, reason: (error as Error).message },
          'audit log could not be written',
        );
        batch.forEach((item) => item.done(error as Error));
      }
    }
    this.flushing = false;
  }

  private token: { value: Promise<string>; renewAt: number } | null = null;

  /** The service's own audit token, reused for half its life: it names no caller. */
  private auditToken(): Promise<string> {
    const now = Date.now();
    if (!this.token || this.token.renewAt <= now) {
      const value = this.signer.sign('governance', {
        scope: 'audit',
        subject: 'gateway',
        role: null,
        project: null,
        grants: [],
        requestId: null,
      });
      this.token = { value, renewAt: now + (INTERNAL_TOKEN_TTL_SECONDS * 1000) / 2 };
      value.catch(() => (this.token = null));
    }
    return this.token.value;
  }

  private async append(entries: AuditEntry[]): Promise<void> {
    const token = await this.auditToken();
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: 'mutation Append($e: [String!]!) { appendAuditEntries(entries: $e) }',
        variables: { e: entries.map((entry) => JSON.stringify(entry)) },
      }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const body = (await response.json()) as {
      data?: { appendAuditEntries?: number[] };
      errors?: unknown;
    };
    if (!response.ok || body.errors || body.data?.appendAuditEntries?.length !== entries.length) {
      throw new Error(`the governance service refused the append (HTTP ${response.status})`);
    }
  }
}
