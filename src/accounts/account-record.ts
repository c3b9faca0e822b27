// The account as the rest of Warden sees it: typed claims instead of raw JSON columns, and never
// the password hash or TOTP secrets.
import { z } from 'zod';
import { groupListSchema, profileSchema, type StandardProfile } from './claims.ts';

export interface AccountRecord {
  id: string;
  email: string;
  emailVerified: boolean;
  profile: StandardProfile;
  groups: string[];
  roles: string[];
  isAdmin: boolean;
  disabled: boolean;
  sessionEpoch: number;
  hasPassword: boolean;
  hasSecondFactor: boolean;
  createdAt: Date;
  updatedAt: Date;
}

// The columns we read; a structural type so it fits both generated Prisma clients.
export interface AccountRow {
  id: string;
  email: string;
  emailVerified: boolean;
  passwordHash: string | null;
  profile: unknown;
  groups: unknown;
  roles: unknown;
  isAdmin: boolean;
  disabled: boolean;
  sessionEpoch: number;
  totpSecret: string | null;
  createdAt: Date;
  updatedAt: Date;
}

// Stored JSON was validated on the way in; reading tolerates drift (an admin edit by hand, an older
// version) by dropping what no longer validates instead of failing the login.
function readProfile(value: unknown): StandardProfile {
  const parsed = profileSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  if (typeof value !== 'object' || value === null) return {};
  const stored = new Map(Object.entries(value));
  const kept: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(profileSchema.shape)) {
    const claim = stored.get(key);
    if (claim !== undefined && schema.safeParse(claim).success) kept[key] = claim;
  }
  return profileSchema.catch({}).parse(kept);
}

function readList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((entry): entry is string => groupListSchema.element.safeParse(entry).success);
}

export function toAccountRecord(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.emailVerified,
    profile: readProfile(row.profile),
    groups: readList(row.groups),
    roles: readList(row.roles),
    isAdmin: row.isAdmin,
    disabled: row.disabled,
    sessionEpoch: row.sessionEpoch,
    hasPassword: row.passwordHash !== null,
    hasSecondFactor: row.totpSecret !== null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const emailSchema = z
  .string()
  .trim()
  .max(320)
  .pipe(z.email())
  .transform((value) => value.toLowerCase());
