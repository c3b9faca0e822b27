// Bearer values at rest: an opaque token, code or session id is its own credential (oidc-provider's id
// for the row is the value the client or browser presents), so the database keeps only its SHA-256.
// A leaked backup or a read-only SQL injection then yields no usable token, session cookie or code,
// while a lookup by the presented value stays one index probe. The values carry 256 random bits, so a
// plain hash (no salt, no key) cannot be reversed by guessing.
import { hash } from 'node:crypto';

// crypto.hash, not createHash: on every token request, and the one-shot form skips the Hash object
// (a CPU profile of scored refreshes had createHash at 2% of the server's time).
export function tokenDigest(value: string): string {
  return hash('sha256', value, 'base64url');
}

/**
 * oidc-provider's models whose row id is a bearer value: tokens and codes, the session (its id is the
 * session cookie), registration and initial access tokens, pushed requests (their request_uri). Not
 * digested: clients, grants and interactions (ids that are not credentials: an interaction's uid is in
 * its page URLs), replay-detection entries (their ids are derived), and device codes: oidc-provider
 * finds one by its user code and saves it again under its id, which a digest could not give back.
 * A session found by its uid (not its cookie) comes back without its id; oidc-provider only reads
 * such a session (Provider#interactionDetails, checkSessionBinding) and never saves it.
 */
export const bearerModels: ReadonlySet<string> = new Set([
  'Session',
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'PushedAuthorizationRequest',
  'BackchannelAuthenticationRequest',
]);
