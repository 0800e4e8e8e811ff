import type { Dataset } from '../../common/config';
import { canonicalLeaf, type Leaf, SITE_OF } from '../../common/criteria';
import { codedError } from '../../common/errors';
import { decodeKeySet, type KeySet } from '../../common/key-set';
import { matcherField } from '../../common/matcher';
import type { InternalTokenSigner } from '../../common/internal-token';

interface MatchResponse {
  data?: Record<string, string[] | undefined> | null;
  errors?: unknown[];
}

/**
 * Asks the sites' matchers for the keys of each leaf: one request per site, all sites in
 * parallel, each identical leaf once. Calls carry the cohort service's own identity; no
 * caller token reaches a site's matcher.
 */
export class SiteClient {
  constructor(
    private readonly urls: Record<Dataset, string>,
    private readonly signer: InternalTokenSigner,
    private readonly timeoutMs: number,
  ) {}

  /** Key sets by canonical leaf text. */
  async match(leaves: Leaf[], requestId: string | null): Promise<Map<string, KeySet>> {
    const bySite = new Map<Dataset, Map<string, Leaf>>();
    for (const leaf of leaves) {
      const site = SITE_OF[leaf.kind];
      const siteLeaves = bySite.get(site) ?? new Map<string, Leaf>();
      siteLeaves.set(canonicalLeaf(leaf), leaf);
      bySite.set(site, siteLeaves);
    }
    const answers = await Promise.all(
      [...bySite].map(async ([site, siteLeaves]) => {
        const texts = [...siteLeaves.keys()];
        const sets = await this.ask(site, texts, requestId);
        return texts.map((text, i) => [text, sets[i]] as const);
      }),
    );
    return new Map(answers.flat());
  }

  private async ask(site: Dataset, leaves: string[], requestId: string | null): Promise<KeySet[]> {
    const field = matcherField(site);
    const token = await this.signer.sign(site, {
      scope: 'matcher',
      subject: 'cohort',
      role: null,
      project: null,
      grants: [],
      requestId,
    });
    let body: MatchResponse;
    try {
      const response = await fetch(this.urls[site], {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: `query Match($leaves: [String!]!) { ${field}(leaves: $leaves) }`,
          variables: { leaves },
        }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      body = (await response.json()) as MatchResponse;
    } catch {
      throw unavailable(site);
    }
    const encoded = body.data?.[field];
    if (!encoded || body.errors || encoded.length !== leaves.length) {
      throw unavailable(site);
    }
    return encoded.map(decodeKeySet);
  }
}

function unavailable(site: Dataset) {
  return codedError('UPSTREAM_UNAVAILABLE', `The ${site} site did not answer the cohort query`, {
    service: site,
  });
}
