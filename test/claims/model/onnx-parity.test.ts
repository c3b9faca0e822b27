import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Seq2SeqOnnx } from '../../../src/claims/model/onnx-seq2seq.ts';
import { MODEL_DIR } from '../../../src/claims/model/paths.ts';

interface Fixture { src: number[]; tokens: number[]; logits: number[][]; argmax: number[] }
const { fixtures } = JSON.parse(readFileSync(join(MODEL_DIR, 'fixtures.json'), 'utf8')) as { fixtures: Fixture[] };

test('ONNX encoder + cached decoder in Node reproduce PyTorch step logits', async (t) => {
  const net = await Seq2SeqOnnx.load(MODEL_DIR);
  t.true(fixtures.length >= 5);
  for (const f of fixtures) {
    const got = await net.stepLogits(f.src, f.tokens);
    t.is(got.length, f.logits.length);
    got.forEach((row, step) => {
      const want = f.logits[step] ?? [];
      let maxDiff = 0;
      let arg = 0;
      row.forEach((x, j) => {
        maxDiff = Math.max(maxDiff, Math.abs(x - (want[j] ?? NaN)));
        if (x > (row[arg] ?? -Infinity)) arg = j;
      });
      t.true(maxDiff < 1e-3, `step ${step}: max |diff| ${maxDiff}`);
      t.is(arg, f.argmax[step] ?? -1);
    });
  }
});

test('the model files stay within the size budget', async (t) => {
  const net = await Seq2SeqOnnx.load(MODEL_DIR);
  t.true(net.bytes <= 20 * 1024 * 1024, `${net.bytes} bytes`);
});
