// oidc-provider's DPoP helpers, which it hands to its built-in grant handlers only (see
// sender-binding.ts). The package has no exports map, so they are importable; these are the
// signatures of the installed version (lib/helpers/validate_dpop.js, lib/helpers/sender_constraints.js).
declare module 'oidc-provider/lib/helpers/validate_dpop.js' {
  import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

  export interface DPoPProof {
    thumbprint: string;
    jti: string;
    iat: number;
  }

  /** The request's verified DPoP proof, undefined when it sent none; throws invalid_dpop_proof. */
  export default function validateDpop(provider: Provider, ctx: KoaContextWithOIDC, accessToken?: string): Promise<DPoPProof | undefined>;
  /** Throws (invalid_grant by default) when the proof's jti was seen before for this client. */
  export function checkDpopReplay(provider: Provider, ctx: KoaContextWithOIDC, dPoP: DPoPProof | undefined, clientId: string): Promise<void>;
}

declare module 'oidc-provider/lib/helpers/sender_constraints.js' {
  import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
  import type { DPoPProof } from 'oidc-provider/lib/helpers/validate_dpop.js';

  /** Throws invalid_grant when the client registered dpop_bound_access_tokens and sent no proof. */
  export function checkDpopRequired(provider: Provider, ctx: KoaContextWithOIDC, dPoP: DPoPProof | undefined): void;
}
