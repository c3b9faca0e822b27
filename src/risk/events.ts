// What the callers tell the risk engine about each event. Validated with zod at this edge: the
// engine is called from the login pages, the token endpoint and (later) the federation broker.
// The kind list is open: `federated_login` is accepted now and scored with the login features and
// the password-login thresholds until the model is retrained with upstream assertions.
import { z } from 'zod';

/** The longest user agent the engine keeps (RiskEvent rows store the first 512 characters of it). */
export const MAX_USER_AGENT = 2048;

const base = {
  /** When the event happened (default: now). */
  at: z.date().optional(),
  /** The client address as Warden determined it (its X-Forwarded-For entry only when WARDEN_TRUST_PROXY is set). */
  ip: z.string().min(1),
  /** Any length: the header is the client's to choose, so it is cut here, not refused (a 5xx at the token endpoint). */
  userAgent: z.string().transform((ua) => ua.slice(0, MAX_USER_AGENT)).optional(),
  clientId: z.string().optional(),
  /** Whether the credential itself (password, token, assertion) was valid, before the policy. */
  success: z.boolean(),
};

export const passwordLoginSchema = z.object({
  ...base,
  kind: z.literal('password_login'),
  /** The matching account; absent when the typed login matched none. */
  accountId: z.string().optional(),
  /** The identifier as typed (lower-cased by the caller). */
  login: z.string().max(512),
  /** The long-lived device cookie's id, when the browser sent one. */
  deviceId: z.string().max(128).optional(),
});

export const federatedLoginSchema = z.object({
  ...base,
  kind: z.literal('federated_login'),
  accountId: z.string().optional(),
  login: z.string().max(512),
  deviceId: z.string().max(128).optional(),
  upstream: z.string(),
});

const originSchema = z.object({ ip: z.string(), userAgent: z.string().optional(), at: z.date() });

export const refreshSchema = z.object({
  ...base,
  kind: z.literal('refresh'),
  accountId: z.string(),
  grantId: z.string(),
  /** The presented refresh token's id. */
  tokenId: z.string(),
  /** Set when the token store already knows the token was consumed (a replay). */
  tokenConsumed: z.boolean().optional(),
  /** Where the grant started, when the caller knows it; otherwise the grant's first RiskEvent. */
  origin: originSchema.optional(),
});

export const tokenExchangeSchema = z.object({
  ...base,
  kind: z.literal('token_exchange'),
  /** The subject token's end-user (absent for a client's own token). */
  accountId: z.string().optional(),
  subject: z.object({
    tokenId: z.string().optional(),
    /** 'self' for Warden's own tokens, otherwise the upstream issuer. */
    issuer: z.string(),
    issuedAt: z.date().optional(),
    scopes: z.array(z.string()),
    audiences: z.array(z.string()),
  }),
  requestedScopes: z.array(z.string()),
  requestedAudiences: z.array(z.string()),
  /** Audiences the exchanging client may ask for besides the subject token's own. */
  allowedAudiences: z.array(z.string()).optional(),
  /** Length of the resulting delegation chain (1 = one actor). */
  actorDepth: z.number().int().min(0).max(64),
  grantId: z.string().optional(),
});

export const riskContextSchema = z.discriminatedUnion('kind', [
  passwordLoginSchema,
  federatedLoginSchema,
  refreshSchema,
  tokenExchangeSchema,
]);

export type PasswordLoginContext = z.input<typeof passwordLoginSchema>;
export type FederatedLoginContext = z.input<typeof federatedLoginSchema>;
export type RefreshContext = z.input<typeof refreshSchema>;
export type TokenExchangeContext = z.input<typeof tokenExchangeSchema>;
export type RiskContext = z.input<typeof riskContextSchema>;
export type ParsedRiskContext = z.output<typeof riskContextSchema>;
export type RiskKind = RiskContext['kind'];

/** The event as the RiskEvent row will hold it (network, GeoIP and browser already resolved). */
export interface ResolvedEvent {
  ctx: ParsedRiskContext;
  kind: RiskKind;
  at: Date;
  accountId: string | null;
  login: string | null;
  ip: string;
  ipPrefix: string;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  browserFamily: string | null;
  deviceId: string | null;
  tokenId: string | null;
  grantId: string | null;
}
