import { Arg, Ctx, Directive, Query, Resolver } from 'type-graphql';

import type { Dataset } from './config';
import { type Leaf, parseLeaf, SITE_OF } from './criteria';
import { codedError } from './errors';
import { encodeKeySet, INT4_KEY_OFFSET, keySetFromInt4Bytes } from './key-set';
import type { ServiceContext } from './service';

/**
 * One parameterised SQL statement that selects matching linkage keys as `k`, in any order
 * and with repeats: the matcher sorts and deduplicates them (`keySetFromInt4Bytes`).
 */
export interface LeafQuery {
  sql: string;
  params: unknown[];
}

/** Appends optional conditions with numbered parameters. */
export class Where {
  readonly params: unknown[] = [];
  private readonly parts: string[] = [];

  add(condition: (placeholder: string) => string, value: unknown): this {
    if (value !== undefined) {
      this.params.push(value);
      this.parts.push(condition(`$${this.params.length}`));
    }
    return this;
  }

  toString(): string {
    return this.parts.length > 0 ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

/** The linkage keys of `table` rows that pass `where`, one per row. */
export function matchingKeys(table: string, where: Where): LeafQuery {
  return {
    sql: `SELECT linkage_key AS k FROM ${table} ${where.toString()}`,
    params: where.params,
  };
}

/**
 * The whole set as one `bytea` value, 4 bytes a key. At a million subjects, parsing a row
 * per key and a DISTINCT with an ORDER BY in the database each cost as much as the
 * index-only scan, or more. A key outside 32 bits fails here, as a key set cannot hold it.
 */
function aggregated(query: LeafQuery): LeafQuery {
  return {
    sql:
      `SELECT string_agg(int4send((k::int8 - ${INT4_KEY_OFFSET})::int4), ''::bytea) AS keys ` +
      `FROM (${query.sql}) AS matched`,
    params: query.params,
  };
}

/** Leaves of one matcher request queried at once, on as many pooled connections. */
const PARALLEL_LEAVES = 4;

/** The most leaves one matcher request may carry. */
export const MAX_MATCH_LEAVES = 64;

/** The internal matcher field of a site: `<site>Match`. */
export function matcherField(site: Dataset): string {
  return `${site}Match`;
}

/**
 * A site's cohort matcher: a Query field that only the cohort service's identity can reach
 * (category `internal`) and that the supergraph hides (`@inaccessible`). It takes leaves as
 * JSON and answers one encoded key set per leaf, in order.
 */
export function defineMatcherResolver(site: Dataset, queryFor: (leaf: Leaf) => LeafQuery) {
  @Resolver()
  class MatcherResolver {
    @Directive('@inaccessible')
    @Query(() => [String], {
      name: matcherField(site),
      description: 'Internal: linkage keys matching each leaf, as encoded key sets',
    })
    async match(
      @Arg('leaves', () => [String]) leaves: string[],
      @Ctx() ctx: ServiceContext,
    ): Promise<string[]> {
      if (leaves.length > MAX_MATCH_LEAVES) {
        throw codedError('BAD_USER_INPUT', `At most ${MAX_MATCH_LEAVES} leaves per request`);
      }
      const parsed = leaves.map((text, i) => parseSiteLeaf(site, text, `leaves[${i}]`));
      const answers: string[] = new Array<string>(parsed.length);
      // A few at a time: a site's pool serves other callers too (PGlite runs them in turn).
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < parsed.length; i = next++) {
          const { sql, params } = aggregated(queryFor(parsed[i]));
          const rows: Array<{ keys: Uint8Array | null }> = await ctx.db.query(sql, params);
          answers[i] = encodeKeySet(keySetFromInt4Bytes(rows[0]?.keys ?? null));
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_LEAVES, parsed.length) }, worker));
      return answers;
    }
  }
  return MatcherResolver;
}

function parseSiteLeaf(site: Dataset, text: string, path: string): Leaf {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw codedError('BAD_USER_INPUT', `${path} is not JSON`);
  }
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !(kind in SITE_OF) || SITE_OF[kind as Leaf['kind']] !== site) {
    throw codedError('BAD_USER_INPUT', `${path} is not a ${site} criterion`);
  }
  return parseLeaf(kind, value as Record<string, unknown>, path);
}
