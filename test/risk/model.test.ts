// The committed ONNX model gives what PyTorch gave for the fixture rows (recorded by train.py).
import { readFileSync, statSync } from 'node:fs';
import test from 'ava';
import { z } from 'zod';
import { MAX_ROWS_PER_RUN, defaultModelPath, loadRiskModel } from '../../src/risk/model.ts';
import { featureNames } from '../../src/risk/spec.ts';

const fixtures = z
  .object({
    modelSha256: z.string(),
    features: z.array(z.string()),
    rows: z.array(z.object({ cls: z.string(), x: z.array(z.number()), score: z.number() })),
  })
  .parse(JSON.parse(readFileSync(new URL('./fixtures/onnx-rows.json', import.meta.url), 'utf8')));

test('fixture rows use the current feature order', (t) => {
  t.deepEqual(fixtures.features, [...featureNames]);
});

test('onnxruntime-node matches PyTorch on the fixture rows', async (t) => {
  const model = await loadRiskModel();
  t.is(model.version, `risk-mlp@${fixtures.modelSha256.slice(0, 12)}`);
  const scores = await model.score(fixtures.rows.map((r) => Float32Array.from(r.x)));
  fixtures.rows.forEach((r, i) => {
    const got = scores[i] ?? NaN;
    t.true(Math.abs(got - r.score) <= 1e-5 + 1e-4 * Math.abs(r.score), `${r.cls}: onnx ${got} vs torch ${r.score}`);
  });
  t.true(fixtures.rows.length >= 20);
});

test('the model scores attacks above legitimate fixture rows and stays under 5 MB', async (t) => {
  t.true(statSync(defaultModelPath).size <= 5 * 1024 * 1024);
  const legit = fixtures.rows.filter((r) => r.cls === 'legit').map((r) => r.score);
  const stuffing = fixtures.rows.filter((r) => r.cls === 'credential_stuffing').map((r) => r.score);
  t.true(Math.max(...legit) < Math.min(...stuffing));
});

test('the session is loaded once and rejects rows of the wrong width', async (t) => {
  const [a, b] = await Promise.all([loadRiskModel(), loadRiskModel()]);
  t.is(a, b);
  await t.throwsAsync(() => a.score([new Float32Array(3)]), { message: /expects/ });
});

test('scores requested in the same turn (one batched run) come back to their own callers, in order', async (t) => {
  const model = await loadRiskModel();
  const rows = fixtures.rows.map((r) => Float32Array.from(r.x));
  const alone = await model.score(rows);
  // Uneven slices, including a single row and an empty request, all issued before any run starts.
  const slices = [rows.slice(0, 1), rows.slice(1, 8), [], rows.slice(8)];
  const together = await Promise.all(slices.map((s) => model.score(s)));
  t.deepEqual(together.map((s) => s.length), slices.map((s) => s.length));
  t.deepEqual(Array.from(together.flatMap((s) => Array.from(s))), Array.from(alone));
  // A request of the wrong width is refused on its own; the others in its turn are scored.
  const [bad, good] = await Promise.allSettled([model.score([new Float32Array(3)]), model.score(rows.slice(0, 2))]);
  t.is(bad.status, 'rejected');
  t.deepEqual(good.status === 'fulfilled' ? Array.from(good.value) : [], Array.from(alone.slice(0, 2)));
});

test('a turn with more rows than one run takes (MAX_ROWS_PER_RUN) still serves every caller its own scores', async (t) => {
  const model = await loadRiskModel();
  const rows = fixtures.rows.map((r) => Float32Array.from(r.x));
  const alone = await model.score(rows);
  // Enough requests of the whole fixture that their rows exceed MAX_ROWS_PER_RUN more than twice.
  const requests = Math.ceil((3 * MAX_ROWS_PER_RUN) / rows.length) + 1;
  const results = await Promise.all(Array.from({ length: requests }, () => model.score(rows)));
  for (const scores of results) t.deepEqual(Array.from(scores), Array.from(alone));
});
