/** The claims a program may produce: OIDC Core 5.1 standard claims, address members, groups and roles. */
export const TARGET_NAMES = [
  'name',
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'email',
  'email_verified',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'phone_number',
  'phone_number_verified',
  'updated_at',
  'address',
  'address.formatted',
  'address.street_address',
  'address.locality',
  'address.region',
  'address.postal_code',
  'address.country',
  'groups',
  'roles',
] as const;

export type TargetName = (typeof TARGET_NAMES)[number];

const targetSet: ReadonlySet<string> = new Set(TARGET_NAMES);

export function isTargetName(name: string): name is TargetName {
  return targetSet.has(name);
}

/**
 * Claims that identify the subject and therefore can never be written by a mapping program: the upstream
 * subject is used for account linking, and the others are protocol claims set by the provider itself.
 */
export const FORBIDDEN_TARGETS: ReadonlyMap<string, string> = new Map([
  ['sub', 'sub is never a mapping target'],
  ['iss', 'iss is set by Warden, never by a mapping'],
  ['aud', 'aud is set by Warden, never by a mapping'],
  ['exp', 'exp is set by Warden, never by a mapping'],
  ['iat', 'iat is set by Warden, never by a mapping'],
  ['nonce', 'nonce is set by Warden, never by a mapping'],
  ['acr', 'acr is set by Warden, never by a mapping'],
  ['amr', 'amr is set by Warden, never by a mapping'],
  ['azp', 'azp is set by Warden, never by a mapping'],
  ['auth_time', 'auth_time is set by Warden, never by a mapping'],
  ['sid', 'sid is set by Warden, never by a mapping'],
]);
