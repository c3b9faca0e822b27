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
/**
 * A modifier is neutral when adding it to known names kept their claim at least this often and
 * never changed it (user, primary, preferred); it flips when it turned a claim into `drop`.
 */
const MIN_NEUTRAL_PAIRS = 2;

export class Knowledge {
  private readonly byKey: Map<string, Record<string, string>>;
  private readonly wordTargets: Map<string, Set<string>>;
  private readonly wordCounts: Map<string, number>;
  /** modifiers that kept a known name's claim every time they were added to one */
  private readonly neutral: Set<string>;
  /** modifiers that turned a known claim-bearing name into a dropped one (manager, pager, former) */
  private readonly flips: Set<string>;
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
    ({ neutral: this.neutral, flips: this.flips } = this.modifiers());
  }

  /** The claim every protocol agrees on for a key, or undefined. */
  private agreed(key: string): string | undefined {
    const e = this.byKey.get(key);
    if (e === undefined) return undefined;
    const ts = new Set(Object.values(e));
    return ts.size === 1 ? [...ts][0] : undefined;
  }

  /**
   * Learns from the tables which first/last words modify a known name without changing its claim
   * and which turn it into someone else's attribute: `primary email` vs `email`, `manager email`.
   */
  private modifiers(): { neutral: Set<string>; flips: Set<string> } {
    const same = new Map<string, number>();
    const changed = new Map<string, number>();
    const flips = new Set<string>();
    for (const key of this.byKey.keys()) {
      const ws = key.split(' ');
      if (ws.length < 2) continue;
      for (const i of new Set([0, ws.length - 1])) {
        const w = ws[i] ?? '';
        const outer = this.agreed(key);
        const inner = this.agreed([...ws.slice(0, i), ...ws.slice(i + 1)].join(' '));
        if (outer === undefined || inner === undefined || inner === 'drop') continue;
        const m = outer === inner ? same : changed;
        m.set(w, (m.get(w) ?? 0) + 1);
        if (outer === 'drop') flips.add(w);
      }
    }
    const neutral = new Set([...same].filter(([w, n]) => n >= MIN_NEUTRAL_PAIRS && !changed.has(w)).map(([w]) => w));
    return { neutral, flips };
  }

  /**
   * The claim of a name that is a known name plus neutral modifiers (`preferred` + `username`):
   * the tables decide it as they would the known name, or undefined.
   */
  backoff(words: readonly string[]): string | undefined {
    let lo = 0;
    let hi = words.length;
    while (hi - lo > 1 && (this.neutral.has(words[lo] ?? '') || this.neutral.has(words[hi - 1] ?? ''))) {
      if (this.neutral.has(words[lo] ?? '')) lo++;
      else hi--;
      const t = this.agreed(words.slice(lo, hi).join(' '));
      if (t !== undefined) return t;
    }
    return undefined;
  }

  /** Whether a word occurs in a known name of this claim. */
  wordSupports(word: string, target: string): boolean {
    return this.wordTargets.get(word)?.has(target) ?? false;
  }

  /**
   * Whether a word argues against any claim: the tables do not know it at all (when
   * `unknownVetoes`), or know it only from dropped names and it is a name of its own (pager,
   * prior), a modifier that turned a claim into `drop` (manager), or not an ordinary word
   * (`dg`, `nt`: namespace codes of internal attributes). An ordinary word seen only inside dropped
   * names (`list`, `assigned`) says nothing about the claim.
   */
  wordVetoes(word: string, unknownVetoes: boolean, isWord: (w: string) => boolean = () => false): boolean {
    // Without a dictionary every word known only from dropped names vetoes (the strict reading).
    const ts = this.wordTargets.get(word);
    if (ts === undefined) return unknownVetoes;
    if ((this.wordCounts.get(word) ?? 0) < MIN_VETO_NAMES || ![...ts].every((t) => t === 'drop')) return false;
    return this.flips.has(word) || this.byKey.has(word) || !isWord(word);
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
