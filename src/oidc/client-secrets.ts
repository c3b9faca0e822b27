// Client secrets at rest: sealed under the master key (store/secret-box.ts), bound to their client's
// row, so a copy of the database holds no secret a client authenticates with. Not a one-way hash: a
// client using client_secret_jwt signs with its secret, and oidc-provider needs it to check that
// signature (and to compare a client_secret_basic / _post one in constant time).
import type { AdapterPayload } from 'oidc-provider';
import { masterKeyOf, type Db } from '../store/index.ts';
import { openText, seal } from '../store/secret-box.ts';

const SEALED = 'client_secret_sealed';

const aadFor = (clientId: string) => `Client:${clientId}:client_secret`;

function masterKey(db: Db): Buffer {
  const key = masterKeyOf(db);
  if (!key) throw new Error('client secrets are sealed under the master key (WARDEN_SECRET_KEY): open the store with it');
  return key;
}

/** The payload as stored: its client_secret sealed. */
export function sealClientSecret(db: Db, clientId: string, payload: AdapterPayload): AdapterPayload {
  const { client_secret: secret, ...rest } = payload;
  if (typeof secret !== 'string') return payload;
  return { ...rest, [SEALED]: seal(masterKey(db), secret, aadFor(clientId)) };
}

/** The payload as oidc-provider saved it; one stored before secrets were sealed comes back as it is. */
export function openClientSecret(db: Db, clientId: string, payload: AdapterPayload): AdapterPayload {
  const { [SEALED]: sealed, ...rest } = payload;
  if (typeof sealed !== 'string') return payload;
  return { ...rest, client_secret: openText(masterKey(db), sealed, aadFor(clientId)) };
}

/** Seals the secrets of clients stored before secrets were sealed (run at start); returns how many. */
export async function sealStoredClientSecrets(db: Db): Promise<number> {
  const rows = await db.oidcPayload.findMany({ where: { model: 'Client' }, select: { id: true, payload: true } });
  let sealed = 0;
  for (const row of rows) {
    const payload = row.payload;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload) || typeof payload.client_secret !== 'string') continue;
    // At start, before this instance serves: another instance sealing the same row writes the same
    // secret under a fresh nonce, which opens the same.
    await db.oidcPayload.update({
      where: { model_id: { model: 'Client', id: row.id } },
      data: { payload: sealClientSecret(db, row.id, payload as AdapterPayload) as object },
    });
    sealed += 1;
  }
  return sealed;
}
