import type { Dataset } from '../../common/config';
import { canonicalLeaf, type Leaf, SITE_OF } from '../../common/criteria';
import { codedError } from '../../common/errors';
import { decodeKeySet, type KeySet } from '../../common/key-set';
import { matcherField, MAX_MATCH_LEAVES } from '../../common/matcher';
import type { InternalTokenSigner } from '../../common/internal-token';

interface MatchResponse {
  data?: Record<string, string[] | undefined> | null;
  errors?: unknown[];
}

/**
 * Asks the sites' matchers for the keys of each leaf: one request per site (per 64 leaves),
 * all sites in parallel. Calls carry the cohort service's own identity; no caller token
 * reaches a site's matcher.
 *
 * A leaf already being asked for, by this request or any other, is not asked again: its
 * answer is shared. Nothing is kept once answered, so no answer outlives the site's data.
 */
export class SiteClient {
  private readonly inFlight = new Map<string, Promise<KeySet>>();

  constructor(
    private readonly urls: Record<Dataset, string>,
    private readonly signer: InternalTokenSigner,
    private readonly timeoutMs: number,
  ) {}

  /** Key sets by canonical leaf text. */
  async match(leaves: Leaf[], requestId: string | null): Promise<Map<string, KeySet>> {
    const wanted = new Map(leaves.map((leaf) => [canonicalLeaf(leaf), leaf]));
    const bySite = new Map<Dataset, string[]>();
    for (const [text, leaf] of wanted) {
      if (!this.inFlight.has(text)) {
        const site = SITE_OF[leaf.kind];
        bySite.set(site, [...(bySite.get(site) ?? []), text]);
      }
    }
    for (const [site, texts] of bySite) {
      for (let start = 0; start < texts.length; start += MAX_MATCH_LEAVES) {
        this.share(site, texts.slice(start, start + MAX_MATCH_LEAVES), requestId);
      }
    }
    const texts = [...wanted.keys()];
    const sets = await Promise.all(texts.map((text) => this.inFlight.get(text) as Promise<KeySet>));
    return new Map(texts.map((text, i) => [text, sets[i]]));
  }

  /** Starts one matcher request and lists each of its leaves as in flight until it settles. */
  private share(site: Dataset, texts: string[], requestId: string | null): void {
    const answer = this.ask(site, texts, requestId);
    texts.forEach((text, i) => {
      const set = answer.then((sets) => sets[i]);
      this.inFlight.set(text, set);
      const done = () => {
        if (this.inFlight.get(text) === set) {
          this.inFlight.delete(text);
        }
      };
      set.then(done, done);
    });
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
