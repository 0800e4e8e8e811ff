import type { Dataset } from '../../common/config';
import { codedError } from '../../common/errors';
import {
  type ExtractRegistration,
  FREEZE_TIMEOUT_MS,
  freezeField,
  type FreezeFigures,
} from '../../common/extract';
import type { InternalTokenSigner } from '../../common/internal-token';

interface GraphqlAnswer {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
}

/**
 * The cohort service's calls for extracts, under its own identity with the `extract` scope:
 * each site freezes its part, then governance records the request. No caller token reaches
 * a site this way.
 */
export class ExtractClient {
  constructor(
    private readonly urls: Record<Dataset | 'governance', string>,
    private readonly signer: InternalTokenSigner,
    private readonly timeoutMs: number,
  ) {}

  /** Freezes a site's part; `members` is the saved cohort's member bytes, base64. */
  async freeze(
    site: Dataset,
    extractId: string,
    project: string,
    members: string,
    selection: string | null,
    requestId: string | null,
  ): Promise<FreezeFigures> {
    const field = freezeField(site);
    const answer = await this.call(
      site,
      `mutation Freeze($id: ID!, $project: String!, $members: String!, $selection: String) {
        ${field}(id: $id, project: $project, members: $members, selection: $selection)
      }`,
      { id: extractId, project, members, selection },
      requestId,
      Math.max(this.timeoutMs, FREEZE_TIMEOUT_MS),
    );
    const figures = answer[field];
    if (typeof figures !== 'string') {
      throw unavailable(site);
    }
    return JSON.parse(figures) as FreezeFigures;
  }

  async register(registration: ExtractRegistration, requestId: string | null): Promise<void> {
    const answer = await this.call(
      'governance',
      'mutation Register($request: String!) { registerExtract(request: $request) }',
      { request: JSON.stringify(registration) },
      requestId,
      this.timeoutMs,
    );
    if (answer.registerExtract !== registration.id) {
      throw unavailable('governance');
    }
  }

  private async call(
    service: Dataset | 'governance',
    query: string,
    variables: Record<string, unknown>,
    requestId: string | null,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    const token = await this.signer.sign(service, {
      scope: 'extract',
      subject: 'cohort',
      role: null,
      project: null,
      grants: [],
      requestId,
    });
    let body: GraphqlAnswer;
    try {
      const response = await fetch(this.urls[service], {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = (await response.json()) as GraphqlAnswer;
    } catch {
      throw unavailable(service);
    }
    if (!body.data || body.errors) {
      throw unavailable(service);
    }
    return body.data;
  }
}

function unavailable(service: string) {
  return codedError('UPSTREAM_UNAVAILABLE', `The ${service} service could not freeze the extract`, {
    service,
  });
}
