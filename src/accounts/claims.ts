// The OpenID Connect standard claims an account carries, and which scope releases which claims
// (OIDC Core 5.1 and 5.4, plus Warden's `groups` and `roles` scopes).
import { z } from 'zod';

const url = z.url({ protocol: /^https?$/ });

export const addressSchema = z
  .object({
    formatted: z.string().max(1000),
    street_address: z.string().max(1000),
    locality: z.string().max(200),
    region: z.string().max(200),
    postal_code: z.string().max(50),
    country: z.string().max(200),
  })
  .partial()
  .strict();

// Everything but `sub`, `email` and `email_verified`, which live in their own columns.
export const profileSchema = z
  .object({
    name: z.string().max(500),
    given_name: z.string().max(200),
    family_name: z.string().max(200),
    middle_name: z.string().max(200),
    nickname: z.string().max(200),
    preferred_username: z.string().max(200),
    profile: url,
    picture: url,
    website: url,
    gender: z.string().max(100),
    // YYYY, or YYYY-MM-DD (OIDC Core 5.1); 0000 stands for an omitted year.
    birthdate: z.string().regex(/^\d{4}(-\d{2}-\d{2})?$/),
    zoneinfo: z.string().max(100),
    locale: z.string().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/),
    phone_number: z.string().regex(/^\+?[0-9 ()\-.]{3,30}(;ext=\d+)?$/),
    phone_number_verified: z.boolean(),
    address: addressSchema,
  })
  .partial()
  .strict();

export type StandardProfile = z.infer<typeof profileSchema>;

export const groupListSchema = z.array(z.string().min(1).max(200)).max(500);

export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
  groups: ['groups'],
  roles: ['roles'],
} as const satisfies Record<string, readonly string[]>;

export type ScopeName = keyof typeof SCOPE_CLAIMS;

export function isKnownScope(scope: string): scope is ScopeName {
  return Object.hasOwn(SCOPE_CLAIMS, scope);
}

// The claim names a space-separated scope string releases, in a stable order.
export function claimNamesForScope(scope: string): string[] {
  const names = new Set<string>();
  for (const value of scope.split(' ')) {
    if (isKnownScope(value)) for (const claim of SCOPE_CLAIMS[value]) names.add(claim);
  }
  return [...names];
}

// Human wording for the consent page.
export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Confirm your identity (an identifier unique to you)',
  profile: 'Your profile: name, username, picture, website, birthdate, time zone and language',
  email: 'Your email address and whether it is verified',
  phone: 'Your phone number',
  address: 'Your postal address',
  groups: 'The groups you belong to',
  roles: 'Your roles',
  offline_access: 'Stay connected when you are not using the application (refresh tokens)',
};

export const CLAIM_LABELS: Record<string, string> = {
  sub: 'Identifier',
  name: 'Full name',
  given_name: 'Given name',
  family_name: 'Family name',
  middle_name: 'Middle name',
  nickname: 'Nickname',
  preferred_username: 'Username',
  profile: 'Profile page',
  picture: 'Picture',
  website: 'Website',
  gender: 'Gender',
  birthdate: 'Birthdate',
  zoneinfo: 'Time zone',
  locale: 'Language',
  updated_at: 'Profile update time',
  email: 'Email address',
  email_verified: 'Email verified',
  phone_number: 'Phone number',
  phone_number_verified: 'Phone number verified',
  address: 'Postal address',
  groups: 'Groups',
  roles: 'Roles',
};
