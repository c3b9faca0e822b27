// A separate process acting on a store, for tests of what several Warden processes do at once
// (in one process, SQLite's busy wait would block the very event loop that holds the lock).
//   node --import tsx test/helpers/store-worker.ts migrate <databaseUrl>
//   node --import tsx test/helpers/store-worker.ts audit <databaseUrl> <count> <actor>   (appends, in parallel;
//     the master key, base64, in WARDEN_SECRET_KEY)
// Prints one JSON line with the result.
import { appendAudit } from '../../src/audit/index.ts';
import { migrate, openStore } from '../../src/store/index.ts';

const [command, databaseUrl] = process.argv.slice(2);
if (!databaseUrl) throw new Error('usage: store-worker.ts <command> <databaseUrl> ...');

if (command === 'migrate') {
  console.log(JSON.stringify(await migrate({ databaseUrl })));
} else if (command === 'audit') {
  const [count, actor] = process.argv.slice(4);
  const secretKey = Buffer.from(process.env.WARDEN_SECRET_KEY ?? '', 'base64');
  const store = await openStore({ databaseUrl, dataDir: process.cwd(), secretKey }, { migrate: false });
  try {
    await Promise.all(
      Array.from({ length: Number(count) }, (_, index) =>
        appendAudit(store.db, { kind: 'test.parallel', actor: actor ?? 'worker', data: { index } }),
      ),
    );
  } finally {
    await store.close();
  }
  console.log(JSON.stringify({ appended: Number(count) }));
} else {
  throw new Error(`unknown command ${command}`);
}
