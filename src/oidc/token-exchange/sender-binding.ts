import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import validateDpop, { checkDpopReplay, type DPoPProof } from 'oidc-provider/lib/helpers/validate_dpop.js';
import { checkDpopRequired } from 'oidc-provider/lib/helpers/sender_constraints.js';

/**
 * Step 1b: the DPoP proof the request carries, verified as oidc-provider's own grants verify it (its
 * helpers, which it passes to built-in handlers only: a grant registered with registerGrantType
 * gets the context alone). A bad proof is invalid_dpop_proof; a client registered for
 * DPoP-bound tokens must send one. Without this the exchange ignored the header and issued a Bearer
 * token to a client that asked for a bound one.
 */
export async function requestDpopProof(provider: Provider, ctx: KoaContextWithOIDC): Promise<DPoPProof | undefined> {
  const proof = await validateDpop(provider, ctx);
  checkDpopRequired(provider, ctx, proof);
  return proof;
}

/** Step 9a: a proof's key is used once per jti, then the issued token is bound to it. */
export async function checkProofReplay(provider: Provider, ctx: KoaContextWithOIDC, proof: DPoPProof | undefined): Promise<void> {
  if (proof) await checkDpopReplay(provider, ctx, proof, ctx.oidc.client?.clientId ?? '');
}
