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
   * Trust on first use: an account that has never had a trusted login (or a client that has never
   * had a trusted event of this kind) has no habits to compare against, and a step-up it cannot pass
   * (no second factor enrolled yet, and enrolment needs a login) would lock it out for good. Below
   * `ceiling` such a step-up becomes an allow (for token-endpoint kinds: below the deny threshold);
   * `false` turns this off. Default ceiling 0.25: above the scores of typical first logins in the
   * simulation, below most attacks on fresh accounts.
   */
  trustOnFirstUse?: { ceiling: number } | false;
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
  /** Set when a step-up was turned into an allow by trust on first use. */
  firstUse?: boolean;
}

export const defaultFirstUseCeiling = 0.25;

/**
 * `isFirstUse` is asked only when the score alone would step up (it costs a query): whether the
 * account, or for token-endpoint kinds the client, has never had a trusted event.
 */
export async function decide(
  kind: string,
  score: number,
  f: FeatureValues,
  opts: PolicyOptions = {},
  isFirstUse: () => Promise<boolean> | boolean = () => false,
): Promise<PolicyResult> {
  const rules = hardRules(kind, f, opts);
  if (rules.length > 0) return { decision: 'deny', hardRules: rules };
  const t = thresholdsFor(kind, opts);
  const decision: Decision = score >= t.deny ? 'deny' : score >= t.stepUp ? 'step_up' : 'allow';
  const tofu = opts.trustOnFirstUse ?? { ceiling: defaultFirstUseCeiling };
  // At the token endpoint a step-up is a refusal that can never turn into trusted history, so a
  // client's first use of a grant type is allowed up to the deny threshold.
  const ceiling = tofu ? (spec.loginKinds.includes(kind) ? tofu.ceiling : t.deny) : 0;
  if (decision === 'step_up' && score < ceiling && (await isFirstUse())) {
    return { decision: 'allow', hardRules: [], firstUse: true };
  }
  return { decision, hardRules: [] };
}

/** What the caller acts on: monitor records the policy's decision but lets the event through. */
export function applyMode(mode: RiskMode, decision: Decision): Decision {
  return mode === 'enforce' ? decision : 'allow';
}
