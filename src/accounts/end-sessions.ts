// Ends every browser session of an account by deleting oidc-provider's Session rows, so the next
// request with the old cookie finds no session and must sign in again. This takes effect whatever
// the provider's configuration; the session epoch (session-epoch.ts) additionally lets findAccount
// refuse codes and refresh tokens that came from those sessions.
//
// `->>` reads a JSON member as text on both stores (PostgreSQL jsonb, SQLite 3.38+ JSON and JSONB).
import type { Db } from '../store/db.ts';

export async function endSessions(db: Db, accountId: string): Promise<number> {
  return db.$executeRaw`DELETE FROM "OidcPayload" WHERE "model" = 'Session' AND "payload" ->> 'accountId' = ${accountId}`;
}
