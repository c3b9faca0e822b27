import { errors, type AccessToken, type ClientCredentials, type Provider } from 'oidc-provider';
import { createLocalJWKSet, jwtVerify, errors as joseErrors, type JSONWebKeySet, type JWTPayload } from 'jose';
import { z } from 'zod';
import { SIGNING_ALGS } from '../key-material.ts';
import { IDENTITY_SCOPES } from '../scopes.ts';
import { TOKEN_TYPE, type ActClaim, type ResolvedToken } from './types.ts';
import { invalidGrant } from './errors.ts';

/** Which token this is in the request, for error messages ("subject_token is expired"). */
export type TokenRole = 'subject_token' | 'actor_token';

const CLOCK_TOLERANCE_SECONDS = 15;

const actSchema: z.ZodType<ActClaim> = z.lazy(() =>
  z.object({ sub: z.string().min(1), client_id: z.string().optional(), act: actSchema.optional() }),
);

const audienceSchema = z.union([z.string(), z.array(z.string())]).optional();
const jwtAccessTokenClaims = z.object({
  sub: z.string().min(1),
  client_id: z.string().min(1),
  scope: z.string().optional(),
  aud: audienceSchema,
  jti: z.string().optional(),
  act: actSchema.optional(),
  cnf: z.unknown().optional(),
});
const idTokenClaims = z.object({
  sub: z.string().min(1),
  aud: z.union([z.string(), z.array(z.string()).min(1)]),
  azp: z.string().optional(),
  jti: z.string().optional(),
  events: z.unknown().optional(),
  act: actSchema.optional(),
});

function invalid(role: TokenRole, why: string): errors.InvalidGrant {
  return invalidGrant(`${role} ${why}`);
}

function asSet(value: string | string[] | undefined): Set<string> {
  if (value === undefined) return new Set();
  return new Set(Array.isArray(value) ? value : [value]);
}

function looksLikeJwt(value: string): boolean {
  return value.split('.').length === 3;
}

const withAct = z.object({ act: actSchema });

function readAct(extra: unknown): ActClaim | undefined {
  const parsed = withAct.safeParse(extra);
  return parsed.success ? parsed.data.act : undefined;
}

async function verifyOurJwt(
  token: string,
  provider: Provider,
  keys: JSONWebKeySet,
  role: TokenRole,
): Promise<{ payload: JWTPayload; typ: string | undefined }> {
  try {
    // Only our own keys and our asymmetric algs: no `none`, no HS*, no keys taken from headers.
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys), {
      issuer: provider.issuer,
      algorithms: [...SIGNING_ALGS],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'iat', 'sub'],
    });
    return { payload, typ: protectedHeader.typ?.toLowerCase() };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw invalid(role, 'is expired');
    throw invalid(role, 'is not a valid token issued by this server');
  }
}

function rejectSenderConstrained(role: TokenRole): never {
  // Exchanging a DPoP/mTLS-bound token without its proof would strip the binding from a stolen token.
  throw invalid(role, 'is sender-constrained and cannot be exchanged');
}

async function resolveJwtAccessToken(token: string, provider: Provider, keys: JSONWebKeySet, role: TokenRole): Promise<ResolvedToken> {
  const { payload, typ } = await verifyOurJwt(token, provider, keys, role);
  if (typ !== 'at+jwt' && typ !== 'application/at+jwt') throw invalid(role, 'is not an access token');
  const claims = jwtAccessTokenClaims.safeParse(payload);
  if (!claims.success) throw invalid(role, 'is missing required access token claims');
  if (claims.data.cnf !== undefined) rejectSenderConstrained(role);
  const isClientToken = claims.data.sub === claims.data.client_id;
  return {
    kind: isClientToken ? 'client_credentials' : 'access_token',
    accountId: isClientToken ? undefined : claims.data.sub,
    clientId: claims.data.client_id,
    scopes: new Set((claims.data.scope ?? '').split(' ').filter(Boolean)),
    audiences: asSet(claims.data.aud),
    tokenId: claims.data.jti,
    act: claims.data.act,
  };
}

async function checkGrant(provider: Provider, token: AccessToken, role: TokenRole): Promise<void> {
  const grant = await provider.Grant.find(token.grantId);
  // The grant is gone when it was revoked (logout, refresh token replay, revocation): so is the token.
  if (!grant || grant.clientId !== token.clientId || grant.accountId !== token.accountId) {
    throw invalid(role, 'is invalid, expired or revoked');
  }
}

function fromOpaque(token: AccessToken | ClientCredentials): ResolvedToken {
  const isUserToken = token.kind === 'AccessToken';
  return {
    kind: isUserToken ? 'access_token' : 'client_credentials',
    accountId: isUserToken ? token.accountId : undefined,
    clientId: token.clientId ?? '',
    scopes: token.scopes,
    audiences: asSet(token.aud),
    tokenId: token.jti,
    act: readAct(token.extra),
  };
}

async function resolveOpaqueAccessToken(value: string, provider: Provider, role: TokenRole): Promise<ResolvedToken> {
  const accessToken = await provider.AccessToken.find(value);
  if (accessToken?.isValid) {
    if (accessToken.isSenderConstrained()) rejectSenderConstrained(role);
    await checkGrant(provider, accessToken, role);
    return fromOpaque(accessToken);
  }
  const clientToken = await provider.ClientCredentials.find(value);
  if (clientToken?.isValid) {
    if (clientToken.isSenderConstrained()) rejectSenderConstrained(role);
    return fromOpaque(clientToken);
  }
  throw invalid(role, 'is invalid, expired or revoked');
}

async function resolveIdToken(token: string, provider: Provider, keys: JSONWebKeySet, role: TokenRole): Promise<ResolvedToken> {
  const { payload, typ } = await verifyOurJwt(token, provider, keys, role);
  const claims = idTokenClaims.safeParse(payload);
  // Logout tokens carry `events`, access tokens say at+jwt: neither may pass for an ID token.
  if (!claims.success || claims.data.events !== undefined || (typ !== undefined && typ !== 'jwt')) {
    throw invalid(role, 'is not an ID token');
  }
  const audiences = asSet(claims.data.aud);
  const clientId = claims.data.azp ?? (audiences.size === 1 ? [...audiences][0] : undefined);
  if (!clientId) throw invalid(role, 'names several audiences but no authorized party (azp)');
  return {
    kind: 'id_token',
    accountId: claims.data.sub,
    clientId,
    // An ID token is proof of identity, not an authorization: it can only yield identity scopes.
    scopes: new Set(IDENTITY_SCOPES),
    audiences,
    tokenId: claims.data.jti,
    act: claims.data.act,
  };
}

/** Step 2 (and 3 for the actor): verify a token of ours and reduce it to a ResolvedToken. */
export async function resolveToken(
  value: string,
  type: string,
  provider: Provider,
  keys: JSONWebKeySet,
  role: TokenRole,
): Promise<ResolvedToken> {
  if (type === TOKEN_TYPE.idToken) {
    if (!looksLikeJwt(value)) throw invalid(role, 'is not an ID token');
    return resolveIdToken(value, provider, keys, role);
  }
  return looksLikeJwt(value)
    ? resolveJwtAccessToken(value, provider, keys, role)
    : resolveOpaqueAccessToken(value, provider, role);
}
