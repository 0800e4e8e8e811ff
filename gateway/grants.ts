import type { Grant } from '../common/access';
import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';

import { codedError } from '../common/errors';
import type { InternalTokenSigner } from '../common/internal-token';
import type { GatewayContext } from './context';

/** How long the gateway reuses a project's grants: revocation takes effect within this. */
export const GRANTS_TTL_MS = 30_000;

const QUERY = `query ProjectGrants($project: String!) {
  projectGrants(project: $project) { dataset level maxCategory expiresAt }
}`;

interface GrantsResponse {
  data?: { projectGrants: Array<Omit<Grant, 'dataset'> & { dataset: string }> } | null;
  errors?: unknown[];
}

/**
 * Reads a project's live grants from the governance service (never from the caller's token)
 * and caches them briefly. When governance cannot answer, nothing is granted.
 */
export class GrantsClient {
  private readonly cache = new Map<string, { grants: Promise<Grant[]>; expires: number }>();

  constructor(
    private readonly url: string,
    private readonly signer: InternalTokenSigner,
    private readonly timeoutMs: number,
    private readonly ttlMs = GRANTS_TTL_MS,
  ) {}

  async grantsOf(project: string, requestId: string): Promise<Grant[]> {
    const now = Date.now();
    const cached = this.cache.get(project);
    if (cached && cached.expires > now) {
      return cached.grants;
    }
    const grants = this.fetchGrants(project, requestId);
    this.cache.set(project, { grants, expires: now + this.ttlMs });
    grants.catch(() => this.cache.delete(project));
    return grants;
  }

  private async fetchGrants(project: string, requestId: string): Promise<Grant[]> {
    const token = await this.signer.sign('governance', {
      scope: 'grants',
      subject: 'gateway',
      role: null,
      project,
      grants: [],
      requestId,
    });
    let body: GrantsResponse;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: QUERY, variables: { project } }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = (await response.json()) as GrantsResponse;
    } catch {
      throw unavailable();
    }
    if (!body.data || body.errors) {
      throw unavailable();
    }
    return body.data.projectGrants.map((grant) => ({
      ...grant,
      dataset: grant.dataset.toLowerCase() as Grant['dataset'],
      maxCategory: grant.maxCategory.toLowerCase() as Grant['maxCategory'],
    }));
  }
}

function unavailable() {
  return codedError('UPSTREAM_UNAVAILABLE', 'The governance service did not answer', {
    service: 'governance',
  });
}

/**
 * Reads the caller's grants after every plugin has accepted the operation (Apollo runs
 * `didResolveOperation` hooks together, `responseForOperation` only after them) and before
 * any subgraph is called. Without grants nothing is released: the answer is a 503.
 */
export function grantsPlugin(client: GrantsClient): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ contextValue }) {
          const { caller, requestId } = contextValue;
          try {
            contextValue.grants = caller.project
              ? liveGrants(await client.grantsOf(caller.project, requestId))
              : [];
            return null;
          } catch (error) {
            contextValue.logger.warn(
              { event: 'grants_unavailable', reason: (error as Error).name },
              'grants could not be read',
            );
            const refusal = unavailable();
            return {
              http: { status: 503, headers: new HeaderMap() },
              body: {
                kind: 'single',
                singleResult: {
                  errors: [{ message: refusal.message, extensions: refusal.extensions }],
                },
              },
            };
          }
        },
      };
    },
  };
}

/** Cached grants may have expired since governance was asked: expiry is exact, not cached. */
export function liveGrants(grants: Grant[], now = Date.now()): Grant[] {
  return grants.filter((grant) => grant.expiresAt === null || Date.parse(grant.expiresAt) > now);
}
