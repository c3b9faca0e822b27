import type { Configuration } from 'oidc-provider';
import { SCOPE_CLAIMS } from '../accounts/claims.ts';

/** The scope that admits a bearer token to the admin API (granted to admin accounts only). */
export const ADMIN_SCOPE = 'warden:admin';

/**
 * Scopes that describe the end-user (identity), as opposed to API scopes which belong to resource
 * servers. Only these can be obtained by exchanging an ID token.
 */
export const IDENTITY_SCOPES: ReadonlySet<string> = new Set(Object.keys(SCOPE_CLAIMS));

export const SCOPES = [...IDENTITY_SCOPES, 'offline_access', ADMIN_SCOPE];

/** Scope -> claims (OIDC Core 5.4 plus groups and roles), and the claims that exist outside scopes. */
export const claims: NonNullable<Configuration['claims']> = {
  ...Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([scope, names]) => [scope, [...names]])),
  acr: null,
  auth_time: null,
  iss: null,
  sid: null,
};
