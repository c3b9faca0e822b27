import { generateKeyPair, createHash, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';

/** The signing algorithms Warden publishes keys for. ES256 is the default for everything it signs. */
export const SIGNING_ALGS = ['ES256', 'RS256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];
export const DEFAULT_SIGNING_ALG: SigningAlg = 'ES256';

export const signingAlgSchema = z.enum(SIGNING_ALGS);

/** A JWK as oidc-provider and jose accept it; only the members we produce are typed. */
export const jwkSchema = z
  .object({
    kty: z.enum(['EC', 'RSA', 'OKP']),
    kid: z.string().min(1),
    alg: z.string().min(1),
    use: z.literal('sig'),
    crv: z.string().optional(),
    x: z.string().optional(),
    y: z.string().optional(),
    n: z.string().optional(),
    e: z.string().optional(),
    d: z.string().optional(),
    p: z.string().optional(),
    q: z.string().optional(),
    dp: z.string().optional(),
    dq: z.string().optional(),
    qi: z.string().optional(),
  })
  .strict();
export type SigningJwk = z.infer<typeof jwkSchema>;

export interface GeneratedKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: SigningJwk;
  privateJwk: SigningJwk;
}

const generate = promisify(generateKeyPair);

async function keyPairFor(alg: SigningAlg): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  switch (alg) {
    case 'ES256':
      return generate('ec', { namedCurve: 'P-256' });
    case 'RS256':
      // 2048 bits is the floor RFC 7518 sets; RS256 is only published for RPs that cannot do ES256.
      return generate('rsa', { modulusLength: 2048 });
    case 'EdDSA':
      return generate('ed25519');
  }
}

/** RFC 7638 thumbprint: a stable kid that any party can recompute from the public key. */
function thumbprint(jwk: Record<string, unknown>): string {
  const required: Record<string, readonly string[]> = {
    EC: ['crv', 'kty', 'x', 'y'],
    RSA: ['e', 'kty', 'n'],
    OKP: ['crv', 'kty', 'x'],
  };
  const kty = String(jwk.kty);
  const members = required[kty] ?? [];
  const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

export async function generateSigningKey(alg: SigningAlg): Promise<GeneratedKey> {
  const { publicKey, privateKey } = await keyPairFor(alg);
  const pub = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const priv = privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const kid = thumbprint(pub);
  const publicJwk = jwkSchema.parse({ ...pub, kid, alg, use: 'sig' });
  const privateJwk = jwkSchema.parse({ ...priv, kid, alg, use: 'sig' });
  return { kid, alg, publicJwk, privateJwk };
}
