import type { Configuration } from 'oidc-provider';
import { introspectionAllowed, revocationAllowed } from './policies.ts';
import { resourceIndicators } from './resource-servers.ts';
import { defaultLogoutSource, defaultPostLogoutSuccessSource, type ProviderPages } from './logout-pages.ts';

export type Features = NonNullable<Configuration['features']>;

/**
 * Dynamic client registration (RFC 7591): `open` lets anybody register, `initial_access_token` requires an initial
 * access token (created by an administrator), `off` disables the endpoint. Management (RFC 7592)
 * follows registration, with the registration access token rotated on every update.
 */
export type RegistrationMode = 'open' | 'initial_access_token' | 'off';

export interface FeatureOptions {
  registration: RegistrationMode;
  /** 32 bytes or more shared by every instance, so a DPoP nonce minted by one is accepted by all. */
  dpopNonceSecret: Buffer;
  pages?: ProviderPages;
}

/** The features Warden turns on beyond oidc-provider's defaults, each for a reason in security.md. */
export function features(options: FeatureOptions): Features {
  const registrationEnabled = options.registration !== 'off';
  return {
    // Warden's own login/consent pages replace the library's development-only ones.
    devInteractions: { enabled: false },
    claimsParameter: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true, allowedPolicy: introspectionAllowed },
    revocation: { enabled: true, allowedPolicy: revocationAllowed },
    userinfo: { enabled: true },
    jwtUserinfo: { enabled: true },
    requestObjects: { enabled: true, requireSignedRequestObject: false },
    pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false, allowUnregisteredRedirectUris: false },
    dPoP: { enabled: true, nonceSecret: options.dpopNonceSecret, allowReplay: false },
    resourceIndicators,
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: options.pages?.logoutSource ?? defaultLogoutSource,
      postLogoutSuccessSource: options.pages?.postLogoutSuccessSource ?? defaultPostLogoutSuccessSource,
    },
    backchannelLogout: { enabled: true },
    registration: {
      enabled: registrationEnabled,
      initialAccessToken: options.registration === 'initial_access_token',
      issueRegistrationAccessToken: true,
    },
    registrationManagement: { enabled: registrationEnabled, rotateRegistrationAccessToken: true },
  };
}
