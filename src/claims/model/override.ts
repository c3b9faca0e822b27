/**
 * Value evidence that can overrule the model's `drop`: some shapes belong to essentially one claim
 * (an IANA zone to `zoneinfo`, an epoch or GeneralizedTime to a timestamp, a URL to a website).
 * When the name also has a word of that claim and no word the tables know only from dropped names,
 * the model's hesitation is about an unseen spelling, not about the attribute. Identity claims are
 * never overruled into: there a wrong claim is not recoverable and the model's `drop` stands
 * (measured: `mail local address` with an address value is labelled drop, and was overruled).
 */
import type { Evidence, Shape } from './evidence.ts';

/** Shapes that, for a value, point at the claim; a name word must still agree. */
const SPECIFIC: Readonly<Record<string, readonly Shape[]>> = {
  zoneinfo: ['zone'],
  updated_at: ['epoch', 'filetime', 'gentime', 'datetime'],
  website: ['url'],
};

export interface WordEvidence {
  /** some known name of the claim has this word */
  supports(word: string, target: string): boolean;
  /** the word is unknown or known only from dropped names: strict, since this overrules the model */
  vetoes(word: string): boolean;
}

/** Non-identity targets that the value's shape and a word of the name both point at. */
export function evidenceTargets(candidates: readonly string[], ev: Evidence, words: readonly string[], lex: WordEvidence, identity: ReadonlySet<string>): string[] {
  if (words.some((w) => lex.vetoes(w))) return [];
  return candidates.filter((t) => {
    const shapes = SPECIFIC[t];
    if (shapes === undefined || !shapes.some((s) => ev.shapes.has(s))) return false;
    return !identity.has(t) && words.some((w) => lex.supports(w, t));
  });
}
