// npm run models:eval:risk — held-out evaluation of the committed risk model and the Freeman et al.
// baseline on a population simulated with another seed and other parameters than training.
// Writes models/risk/metrics.json. `--regen` re-simulates the held-out population.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRiskModel, defaultModelPath } from '../../src/risk/model.ts';
import { decide, thresholdsFor, type Decision } from '../../src/risk/policy.ts';
import { featureNames, type FeatureValues } from '../../src/risk/spec.ts';
import { rocAuc } from './metrics.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const csvPath = here('./data/eval.csv');

interface Row { label: number; cls: string; kind: string; success: boolean; freeman: number; x: Float32Array }

function loadRows(): Row[] {
  if (process.argv.includes('--regen') || !existsSync(csvPath)) {
    execFileSync('/usr/bin/python3', [here('./simulate.py'), '--population', 'eval', '--out', csvPath], { stdio: 'inherit' });
  }
  const lines = readFileSync(csvPath, 'utf8').trimEnd().split('\n');
  const header = (lines.shift() ?? '').split(',');
  if (header.slice(5).join() !== featureNames.join()) throw new Error('eval.csv features differ from features.json: run with --regen');
  return lines.map((l) => {
    const c = l.split(',');
    return { label: Number(c[0]), cls: c[1] ?? '', kind: c[2] ?? '', success: c[3] === '1', freeman: Number(c[4]), x: Float32Array.from(c.slice(5), Number) };
  });
}

const valuesOf = (x: Float32Array): FeatureValues => Object.fromEntries(featureNames.map((n, i) => [n, x[i] ?? 0]));
const pct = (a: number, b: number) => (b === 0 ? null : Math.round((10000 * a) / b) / 100);

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))] ?? Infinity;
}

async function main() {
  const rows = loadRows();
  const model = await loadRiskModel();
  const scores = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i += 4096) {
    const chunk = rows.slice(i, i + 4096);
    scores.set(await model.score(chunk.map((r) => r.x)), i);
    process.stderr.write(`\r[eval] scoring ${Math.min(i + 4096, rows.length)}/${rows.length}`);
  }
  process.stderr.write('\n');
  // Trust on first use as configured by default. In the simulation "never a trusted login" is exactly
  // history_logins == 0 (the world starts empty and the window is longer than the simulated span);
  // clients all have trusted history before the evaluated period starts. No simulated account has a
  // second factor, so every first sign-in qualifies: the worst case for recall.
  const hist = featureNames.indexOf('history_logins');
  const firstUse = (r: Row) => r.success && r.kind === 'password_login' && r.x[hist] === 0;
  const decisions: Decision[] = [];
  const noTofu: Decision[] = [];
  // The ceiling the engine had before trust on first use moved wholly into the policy (0.25): it
  // catches more attacks on never-used accounts by refusing some owners' first sign-ins for good.
  const oldCeiling: Decision[] = [];
  for (const [i, r] of rows.entries()) {
    decisions.push((await decide(r.kind, scores[i] ?? 0, valuesOf(r.x), {}, { isFirstUse: () => firstUse(r) })).decision);
    noTofu.push((await decide(r.kind, scores[i] ?? 0, valuesOf(r.x), { trustOnFirstUse: false })).decision);
    const ceiling = r.kind === 'password_login' ? { ceiling: 0.25 } : {};
    oldCeiling.push((await decide(r.kind, scores[i] ?? 0, valuesOf(r.x), { trustOnFirstUse: ceiling }, { isFirstUse: () => firstUse(r) })).decision);
  }
  const scoreOnly: boolean[] = rows.map((r, i) => (scores[i] ?? 0) >= thresholdsFor(r.kind).stepUp);

  // Freeman at the model's operating point: per kind, the threshold that flags the same share of
  // legitimate valid-credential events as the model does, so recall is compared at equal cost.
  const freemanThreshold = new Map<string, number>();
  for (const kind of new Set(rows.map((r) => r.kind))) {
    const legit = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.kind === kind && r.label === 0 && r.success);
    const flagged = legit.filter(({ i }) => decisions[i] !== 'allow').length / Math.max(1, legit.length);
    const sorted = legit.map(({ r }) => r.freeman).sort((a, b) => a - b);
    freemanThreshold.set(kind, quantile(sorted, 1 - flagged));
  }
  const freemanFlag = rows.map((r) => r.freeman >= (freemanThreshold.get(r.kind) ?? Infinity));

  const classes = [...new Set(rows.filter((r) => r.label === 1).map((r) => r.cls))].sort();
  const perClass = Object.fromEntries(classes.map((cls) => {
    const idx = rows.flatMap((r, i) => (r.cls === cls ? [i] : []));
    const valid = idx.filter((i) => rows[i]?.success);
    const caught = (set: number[], f: (i: number) => boolean) => pct(set.filter(f).length, set.length);
    return [cls, {
      events: idx.length, validCredentialEvents: valid.length,
      model: { recallValid: caught(valid, (i) => decisions[i] !== 'allow'), recallValidScoreOnly: caught(valid, (i) => scoreOnly[i] === true),
        recallAll: caught(idx, (i) => decisions[i] !== 'allow'), deniedValid: caught(valid, (i) => decisions[i] === 'deny') },
      freeman: { recallValid: caught(valid, (i) => freemanFlag[i] === true), recallAll: caught(idx, (i) => freemanFlag[i] === true) },
    }];
  }));
  const attackValid = rows.flatMap((r, i) => (r.label === 1 && r.success ? [i] : []));
  const attackAll = rows.flatMap((r, i) => (r.label === 1 ? [i] : []));
  const pw = rows.flatMap((r, i) => (r.kind === 'password_login' && r.success ? [i] : []));
  const legitByKind = Object.fromEntries([...new Set(rows.map((r) => r.kind))].sort().map((kind) => {
    const idx = rows.flatMap((r, i) => (r.label === 0 && r.success && r.kind === kind ? [i] : []));
    return [kind, { events: idx.length, thresholds: thresholdsFor(kind),
      model: { steppedUp: pct(idx.filter((i) => decisions[i] === 'step_up').length, idx.length), denied: pct(idx.filter((i) => decisions[i] === 'deny').length, idx.length) },
      freeman: { flagged: pct(idx.filter((i) => freemanFlag[i]).length, idx.length) } }];
  }));
  // Legitimate automation (CI suites, probes, users' scripts) separately: the population the model
  // used to refuse for its user agent alone. Included in legitByKind above as well.
  const automationClasses = [...new Set(rows.filter((r) => r.label === 0 && r.cls !== 'legit').map((r) => r.cls))].sort();
  const automationRate = (keep: (r: Row) => boolean) => {
    const idx = rows.flatMap((r, i) => (r.label === 0 && r.success && r.kind === 'password_login' && keep(r) ? [i] : []));
    return { events: idx.length, steppedUp: pct(idx.filter((i) => decisions[i] === 'step_up').length, idx.length),
      denied: pct(idx.filter((i) => decisions[i] === 'deny').length, idx.length),
      steppedUpWithoutTrustOnFirstUse: pct(idx.filter((i) => noTofu[i] === 'step_up').length, idx.length),
      freemanFlagged: pct(idx.filter((i) => freemanFlag[i]).length, idx.length) };
  };
  const legitAutomation = {
    all: automationRate((r) => r.cls !== 'legit'),
    ...Object.fromEntries(automationClasses.map((c) => [c, automationRate((r) => r.cls === c)])),
    people: automationRate((r) => r.cls === 'legit'),
  };
  const labels = rows.map((r) => r.label);
  const metrics = {
    command: 'npm run models:eval:risk', modelVersion: model.version, modelBytes: statSync(defaultModelPath).size,
    population: 'eval (seed 20261123, other parameters than train)', events: rows.length,
    attackRecallValid: { model: pct(attackValid.filter((i) => decisions[i] !== 'allow').length, attackValid.length),
      freeman: pct(attackValid.filter((i) => freemanFlag[i]).length, attackValid.length), events: attackValid.length },
    withoutTrustOnFirstUse: {
      attackRecallValid: pct(attackValid.filter((i) => noTofu[i] !== 'allow').length, attackValid.length),
      legitPasswordLoginsSteppedUp: pct(pw.filter((i) => rows[i]?.label === 0 && noTofu[i] === 'step_up').length, pw.filter((i) => rows[i]?.label === 0).length),
    },
    firstSignInCeiling025: {
      attackRecallValid: pct(attackValid.filter((i) => oldCeiling[i] !== 'allow').length, attackValid.length),
      legitFirstSignInsRefused: pct(pw.filter((i) => rows[i]?.label === 0 && firstUse(rows[i] as Row) && oldCeiling[i] !== 'allow').length,
        pw.filter((i) => rows[i]?.label === 0 && firstUse(rows[i] as Row)).length),
      legitFirstSignIns: pw.filter((i) => rows[i]?.label === 0 && firstUse(rows[i] as Row)).length,
    },
    attackRecallAll: { model: pct(attackAll.filter((i) => decisions[i] !== 'allow').length, attackAll.length),
      freeman: pct(attackAll.filter((i) => freemanFlag[i]).length, attackAll.length), events: attackAll.length },
    perClass, legitByKind, legitAutomationPasswordLogins: legitAutomation,
    rocAuc: { model: { all: rocAuc(labels, [...scores]), validPasswordLogins: rocAuc(pw.map((i) => labels[i] ?? 0), pw.map((i) => scores[i] ?? 0)) },
      freeman: { all: rocAuc(labels, rows.map((r) => r.freeman)), validPasswordLogins: rocAuc(pw.map((i) => labels[i] ?? 0), pw.map((i) => rows[i]?.freeman ?? 0)) } },
  };
  writeFileSync(here('./metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  report(metrics);
}

function report(m: { attackRecallValid: object; withoutTrustOnFirstUse: object; firstSignInCeiling025: object; attackRecallAll: object; perClass: Record<string, unknown>; legitByKind: Record<string, unknown>; legitAutomationPasswordLogins: Record<string, unknown>; rocAuc: object; modelVersion: string }) {
  console.log(`model ${m.modelVersion}`);
  console.log('attack events with a valid credential, stepped up or denied (%):', JSON.stringify(m.attackRecallValid));
  console.log('same, trust on first use turned off (%):', JSON.stringify(m.withoutTrustOnFirstUse));
  console.log('same, first sign-ins trusted only below 0.25 (%):', JSON.stringify(m.firstSignInCeiling025));
  console.log('all attack events, failed credentials included (%):', JSON.stringify(m.attackRecallAll));
  console.log('per attack class (%):');
  for (const [cls, v] of Object.entries(m.perClass)) console.log(`  ${cls.padEnd(20)} ${JSON.stringify(v)}`);
  console.log('legitimate valid-credential events (%):');
  for (const [k, v] of Object.entries(m.legitByKind)) console.log(`  ${k.padEnd(15)} ${JSON.stringify(v)}`);
  console.log('legitimate valid password logins by population (%):');
  for (const [k, v] of Object.entries(m.legitAutomationPasswordLogins)) console.log(`  ${k.padEnd(15)} ${JSON.stringify(v)}`);
  console.log('ROC AUC:', JSON.stringify(m.rocAuc));
}

await main();
