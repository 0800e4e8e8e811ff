import { Arg, Ctx, Directive, FieldResolver, Int, Resolver, Root } from 'type-graphql';

import { codedError } from '../../common/errors';
import { decodeExtractCursor, defineExtractFreezeResolver } from '../../common/extract';
import { ExtractStatusName } from '../../common/graphql-enums';
import type { ImagingContext } from './context';
import { freezeImagingExtract, frozenExtract, manifestPage } from './extract';
import { ExtractManifestConnection, ExtractRequestRef } from './extract.type';

/** Page size of `ExtractRequest.manifest`: default and maximum. */
export const DEFAULT_MANIFEST_PAGE = 1000;
export const MAX_MANIFEST_PAGE = 5000;

const FIELD = 'ExtractRequest.manifest';

export const ImagingExtractFreezeResolver = defineExtractFreezeResolver(
  'imaging',
  freezeImagingExtract,
);

@Resolver(() => ExtractRequestRef)
export class ExtractManifestResolver {
  @Directive('@requires(fields: "status")')
  @FieldResolver(() => ExtractManifestConnection, {
    description: `The approved extract’s images, ${DEFAULT_MANIFEST_PAGE} a page by default, at most ${MAX_MANIFEST_PAGE}`,
  })
  async manifest(
    @Root() request: ExtractRequestRef,
    @Ctx() ctx: ImagingContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<ExtractManifestConnection> {
    const { project } = ctx.identity;
    if (request.status !== ExtractStatusName.APPROVED || !project) {
      throw codedError(
        'FORBIDDEN',
        `${FIELD}: the extract is ${String(request.status ?? 'unknown').toLowerCase()}; only an approved extract can be read`,
        { field: FIELD },
      );
    }
    const size = first ?? DEFAULT_MANIFEST_PAGE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_MANIFEST_PAGE) {
      throw codedError('BAD_USER_INPUT', `first: give 1 to ${MAX_MANIFEST_PAGE}`, {
        argument: 'first',
      });
    }
    const extract = await frozenExtract(ctx.db, request.id, project);
    if (!extract) {
      throw codedError('FORBIDDEN', `${FIELD}: not an extract of this project`, { field: FIELD });
    }
    const position =
      after === undefined || after === null ? 0 : decodeExtractCursor(extract.id, after);
    if (position === null || position > extract.instances) {
      throw codedError('BAD_USER_INPUT', 'after: not a cursor of this extract', {
        argument: 'after',
      });
    }
    const grant = ctx.identity.grants.find((candidate) => candidate.dataset === 'imaging');
    const rows = await manifestPage(
      ctx.db,
      ctx.pseudonyms,
      extract,
      project,
      grant,
      position,
      size,
    );
    const end = position + rows.length;
    return {
      edges: rows.map(({ cursor, ...node }) => ({ cursor: String(cursor), node: node as never })),
      pageInfo: {
        hasNextPage: end < extract.instances,
        endCursor: rows.length > 0 ? String(rows[rows.length - 1].cursor) : (after ?? null),
      },
      totalCount: extract.instances,
    };
  }
}
