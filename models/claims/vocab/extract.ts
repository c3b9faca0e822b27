/**
 * Extracts attribute vocabularies from offline Debian sources into committed JSON
 * (models/claims/vocab/extracted.json). This is a separate, documented step: training only reads
 * the committed output, so `npm run models:train:claims` never needs these packages.
 *
 *   mkdir -p /tmp/vocabsrc && cd /tmp/vocabsrc && apt-get download slapd shibboleth-sp-common simplesamlphp
 *   for f in *.deb; do dpkg -x "$f" x; done
 *   npx tsx models/claims/vocab/extract.ts /tmp/vocabsrc/x
 *
 * WordNet is read from /usr/share/wordnet (Debian wordnet-base).
 */
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = process.argv[2] ?? '/tmp/vocabsrc/x';
const wordnetDir = process.argv[3] ?? '/usr/share/wordnet';

export interface LdapAttribute { oid: string; names: string[]; desc: string; schema: string; syntax: string }

/** Parses OpenLDAP .schema files; commented-out "system schema" definitions are real attributes too. */
function parseSchemas(dir: string): LdapAttribute[] {
  const out: LdapAttribute[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.schema')).sort()) {
    // Uncomment "#attributetype" blocks: slapd keeps built-in ones as comments but they are standard.
    const text = readFileSync(join(dir, file), 'utf8').replace(/^#\s?/gm, '');
    // msuser.schema writes OIDs through `objectidentifier` macros (MSADat2:104): resolve them.
    const macros = new Map<string, string>();
    for (const m of text.matchAll(/^objectidentifier\s+(\S+)\s+(\S+)/gim)) {
      const [name, value] = [m[1] ?? '', m[2] ?? ''];
      const [base, tail] = value.split(':');
      macros.set(name, tail !== undefined && macros.has(base ?? '') ? `${macros.get(base ?? '')}.${tail}` : value);
    }
    const resolve = (oid: string): string => {
      const [base, tail] = oid.split(':');
      return tail !== undefined && macros.has(base ?? '') ? `${macros.get(base ?? '')}.${tail}` : oid;
    };
    const re = /attributetypes?\s*\(\s*([0-9A-Za-z.:-]+)\s+NAME\s+(\(([^)]*)\)|'[^']*')([\s\S]*?)\)\s*(?=\n\s*\n|\n\s*attributetype|\n\s*objectclass|$)/gi;
    for (const m of text.matchAll(re)) {
      const names = [...(m[2] ?? '').matchAll(/'([^']+)'/g)].map((x) => x[1] ?? '');
      const rest = m[4] ?? '';
      const desc = /DESC\s+'([^']*)'/.exec(rest)?.[1] ?? '';
      const syntax = /SYNTAX\s+'?([0-9.]+)/.exec(rest)?.[1] ?? '';
      out.push({ oid: resolve(m[1] ?? ''), names, desc, schema: file.replace('.schema', ''), syntax });
    }
  }
  return out;
}

/** Parses PHP `'key' => 'value'` pairs, resolving the SCHAC namespace constants used by two maps. */
function parsePhpMaps(dir: string): Record<string, Array<[string, string]>> {
  const consts: Record<string, string> = {
    SCHAC_OLD_NS: 'urn:mace:terena.org:attribute-def:',
    SCHAC_NEW_NS: 'urn:schac:attribute-def:',
  };
  const out: Record<string, Array<[string, string]>> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.php')).sort()) {
    let text = readFileSync(join(dir, file), 'utf8');
    for (const [k, v] of Object.entries(consts)) text = text.replaceAll(`${k}.'`, `'${v}`);
    const pairs = [...text.matchAll(/'([^']+)'\s*=>\s*'([^']+)'/g)].map((m) => [m[1] ?? '', m[2] ?? ''] as [string, string]);
    if (pairs.length > 0) out[file.replace('.php', '')] = pairs;
  }
  return out;
}

function parseShibboleth(file: string): Array<{ name: string; id: string }> {
  const text = readFileSync(file, 'utf8').replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/<Attribute /g, '<!Attribute '));
  return [...text.matchAll(/<Attribute\s+name="([^"]+)"\s+id="([^"]+)"/g)].map((m) => ({ name: m[1] ?? '', id: m[2] ?? '' }));
}

/** WordNet synonyms (single- and multi-word lemmas of every synset of a word), for the words we need. */
function wordnetSynonyms(words: Set<string>): Record<string, string[]> {
  const offsets = new Map<string, Array<[string, string]>>();
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    const idx = join(wordnetDir, `index.${pos}`);
    if (!existsSync(idx)) continue;
    for (const line of readFileSync(idx, 'utf8').split('\n')) {
      if (line.startsWith(' ') || line === '') continue;
      const f = line.trim().split(' ');
      const lemma = f[0] ?? '';
      if (!words.has(lemma)) continue;
      const synsetCnt = Number(f[2]);
      const ptrCnt = Number(f[3]);
      const offs = f.slice(4 + ptrCnt + 2, 4 + ptrCnt + 2 + synsetCnt);
      offsets.set(lemma, [...(offsets.get(lemma) ?? []), ...offs.map((o) => [pos, o] as [string, string])]);
    }
  }
  const data: Record<string, string> = {};
  const out: Record<string, string[]> = {};
  for (const [lemma, offs] of offsets) {
    const syn = new Set<string>();
    for (const [pos, off] of offs) {
      data[pos] ??= readFileSync(join(wordnetDir, `data.${pos}`), 'latin1');
      const text = data[pos] ?? '';
      const at = Number(off);
      const line = text.slice(at, text.indexOf('\n', at));
      const f = line.split(' ');
      const n = parseInt(f[3] ?? '0', 16);
      for (let i = 0; i < n; i++) {
        const w = (f[4 + i * 2] ?? '').replace(/\(.*\)$/, '').toLowerCase();
        if (w && w !== lemma && /^[a-z_-]+$/.test(w)) syn.add(w.replaceAll('_', ' '));
      }
    }
    if (syn.size > 0) out[lemma] = [...syn].sort();
  }
  return out;
}

function splitWords(name: string): string[] {
  return name
    .replace(/^.*[/#:]/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w.length > 1);
}

const ldap = parseSchemas(join(root, 'etc/ldap/schema'));
const php = parsePhpMaps(join(root, 'etc/simplesamlphp/attributemap'));
const shib = parseShibboleth(join(root, 'etc/shibboleth/attribute-map.xml'));
const hand = Object.fromEntries(
  readdirSync(join(here, 'data')).filter((f) => f.endsWith('.json')).sort()
    .map((f) => [f.replace('.json', ''), JSON.parse(readFileSync(join(here, 'data', f), 'utf8')) as unknown]),
);

const words = new Set<string>();
for (const a of ldap) for (const n of a.names) splitWords(n).forEach((w) => words.add(w));
for (const pairs of Object.values(php)) for (const [k, v] of pairs) [...splitWords(k), ...splitWords(v)].forEach((w) => words.add(w));
for (const s of shib) splitWords(s.id).forEach((w) => words.add(w));
JSON.stringify(hand).match(/[A-Za-z][A-Za-z_]+/g)?.forEach((t) => splitWords(t).forEach((w) => words.add(w)));

const out = {
  sources: {
    ldap: 'Debian slapd 2.5.13 /etc/ldap/schema/*.schema',
    simplesamlphp: 'Debian simplesamlphp 1.19.7 /etc/simplesamlphp/attributemap/*.php',
    shibboleth: 'Debian shibboleth-sp-common 3.4.1 /etc/shibboleth/attribute-map.xml',
    wordnet: 'Debian wordnet-base 3.0',
  },
  ldap,
  simplesamlphp: php,
  shibboleth: shib,
  wordnet: wordnetSynonyms(words),
};
/**
 * Dictionary for splitting run-together names ("emailaddress", "stateorprovince"): WordNet lemmas
 * that occur in the tagged corpus at least once, so rare words do not produce odd splits.
 */
function commonWords(): string[] {
  const words = new Set<string>();
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    for (const line of readFileSync(join(wordnetDir, `index.${pos}`), 'utf8').split('\n')) {
      if (line.startsWith(' ') || line === '') continue;
      const f = line.trim().split(' ');
      const lemma = f[0] ?? '';
      const tagged = Number(f[f.length - 1 - Number(f[2])]);
      if (/^[a-z]{3,14}$/.test(lemma) && (tagged > 0 || (pos === 'noun' && lemma.length >= 4 && lemma.length <= 10))) words.add(lemma);
    }
  }
  return [...words].sort();
}
writeFileSync(join(here, 'words.txt'), commonWords().join('\n') + '\n');
writeFileSync(join(here, 'extracted.json'), JSON.stringify(out, null, 1) + '\n');
console.log(`ldap ${ldap.length} attributes, php maps ${Object.keys(php).length}, shibboleth ${shib.length}, wordnet ${Object.keys(out.wordnet).length} words`);
