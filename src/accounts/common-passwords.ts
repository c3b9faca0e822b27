// The offline list of common and breached passwords (about 49,000 entries from public breach corpora,
// shipped by @zxcvbn-ts/language-common). Loaded on first use: it costs a few MB that a CLI command
// which never sets a password should not pay.
import { dictionary } from '@zxcvbn-ts/language-common';

let commonPasswords: Set<string> | undefined;

function list(): Set<string> {
  commonPasswords ??= new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()));
  return commonPasswords;
}

// Case-insensitive: "Password1" is as guessable as "password1".
export function isCommonPassword(password: string): boolean {
  return list().has(password.toLowerCase());
}
