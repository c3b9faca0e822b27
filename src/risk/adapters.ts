// Bridges from the seams other subsystems already expose (the refresh hook in src/oidc/refresh-policy.ts
// and the token-exchange pipeline's assessor) to the risk engine. A token endpoint cannot ask for
// interaction, so those callers treat step_up as a refusal ("sign in again"). The reasons they put
// in the OAuth error are the hard rules (the caller knows it replayed a token) and a reference to the
// RiskEvent; the model's signals stay with the admins, since the caller may hold a stolen token.
import type { AssessRefresh, RefreshAssessmentContext } from '../oidc/refresh-policy.ts';
import { delegationDepth } from '../oidc/token-exchange/build-act.ts';
import type { AssessExchange, Assessment, ExchangeAssessmentContext } from '../oidc/token-exchange/types.ts';
import type { RiskDecision, RiskEngine } from './engine.ts';
import type { RefreshContext, TokenExchangeContext } from './events.ts';

export function refreshContext(c: RefreshAssessmentContext): RefreshContext {
  return {
    kind: 'refresh', ip: c.ip, userAgent: c.userAgent, clientId: c.clientId, accountId: c.accountId,
    grantId: c.grantId, tokenId: c.tokenId,
    // The hook runs after oidc-provider validated the token; a consumed one never reaches it.
    success: true,
  };
}

export interface SubjectTokenFacts {
  /** 'self' for Warden's own tokens, otherwise the upstream issuer. */
  issuer?: string;
  issuedAt?: Date;
  /** Audiences the exchanging client may request besides the subject token's own. */
  allowedAudiences?: string[];
}

export function exchangeContext(c: ExchangeAssessmentContext, facts: SubjectTokenFacts = {}): TokenExchangeContext {
  return {
    kind: 'token_exchange', ip: c.ip, userAgent: c.userAgent, clientId: c.client.clientId,
    accountId: c.subject.accountId, success: true,
    subject: {
      tokenId: c.subject.tokenId, issuer: facts.issuer ?? 'self', issuedAt: facts.issuedAt,
      scopes: [...c.subject.scopes], audiences: [...c.subject.audiences],
    },
    requestedScopes: c.scopes,
    requestedAudiences: c.target === undefined ? [] : [c.target],
    allowedAudiences: facts.allowedAudiences,
    // The resulting chain: the new actor (when an actor token is given) plus those already nested.
    actorDepth: (c.actor ? 1 : 0) + delegationDepth(c.subject.act),
  };
}

function toAssessment(r: RiskDecision): Assessment {
  if (r.decision === 'allow') return { decision: 'allow', reasons: [] };
  return { decision: r.decision, reasons: [...r.hardRules, `risk event ${r.eventId ?? 'unrecorded'}`] };
}

/** The refresh's record is written beside the token writes that follow (see RiskEngine.assessRecordingLater). */
export function assessRefreshWith(engine: RiskEngine): AssessRefresh {
  return async (c) => {
    const { decision, recorded } = await engine.assessRecordingLater(refreshContext(c));
    return { ...toAssessment(decision), recorded };
  };
}

export function assessExchangeWith(
  engine: RiskEngine,
  facts: (c: ExchangeAssessmentContext) => SubjectTokenFacts = () => ({}),
): AssessExchange {
  return async (c) => {
    return toAssessment(await engine.assess(exchangeContext(c, facts(c))));
  };
}
