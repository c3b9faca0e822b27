import type { TokenEndpointGrantContext } from 'oidc-provider';
import { parseExchangeParams, TOKEN_EXCHANGE_DUPLICATES, TOKEN_EXCHANGE_PARAMS } from './parse-params.ts';
import { resolveToken } from './resolve-token.ts';
import { assertClientMayExchange } from './check-client.ts';
import { buildActClaim } from './build-act.ts';
import { decideScopes } from './check-scope.ts';
import { decideTarget } from './check-target.ts';
import { assessOrAllow } from './assess.ts';
import { assertAccountActive } from './check-account.ts';
import { issueExchangedToken } from './issue.ts';
import { checkProofReplay, requestDpopProof } from './sender-binding.ts';
import { TOKEN_EXCHANGE_GRANT, type TokenExchangeDeps } from './types.ts';
import { clientAddress } from '../../ops/client-address.ts';

export { TOKEN_EXCHANGE_GRANT, TOKEN_TYPE } from './types.ts';
export type { ActClaim, AssessExchange, Assessment, ExchangeAssessmentContext, ExchangedEvent, TokenExchangeDeps } from './types.ts';

/**
 * RFC 8693 token exchange as a pipeline of small checks, each of which either passes or throws the
 * OAuth error that explains the refusal. Nothing is stored before every check has passed.
 */
export function tokenExchangeHandler(deps: TokenExchangeDeps) {
  return async function tokenExchange(ctx: TokenEndpointGrantContext): Promise<void> {
    const { client } = ctx.oidc;
    const request = parseExchangeParams(ctx.oidc.params);
    const proof = await requestDpopProof(deps.provider, ctx);
    const keys = deps.verificationKeys();

    const subject = await resolveToken(request.subjectToken, request.subjectTokenType, deps.provider, keys, 'subject_token');
    const actor =
      request.actorToken && request.actorTokenType
        ? await resolveToken(request.actorToken, request.actorTokenType, deps.provider, keys, 'actor_token')
        : undefined;

    const accountId = assertClientMayExchange(client, subject);
    const act = buildActClaim(client, subject, actor);
    const scopes = decideScopes(client, subject, request.requestedScopes);
    const target = decideTarget(deps.provider, client, request.targets, scopes);
    await assertAccountActive(deps.accountActive, accountId);

    await assessOrAllow(deps.assessExchange, {
      client: { clientId: client.clientId },
      subject,
      actor,
      scopes: target.scopes,
      target: target.resourceServer?.identifier(),
      ip: clientAddress(ctx),
      userAgent: ctx.get('user-agent') || undefined,
    });

    await checkProofReplay(deps.provider, ctx, proof);
    const issued = await issueExchangedToken(deps.provider, client, accountId, target, act, proof?.thumbprint);
    await deps.onExchanged?.({
      clientId: client.clientId,
      accountId: subject.accountId,
      subjectTokenId: subject.tokenId,
      actor: act?.sub,
      scope: issued.scope ?? '',
      target: target.resourceServer?.identifier(),
    });
    ctx.body = issued;
  };
}

/** Registers the grant on a provider instance (call on every provider build). */
export function registerTokenExchange(deps: TokenExchangeDeps): void {
  deps.provider.registerGrantType(
    TOKEN_EXCHANGE_GRANT,
    tokenExchangeHandler(deps),
    TOKEN_EXCHANGE_PARAMS,
    TOKEN_EXCHANGE_DUPLICATES,
  );
}
