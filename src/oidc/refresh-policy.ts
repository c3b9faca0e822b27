import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { Assessment } from './token-exchange/types.ts';
import { invalidGrant } from './token-exchange/errors.ts';
import { awaitBeforeAnswering } from './pending-writes.ts';
import { clientAddress } from '../ops/client-address.ts';

/** What the risk engine sees when a refresh token is used. */
export interface RefreshAssessmentContext {
  clientId: string;
  accountId: string;
  grantId: string;
  /** The refresh token's id (jti): stable across the request, unique per rotation. */
  tokenId: string;
  ip: string;
  userAgent: string | undefined;
}

/**
 * `recorded`, when given, settles once the assessment's own record is stored; the token endpoint's
 * answer waits for it (pending-writes.ts), so the record may share a commit with the token writes.
 */
export type AssessRefresh = (ctx: RefreshAssessmentContext) => Promise<Assessment & { recorded?: Promise<void> }>;

/**
 * Refresh tokens always rotate: the presented token is consumed and a new one issued; presenting a
 * consumed token again makes oidc-provider revoke the whole grant (every token issued from it), which
 * is RFC 9700's reuse detection. The library asks this hook once per refresh after validating the
 * token, client, grant and account, and before issuing anything: the seam where the risk engine scores
 * the use. A refusal is an invalid_grant, and nothing is consumed or issued.
 */
export function rotateRefreshToken(assess: AssessRefresh | undefined): NonNullable<Configuration['rotateRefreshToken']> {
  return async (ctx: KoaContextWithOIDC) => {
    const token = ctx.oidc.entities.RefreshToken;
    if (assess && token) {
      const { decision, reasons, recorded } = await assess({
        clientId: token.clientId ?? '',
        accountId: token.accountId ?? '',
        grantId: token.grantId ?? '',
        tokenId: token.jti,
        ip: clientAddress(ctx),
        userAgent: ctx.get('user-agent') || undefined,
      });
      if (recorded) awaitBeforeAnswering(ctx, recorded);
      if (decision !== 'allow') {
        const why = reasons.length > 0 ? `: ${reasons.join(', ')}` : '';
        throw invalidGrant(
          decision === 'step_up' ? `refresh requires the user to sign in again${why}` : `refresh denied by policy${why}`,
        );
      }
    }
    return true;
  };
}
