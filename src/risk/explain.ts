// Explanations. Admins get the top contributing features in words ("new device", "37 failed
// sign-ins from this address in 10 minutes"); users get neutral wording that tells an attacker
// nothing about which signal fired. Contribution of a feature = how much the model's log-odds drop
// when that feature alone is set back to its benign baseline (occlusion), computed in the same
// batch as the score itself so it costs one model run.
import type { Decision, HardRule } from './policy.ts';
import { spec, toVector, type FeatureDef, type FeatureValues } from './spec.ts';

const kindGroups: Record<string, readonly string[]> = {
  refresh: ['refresh'],
  token_exchange: ['exchange'],
};
const generalGroups = new Set(['history', 'velocity', 'geo']);
const loginOnly = new Set(['new_device', 'ua_automation']);

export interface Candidate {
  def: FeatureDef;
  row: Float32Array;
}

/** Features that may explain an event of this kind, each with its baseline-occluded row (copies of `base`). */
export function occlusionRows(kind: string, values: FeatureValues, base: Float32Array = toVector(values)): Candidate[] {
  const groups = new Set([...generalGroups, ...(kindGroups[kind] ?? [])]);
  const isLogin = spec.loginKinds.includes(kind);
  const out: Candidate[] = [];
  spec.features.forEach((def, i) => {
    if (def.baseline === null || def.reason === undefined || !groups.has(def.group)) return;
    if (loginOnly.has(def.name) && !isLogin) return;
    if ((values[def.name] ?? 0) === def.baseline) return;
    const row = base.slice();
    row[i] = def.baseline;
    out.push({ def, row });
  });
  return out;
}

const logit = (p: number) => {
  const q = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
  return Math.log(q / (1 - q));
};

function formatValue(name: string, v: number): string {
  if (name === 'hour_share') return `${Math.round(v * 100)}%`;
  return String(Math.round(v));
}

export function describe(def: FeatureDef, value: number): string {
  return (def.reason ?? def.name).replace('{value}', formatValue(def.name, value));
}

/** Reasons for admins: hard rules first, then features whose removal lowers the log-odds by > 0.5. */
export function explain(
  score: number,
  candidates: readonly Candidate[],
  occludedScores: ArrayLike<number>,
  values: FeatureValues,
  rules: readonly HardRule[],
  top = 3,
): string[] {
  const full = logit(score);
  const ranked = candidates
    .map((c, i) => ({ c, delta: full - logit(occludedScores[i] ?? score) }))
    .filter((x) => x.delta > 0.5)
    .sort((a, b) => b.delta - a.delta)
    .slice(0, top)
    .map((x) => describe(x.c.def, values[x.c.def.name] ?? 0));
  return [...rules.map((r) => r.reason), ...ranked];
}

/** Neutral wording for the person on the other side, who may be the attacker. */
export function userMessage(decision: Decision, kind: string): string {
  if (decision === 'allow') return '';
  const interactive = spec.loginKinds.includes(kind);
  if (decision === 'step_up') {
    return interactive
      ? 'We need to confirm it is you. Enter the code from your authenticator app to continue.'
      : 'Please sign in again to continue.';
  }
  return interactive
    ? 'We could not complete this sign-in. If this was you, try again later or contact your administrator.'
    : 'This request was refused. Please sign in again; if the problem persists, contact your administrator.';
}

