// A separate process acting on a store, for tests of what several Warden processes do at once
// (in one process, SQLite's busy wait would block the very event loop that holds the lock).
//   node --import tsx test/helpers/store-worker.ts migrate <databaseUrl>
// Prints one JSON line with the result.
import { migrate } from '../../src/store/index.ts';

const [command, databaseUrl] = process.argv.slice(2);
if (!databaseUrl) throw new Error('usage: store-worker.ts <command> <databaseUrl> ...');

if (command === 'migrate') {
  console.log(JSON.stringify(await migrate({ databaseUrl })));
} else {
  throw new Error(`unknown command ${command}`);
}
