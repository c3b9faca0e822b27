// How a password change or a disable ends every existing session of an account.
//
// oidc-provider's session payload has a fixed shape (accountId, loginTs, acr, amr, ...) with no room
// for our own fields, so a session cannot remember a counter. It does remember when it signed in
// (`loginTs`, which our login handler sets). So `Account.sessionEpoch` holds a point in time: the
// moment from which sessions count. Bumping it to "the next second" invalidates every session that
// signed in before, and a login stamps `loginTs` no earlier than the epoch, so signing in right after
// a password change works even within the same second.
//
// The column is a 32-bit integer on both stores, so the epoch counts seconds from 2025-01-01 rather
// than from 1970: that lasts until 2093 instead of 2038.

const EPOCH_ORIGIN_UNIX_SECONDS = Date.UTC(2025, 0, 1) / 1000;

function nowUnixSeconds(now: Date = new Date()): number {
  return Math.floor(now.getTime() / 1000);
}

export function toUnixSeconds(sessionEpoch: number): number {
  return sessionEpoch + EPOCH_ORIGIN_UNIX_SECONDS;
}

// The value to store when ending all sessions now. Strictly increasing even if the clock stalls.
export function nextSessionEpoch(current: number, now: Date = new Date()): number {
  return Math.max(current + 1, nowUnixSeconds(now) - EPOCH_ORIGIN_UNIX_SECONDS + 1);
}

// The `ts` (oidc-provider's loginTs, unix seconds) to record for a login happening now.
export function loginTimestamp(sessionEpoch: number, now: Date = new Date()): number {
  return Math.max(nowUnixSeconds(now), toUnixSeconds(sessionEpoch));
}

// Whether a session that signed in at `loginTs` (unix seconds) is still valid for this account. Codes
// and refresh tokens carry the same instant as `authTime`, so they are checked with this too.
export function isSessionCurrent(loginTs: number | undefined, sessionEpoch: number): boolean {
  if (loginTs === undefined) return false;
  return loginTs >= toUnixSeconds(sessionEpoch);
}
