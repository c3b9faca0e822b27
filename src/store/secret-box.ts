// AES-256-GCM envelopes for secrets at rest (private keys, TOTP seeds, upstream client secrets).
// Text format, dot-separated base64url: `wsb1.<key id>.<iv>.<ciphertext>.<tag>`.
// - The key actually used is derived from the master key with HKDF, so the master key itself is never
//   used directly for encryption and other purposes can derive their own keys from it.
// - The key id (a truncated hash of the derived key) lets open() say "wrong master key" instead of
//   a generic failure when WARDEN_SECRET_KEY changed.
// - `aad` binds an envelope to its place (e.g. `SigningKey:<kid>`): moved to another row, it fails.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const version = 'wsb1';
const ivBytes = 12;
const tagBytes = 16;

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

interface DerivedKey {
  key: Buffer;
  id: string;
}

const derived = new WeakMap<Buffer, DerivedKey>();

function derive(masterKey: Buffer): DerivedKey {
  const cached = derived.get(masterKey);
  if (cached) return cached;
  if (masterKey.length !== 32) throw new SecretBoxError('the master key must be 32 bytes');
  const key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'warden secret-box v1', 32));
  const id = createHash('sha256').update('warden secret-box key id').update(key).digest('base64url').slice(0, 8);
  const result = { key, id };
  derived.set(masterKey, result);
  return result;
}

export function seal(masterKey: Buffer, plaintext: string | Buffer, aad: string): string {
  const { key, id } = derive(masterKey);
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [version, id, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function open(masterKey: Buffer, sealed: string, aad: string): Buffer {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== version) {
    throw new SecretBoxError(`not a sealed secret (expected the ${version} format)`);
  }
  const [, id, ivText, ciphertextText, tagText] = parts as [string, string, string, string, string];
  const { key, id: expectedId } = derive(masterKey);
  if (id !== expectedId) {
    throw new SecretBoxError('this secret was sealed under a different master key (was WARDEN_SECRET_KEY changed?)');
  }
  const [iv, ciphertext, tag] = [ivText, ciphertextText, tagText].map(strictBase64url) as [Buffer, Buffer, Buffer];
  if (iv.length !== ivBytes || tag.length !== tagBytes) {
    throw new SecretBoxError('sealed secret is malformed (bad nonce or tag length)');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new SecretBoxError('sealed secret failed authentication: it was altered, or belongs to another context');
  }
}

/** open() for secrets that were sealed from text. */
export function openText(masterKey: Buffer, sealed: string, aad: string): string {
  return open(masterKey, sealed, aad).toString('utf8');
}

// Node's decoder skips characters it does not know; insisting on the canonical form keeps one
// envelope to one text, so any edit of the text is an error rather than silently ignored.
function strictBase64url(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) throw new SecretBoxError('sealed secret is malformed (bad base64url)');
  return bytes;
}
