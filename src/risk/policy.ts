// Score -> decision. Per-kind thresholds (defaults chosen by models/risk/train.py on the calibration
// split, overridable), and hard rules that win over any score: a replayed single-use token is denied
// whatever the model says, because its meaning does not depend on the user's habits.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { spec, type FeatureValues } from './spec.ts';

export type RiskMode = 'enforce' | 'monitor' | 'off';
export type Decision = 'allow' | 'step_up' | 'deny';

const kindThresholdsSchema = z
  .object({ stepUp: z.number().min(0).max(1), deny: z.number().min(0).max(1) })
  .refine((t) => t.deny >= t.stepUp, 'deny threshold must be at least the step-up threshold');
export type KindThresholds = z.infer<typeof kindThresholdsSchema>;
export const thresholdsSchema = z.record(z.string(), kindThresholdsSchema);
export type Thresholds = z.infer<typeof thresholdsSchema>;

export const defaultThresholds: Thresholds = thresholdsSchema.parse(
  JSON.parse(readFileSync(new URL('../../models/risk/thresholds.json', import.meta.url), 'utf8')),
);

// Kinds the model was not trained on (federated_login until it is) use the password-login thresholds.
const fallbackKind = 'password_login';

export interface PolicyOptions {
  thresholds?: Thresholds;
  /**
   * Trust on first use, the only such mechanism (the login wiring no longer has its own): something
   * with no trusted history has no habits to compare against, so every signal reads "new".
   *  - An account's first sign-in, when the account has no second factor: a step-up it cannot pass
   *    (enrolment needs a sign-in) would lock it out for good, so it is allowed up to the deny
   *    threshold. An account with a second factor is stepped up as usual (it can answer), and a
   *    deny-level score is denied either way.
   *  - A client's first trusted use of a grant type at the token endpoint: a refusal there can never
   *    become trusted history, so the same applies, up to the deny threshold.
   * `ceiling` lowers the score up to which it applies (default: the kind's deny threshold). A lower
   * ceiling catches more attacks on never-used accounts at the price of refusing their owners' first
   * sign-ins for good (see models/risk/MODEL_CARD.md). `false` turns it off (every step-up stands).
   */
  trustOnFirstUse?: { ceiling?: number } | false;
  /** Treat a subject token's jti as single use for token exchange (default true). */
  singleUseSubjectTokens?: boolean;
}

export interface HardRule {
  rule: 'token_replayed' | 'subject_token_replayed' | 'scope_escalation';
  reason: string;
}

export function hardRules(kind: string, f: FeatureValues, opts: PolicyOptions = {}): HardRule[] {
  const hits: HardRule[] = [];
  if ((f['token_reused'] ?? 0) > 0) {
    hits.push({ rule: 'token_replayed', reason: 'a single-use token that was already used was presented again' });
  }
  if (kind === 'token_exchange') {
    const seen = f['subject_jti_seen'] ?? 0;
    if ((opts.singleUseSubjectTokens ?? true) && seen > 0) {
      hits.push({ rule: 'subject_token_replayed', reason: `subject token already exchanged ${seen} time(s)` });
    }
    const extra = f['scope_expansion'] ?? 0;
    if (extra > 0) hits.push({ rule: 'scope_escalation', reason: `${extra} scope(s) requested beyond the subject token` });
  }
  return hits;
}

export function thresholdsFor(kind: string, opts: PolicyOptions = {}): KindThresholds {
  const table = opts.thresholds ?? defaultThresholds;
  const t = table[kind] ?? defaultThresholds[kind] ?? table[fallbackKind] ?? defaultThresholds[fallbackKind];
  if (!t) throw new Error(`no risk thresholds for ${kind}`);
  return t;
}

export interface PolicyResult {
  decision: Decision;
  hardRules: HardRule[];
  /** Set when a step-up was turned into an allow by trust on first use: what was trusted. */
  firstUse?: FirstUse;
}

/** `account`: an account's first sign-in; `client`: a client's first use of a grant type. */
export type FirstUse = 'account' | 'client';

export interface DecisionFacts {
  /**
   * Asked only when the score alone would step up (it costs a query): whether the account (login
   * kinds) or the client (token-endpoint kinds) has never had a trusted event.
   */
  isFirstUse?: () => Promise<boolean> | boolean;
  /** Login kinds: whether the account has a second factor to answer a step-up with. */
  hasSecondFactor?: boolean;
}

export async function decide(
  kind: string,
  score: number,
  f: FeatureValues,
  opts: PolicyOptions = {},
  facts: DecisionFacts = {},
): Promise<PolicyResult> {
  const rules = hardRules(kind, f, opts);
  if (rules.length > 0) return { decision: 'deny', hardRules: rules };
  const t = thresholdsFor(kind, opts);
  const decision: Decision = score >= t.deny ? 'deny' : score >= t.stepUp ? 'step_up' : 'allow';
  const tofu = opts.trustOnFirstUse ?? {};
  if (decision !== 'step_up' || tofu === false || score >= (tofu.ceiling ?? t.deny)) return { decision, hardRules: [] };
  const login = spec.loginKinds.includes(kind);
  // An account that can answer a step-up is asked to: first use is no reason to skip a second factor.
  if (login && facts.hasSecondFactor === true) return { decision, hardRules: [] };
  if (await (facts.isFirstUse?.() ?? false)) {
    return { decision: 'allow', hardRules: [], firstUse: login ? 'account' : 'client' };
  }
  return { decision, hardRules: [] };
}

/** The reason recorded on a RiskEvent that trust on first use let through. */
export function firstUseReason(firstUse: FirstUse): string {
  return firstUse === 'account'
    ? 'first sign-in of this account (no trusted sign-in and no second factor yet): allowed to start its history'
    : 'first use of this grant type by this client: allowed to start its history';
}

/** What the caller acts on: monitor records the policy's decision but lets the event through. */
export function applyMode(mode: RiskMode, decision: Decision): Decision {
  return mode === 'enforce' ? decision : 'allow';
}
