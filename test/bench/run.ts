// `npm run bench [-- name ...]`: runs test/bench/<name>.bench.ts one after another (all by default).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
const wanted = process.argv.slice(2);
const selected = wanted.length === 0 ? all : all.filter((f) => wanted.some((w) => f.startsWith(w)));
if (selected.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}; available: ${all.map((f) => f.replace('.bench.ts', '')).join(', ')}`);
  process.exit(2);
}
for (const file of selected) {
  console.log(`\n== ${file}`);
  await import(path.join(dir, file));
}
