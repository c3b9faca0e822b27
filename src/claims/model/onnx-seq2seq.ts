/**
 * The exported encoder/decoder pair in onnxruntime-node, with greedy constrained decoding over a
 * key/value cache: the encoder runs once per attribute, then each step feeds one token and the
 * cache instead of the whole prefix.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { BOS, EOS, MAX_PROGRAM_TOKENS, OUTPUT_VOCAB, advance, allowedNext, initialState } from './program.ts';

export interface Decoded { tokens: string[]; ids: number[]; probability: number }

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

export class Seq2SeqOnnx {
  private constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    readonly version: string,
    readonly bytes: number,
  ) {}

  static async load(dir: string): Promise<Seq2SeqOnnx> {
    const encBuf = readFileSync(join(dir, 'claims-mapper.encoder.onnx'));
    const decBuf = readFileSync(join(dir, 'claims-mapper.decoder.onnx'));
    const hash = createHash('sha256').update(encBuf).update(decBuf).digest('hex').slice(0, 12);
    const [encoder, decoder] = await Promise.all([
      ort.InferenceSession.create(encBuf, SESSION_OPTIONS),
      ort.InferenceSession.create(decBuf, SESSION_OPTIONS),
    ]);
    return new Seq2SeqOnnx(encoder, decoder, `claims-mapper-${hash}`, encBuf.length + decBuf.length);
  }

  private static ids(xs: readonly number[]): ort.Tensor {
    return new ort.Tensor('int64', BigInt64Array.from(xs.map((x) => BigInt(x))), [1, xs.length]);
  }

  /** Cross-attention keys/values for one input, computed once. */
  async encode(src: readonly number[]): Promise<{ crossK: ort.Tensor; crossV: ort.Tensor; src: ort.Tensor }> {
    const srcT = Seq2SeqOnnx.ids(src);
    const out = await this.encoder.run({ src_ids: srcT });
    return { crossK: out['cross_k'] as ort.Tensor, crossV: out['cross_v'] as ort.Tensor, src: srcT };
  }

  /** Teacher-forced logits for a fixed token sequence (fixtures and tests). */
  async stepLogits(src: readonly number[], tokens: readonly number[]): Promise<Float32Array[]> {
    const enc = await this.encode(src);
    let cache = this.emptyCache(enc.crossK);
    const out: Float32Array[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const r = await this.step(tokens[i] ?? 0, i, cache, enc);
      out.push(r.logits);
      cache = r.cache;
    }
    return out;
  }

  private emptyCache(crossK: ort.Tensor): { k: ort.Tensor; v: ort.Tensor } {
    const [L, B, H, , dh] = crossK.dims as number[];
    const dims = [L ?? 1, B ?? 1, H ?? 1, 0, dh ?? 1];
    return { k: new ort.Tensor('float32', new Float32Array(0), dims), v: new ort.Tensor('float32', new Float32Array(0), dims) };
  }

  private async step(token: number, pos: number, cache: { k: ort.Tensor; v: ort.Tensor }, enc: { crossK: ort.Tensor; crossV: ort.Tensor; src: ort.Tensor }) {
    const out = await this.decoder.run({
      token: new ort.Tensor('int64', BigInt64Array.from([BigInt(token)]), [1, 1]),
      pos: new ort.Tensor('int64', BigInt64Array.from([BigInt(pos)]), [1]),
      past_k: cache.k,
      past_v: cache.v,
      cross_k: enc.crossK,
      cross_v: enc.crossV,
      src_ids: enc.src,
    });
    return {
      logits: (out['logits'] as ort.Tensor).data as Float32Array,
      cache: { k: out['present_k'] as ort.Tensor, v: out['present_v'] as ort.Tensor },
    };
  }

  /**
   * Greedy decoding where each step may only pick a token the grammar automaton allows; the
   * probability is the product of the chosen tokens' probabilities renormalised over the allowed set.
   * `scoreTargets` (a superset of `targets`) renormalises the first token over more targets: a
   * program forced to one target still reports the model's own probability of choosing it.
   */
  async decode(src: readonly number[], targets: ReadonlySet<string>, scoreTargets: ReadonlySet<string> = targets): Promise<Decoded> {
    const enc = await this.encode(src);
    let cache = this.emptyCache(enc.crossK);
    let state = initialState();
    let prev = BOS;
    const ids: number[] = [];
    let logProb = 0;
    for (let pos = 0; pos <= MAX_PROGRAM_TOKENS; pos++) {
      const allowed = allowedNext(state, targets);
      const scored = pos === 0 ? allowedNext(state, scoreTargets) : allowed;
      let choice: number;
      if (allowed.length === 1 && scored.length === 1) {
        choice = allowed[0] ?? EOS;
        // A forced token still has to enter the cache, unless it ends the program.
        if (choice === EOS) break;
        const r = await this.step(prev, pos, cache, enc);
        cache = r.cache;
      } else {
        const r = await this.step(prev, pos, cache, enc);
        cache = r.cache;
        let max = -Infinity;
        for (const a of scored) max = Math.max(max, r.logits[a] ?? -Infinity);
        let z = 0;
        for (const a of scored) z += Math.exp((r.logits[a] ?? -Infinity) - max);
        choice = allowed[0] ?? EOS;
        let best = -Infinity;
        for (const a of allowed) {
          const l = r.logits[a] ?? -Infinity;
          if (l > best) { best = l; choice = a; }
        }
        logProb += best - max - Math.log(z);
      }
      if (choice === EOS) break;
      ids.push(choice);
      state = advance(state, choice);
      prev = choice;
    }
    return { ids, tokens: ids.map((i) => OUTPUT_VOCAB[i] ?? ''), probability: Math.exp(logProb) };
  }
}
