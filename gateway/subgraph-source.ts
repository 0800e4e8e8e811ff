import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';

import type { SubgraphName } from '../common/config';
import { codedError, codeOf } from '../common/errors';
import { FREEZE_TIMEOUT_MS } from '../common/extract';
import type { InternalTokenSigner } from '../common/internal-token';
import type { GatewayContext } from './context';

/** The cohort service's `requestExtract` freezes the extract before it answers. */
function isExtractRequest(body: RequestInit['body']): boolean {
  return typeof body === 'string' && /^\{"query":"mutation[^"]{0,200}\{requestExtract\(/.test(body);
}

/**
 * How the gateway calls one subgraph: the caller's token is never forwarded; a short-lived
 * internal token for this subgraph's audience is signed instead. Every fetch has a timeout,
 * and a subgraph that is down or slow becomes UPSTREAM_UNAVAILABLE without its address.
 */
export class SubgraphSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: SubgraphName,
    url: string,
    private readonly signer: InternalTokenSigner,
    timeoutMs: number,
  ) {
    super({ url });
    this.fetcher = ((input: string, init: RequestInit) =>
      fetch(input, {
        ...init,
        signal: AbortSignal.timeout(
          subgraph === 'cohort' && isExtractRequest(init.body)
            ? Math.max(timeoutMs, FREEZE_TIMEOUT_MS)
            : timeoutMs,
        ),
      })) as unknown as typeof this.fetcher;
  }

  override async willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const { caller, grants, requestId } = context as GatewayContext;
    if (!caller || !grants) {
      throw new TypeError('The gateway context lacks a caller or grants: a plugin did not run');
    }
    const token = await this.signer.sign(this.subgraph, {
      scope: 'caller',
      subject: caller.subject,
      role: caller.role,
      project: caller.project,
      grants,
      requestId,
    });
    request.http?.headers.set('authorization', `Bearer ${token}`);
  }

  override async process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      if (codeOf(error)) {
        throw error;
      }
      (options.context as GatewayContext).logger.warn(
        { event: 'subgraph_failed', subgraph: this.subgraph, reason: (error as Error).name },
        'subgraph request failed',
      );
      throw codedError('UPSTREAM_UNAVAILABLE', `The ${this.subgraph} service did not answer`, {
        service: this.subgraph,
      });
    }
  }
}
