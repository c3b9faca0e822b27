import type { Client, Provider } from 'oidc-provider';
import type { JSONWebKeySet } from 'jose';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

export const TOKEN_TYPE = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
} as const;

/** The RFC 8693 `act` claim: the current actor, with prior actors nested inside. */
export interface ActClaim {
  sub: string;
  client_id?: string;
  act?: ActClaim;
}

/** A subject or actor token after verification, reduced to what the checks need. */
export interface ResolvedToken {
  kind: 'access_token' | 'client_credentials' | 'id_token';
  /** The end-user; undefined for a client's own (client credentials) token. */
  accountId: string | undefined;
  /** The client the token was issued to. */
  clientId: string;
  scopes: Set<string>;
  /** Audiences the token names (resource indicators, or client ids for ID tokens). */
  audiences: Set<string>;
  /** The token id (jti), for the risk history and the audit log. */
  tokenId: string | undefined;
  /** The delegation chain the token already carries. */
  act: ActClaim | undefined;
}

/** The validated request (see parse-params.ts). */
export interface ExchangeRequest {
  subjectToken: string;
  subjectTokenType: string;
  actorToken: string | undefined;
  actorTokenType: string | undefined;
  requestedScopes: Set<string> | undefined;
  /** `resource` and `audience` values together: where the new token is meant to be used. */
  targets: string[];
}

/** What the risk engine sees for each exchange, and what it answers. */
export interface ExchangeAssessmentContext {
  client: { clientId: string };
  subject: ResolvedToken;
  actor: ResolvedToken | undefined;
  scopes: string[];
  target: string | undefined;
  ip: string;
  userAgent: string | undefined;
}

export interface Assessment {
  decision: 'allow' | 'step_up' | 'deny';
  reasons: string[];
}

export type AssessExchange = (ctx: ExchangeAssessmentContext) => Promise<Assessment>;

/** Everything the pipeline needs besides the request context. */
export interface TokenExchangeDeps {
  provider: Provider;
  /** The public keys our tokens are signed with (published, active and retired). */
  verificationKeys: () => JSONWebKeySet;
  assessExchange?: AssessExchange;
  /** Whether the subject's account may still receive tokens (exists, not disabled). */
  accountActive?: (accountId: string) => Promise<boolean>;
  /** Called after a successful exchange (audit log). */
  onExchanged?: (event: ExchangedEvent) => Promise<void>;
}

export interface ExchangedEvent {
  clientId: string;
  accountId: string | undefined;
  subjectTokenId: string | undefined;
  actor: string | undefined;
  scope: string;
  target: string | undefined;
}

export type { Client };
