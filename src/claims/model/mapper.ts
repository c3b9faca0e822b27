/**
 * The claim-mapping model's runtime API: normalise the name, consult the vocabularies, weigh the
 * value's shape, and let the seq2seq model write (or finish) the program under grammar constraints.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeName, isDictionaryWord } from './normalize.ts';
import { evidence, targetAllowed, type RawValue } from './evidence.ts';
import { Knowledge } from './knowledge.ts';
import { inputTokens, protocolToken, MAX_INPUT } from './features.ts';
import { TARGETS, render } from './program.ts';
import { Seq2SeqOnnx } from './onnx-seq2seq.ts';
import { evidenceTargets, type WordEvidence } from './override.ts';
import { MODEL_DIR } from './paths.ts';

export interface ProposeInput { protocol: string; attribute: string; value: unknown }
export interface Proposal {
  program: string;
  /** sequence probability of the program under the model (1 when tables and evidence decided alone) */
  confidence: number;
  /** the claim the program writes, or `drop` */
  target: string;
  /** what decided the target: an exact vocabulary hit, the value's evidence alone, or the model */
  source: 'table' | 'evidence' | 'model';
}
export interface ClaimMapperModel {
  readonly modelVersion: string;
  /** size of the ONNX files in bytes */
  readonly modelBytes: number;
  propose(input: ProposeInput): Promise<Proposal>;
}
export interface CreateOptions {
  /** leave the held-out names out of the tables: only for measuring generalisation */
  excludeHeldOut?: boolean;
  modelDir?: string;
  /**
   * When the model alone (no vocabulary hit) picks an identity-bearing claim, it must be at least
   * this sure or the attribute is dropped: a missed claim is recoverable, a wrong email is not.
   */
  identityThreshold?: number;
}

/** Claims that identify or authorise a person. */
export const IDENTITY_CLAIMS: ReadonlySet<string> = new Set(['email', 'email_verified', 'phone_number', 'phone_number_verified', 'groups', 'roles', 'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username']);
const DEFAULT_IDENTITY_THRESHOLD = 0.5;
const UNKNOWN_VETOES = true;

interface TokenizerFile { inputVocab: string[]; outputVocab: string[]; maxInput: number }

/** Raw values from JSON parsers can be anything; keep what the evidence and features understand. */
function asRawValue(v: unknown): RawValue {
  const scalar = (x: unknown): string | number | boolean | null =>
    typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? x : x === null || x === undefined ? null : JSON.stringify(x);
  return Array.isArray(v) ? v.map(scalar) : scalar(v);
}

export async function createClaimMapperModel(opts: CreateOptions = {}): Promise<ClaimMapperModel> {
  const dir = opts.modelDir ?? MODEL_DIR;
  const tok = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as TokenizerFile;
  const index = new Map(tok.inputVocab.map((t, i) => [t, i]));
  const wordVocab = new Set(tok.inputVocab.filter((t) => t.startsWith('W:') || t.startsWith('X:')));
  const knowledge = Knowledge.load({ excludeHeldOut: opts.excludeHeldOut ?? false });
  const net = await Seq2SeqOnnx.load(dir);
  const threshold = opts.identityThreshold ?? DEFAULT_IDENTITY_THRESHOLD;
  // Overruling the model's `drop` takes the strict veto: every word known only from dropped names counts.
  const strict: WordEvidence = {
    supports: (w, t) => knowledge.wordSupports(w, t),
    vetoes: (w) => knowledge.wordVetoes(w, UNKNOWN_VETOES),
  };

  return {
    modelVersion: net.version,
    modelBytes: net.bytes,
    async propose(input: ProposeInput): Promise<Proposal> {
      const value = asRawValue(input.value);
      const norm = normalizeName(input.attribute, knowledge.oidNames);
      const ev = evidence(value);
      const protocol = protocolToken(input.protocol).slice(2);
      // A known name plus modifiers the tables show to be neutral is decided like the known name.
      const exact = knowledge.exact(norm.key, protocol) ?? knowledge.backoff(norm.words);
      if (exact === 'drop') return { program: 'drop', confidence: 1, target: 'drop', source: 'table' };
      // Value gates: an identity-bearing claim needs a value of its shape, whatever the name says.
      const candidates = (exact !== undefined ? [exact] : [...TARGETS]).filter((t) => targetAllowed(t, ev));
      if (candidates.length === 0) return { program: 'drop', confidence: 1, target: 'drop', source: exact !== undefined ? 'table' : 'evidence' };
      const targets = new Set<string>(candidates);
      if (exact === undefined) targets.add('drop');
      const toks = inputTokens(input.protocol, norm.words, knowledge.hints(norm.words), ev, value, wordVocab);
      const src = toks.map((t) => index.get(t) ?? 1).slice(0, Math.min(MAX_INPUT, tok.maxInput));
      const out = await net.decode(src, targets);
      const program = render(out.tokens);
      const target = out.tokens[0] === undefined || out.tokens[0] === 'drop' ? 'drop' : out.tokens[0].slice(2);
      if (exact === undefined && target === 'drop') {
        const backed = evidenceTargets(candidates, ev, norm.words, strict, IDENTITY_CLAIMS);
        if (backed.length > 0) {
          // The model writes the expression for a claim the value and the name agree on; its
          // confidence stays the model's own probability of that program (scored against `drop`
          // too), so a reviewer still sees the model's doubt.
          const forced = await net.decode(src, new Set(backed), targets);
          const t = forced.tokens[0]?.slice(2) ?? 'drop';
          return { program: render(forced.tokens), confidence: forced.probability, target: t, source: 'evidence' };
        }
      }
      // The model generalises from known words; a word the vocabularies only know from dropped
      // names may be exactly the modifier that makes the value someone else's (pager, manager),
      // so an identity claim from the model alone needs a word of that claim and no such veto.
      const unknownWord = !norm.words.some((w) => knowledge.wordSupports(w, target))
        || norm.words.some((w) => knowledge.wordVetoes(w, UNKNOWN_VETOES, isDictionaryWord));
      if (exact === undefined && IDENTITY_CLAIMS.has(target) && (out.probability < threshold || unknownWord)) {
        return { program: 'drop', confidence: 1 - out.probability, target: 'drop', source: 'model' };
      }
      return { program, confidence: out.probability, target, source: exact !== undefined ? 'table' : 'model' };
    },
  };
}
