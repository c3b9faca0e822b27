/**
 * Knowledge lookups over the standard vocabularies: an exact normalised-name (or OID) hit decides
 * the target without the model; proper sub-phrases of a name ("mobile phone" inside "user mobile
 * phone number") become hints the model weighs, because a modifier can flip the meaning
 * ("manager email").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_DIR } from './paths.ts';

export interface KnowledgeFile {
  /** key -> protocol -> target; `*` holds the target agreed by every protocol */
  entries: Record<string, Record<string, string>>;
  /** keys of held-out attribute names: excluded when evaluating generalisation */
  heldOut: string[];
  oidNames: Record<string, string>;
}

/** Names a word must occur in, all dropped, before it vetoes an identity claim the model proposes. */
const MIN_VETO_NAMES = 1;

export class Knowledge {
  private readonly byKey: Map<string, Record<string, string>>;
  private readonly wordTargets: Map<string, Set<string>>;
  private readonly wordCounts: Map<string, number>;
  readonly oidNames: ReadonlyMap<string, string>;

  constructor(file: KnowledgeFile, opts: { excludeHeldOut?: boolean } = {}) {
    const skip = new Set(opts.excludeHeldOut ? file.heldOut : []);
    this.byKey = new Map(Object.entries(file.entries).filter(([k]) => !skip.has(k)));
    this.oidNames = new Map(Object.entries(file.oidNames));
    this.wordTargets = new Map();
    this.wordCounts = new Map();
    for (const [key, e] of this.byKey) {
      for (const w of key.split(' ')) {
        this.wordCounts.set(w, (this.wordCounts.get(w) ?? 0) + 1);
        const set = this.wordTargets.get(w) ?? new Set<string>();
        for (const t of Object.values(e)) set.add(t);
        this.wordTargets.set(w, set);
      }
    }
  }

  /** Whether a word occurs in a known name of this claim. */
  wordSupports(word: string, target: string): boolean {
    return this.wordTargets.get(word)?.has(target) ?? false;
  }

  /**
   * Whether a word argues against any claim: the tables know it only from names that are dropped
   * (pager, manager, tenant), or do not know it at all when `unknownVetoes`.
   */
  wordVetoes(word: string, unknownVetoes: boolean): boolean {
    const ts = this.wordTargets.get(word);
    if (ts === undefined) return unknownVetoes;
    // One dropped name is thin evidence against a word (twitter_username); two or more are not.
    return (this.wordCounts.get(word) ?? 0) >= MIN_VETO_NAMES && [...ts].every((t) => t === 'drop');
  }

  static load(opts: { excludeHeldOut?: boolean } = {}): Knowledge {
    return new Knowledge(JSON.parse(readFileSync(join(MODEL_DIR, 'knowledge.json'), 'utf8')) as KnowledgeFile, opts);
  }

  /** The target an exact hit decides, or undefined when the key is unknown or ambiguous for this protocol. */
  exact(key: string, protocol: string): string | undefined {
    const e = this.byKey.get(key);
    return e === undefined ? undefined : (e[protocol] ?? e['*']);
  }

  /** Targets of the longest proper contiguous sub-phrases of the name that the tables know (at most 3). */
  hints(words: readonly string[]): string[] {
    const out: string[] = [];
    for (let n = words.length - 1; n >= 1 && out.length < 3; n--) {
      for (let i = 0; i + n <= words.length; i++) {
        const t = this.byKey.get(words.slice(i, i + n).join(' '))?.['*'];
        if (t !== undefined && !out.includes(t) && out.length < 3) out.push(t);
      }
    }
    return out;
  }
}

/** Builds the table: per key and protocol the target; `*` only when all entries agree. */
export function buildKnowledge(rows: Array<{ key: string; protocol: string; target: string }>, heldOut: string[], oidNames: Record<string, string>): KnowledgeFile {
  const seen = new Map<string, Map<string, Set<string>>>();
  for (const r of rows) {
    const k = seen.get(r.key) ?? new Map<string, Set<string>>();
    const p = k.get(r.protocol) ?? new Set<string>();
    p.add(r.target);
    k.set(r.protocol, p);
    seen.set(r.key, k);
  }
  const entries: Record<string, Record<string, string>> = {};
  for (const [key, protos] of [...seen].sort(([a], [b]) => a.localeCompare(b))) {
    const e: Record<string, string> = {};
    const all = new Set<string>();
    for (const [p, ts] of protos) {
      ts.forEach((t) => all.add(t));
      if (ts.size === 1) e[p] = [...ts][0] ?? 'drop';
    }
    if (all.size === 1) e['*'] = [...all][0] ?? 'drop';
    if (Object.keys(e).length > 0) entries[key] = e;
  }
  return { entries, heldOut: [...heldOut].sort(), oidNames };
}
