import { randomBytes } from 'node:crypto';
import type { Db } from '../store/index.ts';
import { seal, open } from '../store/secret-box.ts';

// The first key has a fixed id: two instances starting together on an empty database then collide on
// the primary key instead of each creating its own key (which the other would not know to verify).
const INITIAL_ID = 'initial';

function aadFor(id: string): string {
  return `warden:cookie-key:${id}`;
}

async function createInitialKey(db: Db, secretKey: Buffer): Promise<void> {
  try {
    await db.cookieKey.create({
      data: { id: INITIAL_ID, secret: seal(secretKey, randomBytes(32).toString('base64url'), aadFor(INITIAL_ID)) },
    });
  } catch (error) {
    // Another instance won the race; its key is the one everybody uses.
    const exists = await db.cookieKey.findUnique({ where: { id: INITIAL_ID } });
    if (!exists) throw error;
  }
}

/**
 * The keygrip keys for signed cookies, newest first (keygrip signs with the first and verifies with
 * all), created on first start and shared by every instance on the database.
 */
export async function loadCookieKeys(db: Db, secretKey: Buffer): Promise<string[]> {
  if ((await db.cookieKey.count()) === 0) await createInitialKey(db, secretKey);
  const rows = await db.cookieKey.findMany({ orderBy: { createdAt: 'desc' } });
  return rows.map((row) => open(secretKey, row.secret, aadFor(row.id)).toString('utf8'));
}
