/** Writes grammar.json beside this file, so the Python training code reads the same vocabulary. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { grammarJson } from './grammar.ts';

const target = fileURLToPath(new URL('./grammar.json', import.meta.url));
writeFileSync(target, grammarJson());
process.stdout.write(`wrote ${target}\n`);
