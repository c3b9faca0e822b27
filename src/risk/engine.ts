// The risk engine: context -> features (indexed RiskEvent queries) -> model score -> policy decision
// -> explanation -> RiskEvent row (+ audit entry). One call per password login, refresh, exchange.
import type { RiskDb } from './db.ts';
import { riskContextSchema, type ParsedRiskContext, type ResolvedEvent, type RiskContext } from './events.ts';
import { riskEventRows, type RiskEventRow } from './event-rows.ts';
import { newRiskEventId } from './event-id.ts';
import { explain, occlusionRows, userMessage } from './explain.ts';
import { computeFeatures } from './features/index.ts';
import { browserFamily } from './features/browser.ts';
import { geoOf, networkPrefix, normalizeAddress } from './features/network.ts';
import { loadRiskModel, type RiskModel } from './model.ts';
import { tokenDigest } from '../oidc/token-digest.ts';
import { applyMode, decide, firstUseReason, type Decision, type PolicyOptions, type PolicyResult, type RiskMode, type Thresholds } from './policy.ts';
import { spec, toVector } from './spec.ts';

/**
 * How long an exchanged subject token's claim is held. It only has to outlast requests racing the
 * first exchange; replays after it are in the event history (90 days).
 */
const SUBJECT_CLAIM_MS = 24 * 60 * 60 * 1000;

export interface RiskAuditEntry {
  kind: string;
  actor?: string | undefined;
  subject?: string | undefined;
  data: Record<string, unknown>;
}

export interface RiskEngineOptions {
  db: RiskDb;
  mode: RiskMode;
  thresholds?: Thresholds;
  /** Appends to the audit log (e.g. the interactions' AuditSink). */
  audit?: (entry: RiskAuditEntry) => Promise<unknown>;
  /** Defaults to the committed models/risk/risk-model.onnx, loaded once per process. */
  model?: RiskModel | Promise<RiskModel>;
  /** Treat subject tokens as single use for token exchange (default true). */
  singleUseSubjectTokens?: boolean;
  /** See PolicyOptions.trustOnFirstUse (default: on, up to the deny threshold). */
  trustOnFirstUse?: { ceiling?: number } | false;
  /** Told about every decision (metrics). */
  onDecision?: (kind: string, decision: Decision) => void;
}

export interface RiskDecision {
  /** What the caller must do: in monitor mode always 'allow'. */
  decision: Decision;
  /** What the policy decided (equal to `decision` in enforce mode). */
  policyDecision: Decision;
  score: number;
  /** For admins and the audit log. */
  reasons: string[];
  /** The hard rules that fired (a subset of reasons; safe to tell the caller, who knows anyway). */
  hardRules: string[];
  /** Neutral wording for the user; empty when allowed. */
  userMessage: string;
  /** The RiskEvent id; null when the mode is off. */
  eventId: string | null;
  modelVersion: string;
}

/** What the caller knows about the account that the event history does not say. */
export interface AssessFacts {
  /**
   * Login kinds: whether the account has a second factor. Trust on first use applies only to
   * accounts without one (those with one can answer the step-up). Unknown counts as none.
   */
  hasSecondFactor?: boolean;
}

/** A decision whose RiskEvent row and audit entry are still being written. */
export interface PendingRecord {
  decision: RiskDecision;
  /** Settles once both are stored; rejects if either write failed. */
  recorded: Promise<void>;
}

export interface RiskEngine {
  readonly mode: RiskMode;
  /** Scores, decides and records the event; resolves once the record is stored. */
  assess(ctx: RiskContext, facts?: AssessFacts): Promise<RiskDecision>;
  /**
   * The same decision, returned as soon as it is made, with the record's writes under way. For a
   * caller that writes more before it answers (the token endpoint): the record then joins those
   * writes' commit instead of waiting for one of its own. The caller must await `recorded` before it
   * answers, so no decision goes unrecorded.
   */
  assessRecordingLater(ctx: RiskContext, facts?: AssessFacts): Promise<PendingRecord>;
  /**
   * Record the outcome of a step-up: passed makes the event trusted history, failed a denial.
   * `note` replaces the default reason appended ("second factor verified" / "second factor failed"),
   * e.g. when the account had no second factor to step up with.
   */
  resolveStepUp(eventId: string, passed: boolean, note?: string): Promise<void>;
  /**
   * A public client's grant was created for a signed-in session: its origin becomes the login that
   * signed the session in (the account's newest trusted login from this device not linked to a grant
   * yet), so even its first refresh is compared with where the user signed in, as the model was
   * trained. A second grant of one sign-in takes an older unlinked trusted login from the device, if
   * there is one. Without any (no device cookie, no such login), and for confidential clients
   * (wiring/login-stage.ts), the grant's first refresh is its origin.
   */
  linkGrant(link: { grantId: string; accountId: string; deviceId: string }): Promise<boolean>;
}

/** Address, prefix, GeoIP, browser family: the event as its RiskEvent row will hold it. */
export function resolveEvent(ctx: ParsedRiskContext): ResolvedEvent {
  const ip = normalizeAddress(ctx.ip);
  const geo = geoOf(ip);
  const isLogin = ctx.kind === 'password_login' || ctx.kind === 'federated_login';
  return {
    ctx,
    kind: ctx.kind,
    at: ctx.at ?? new Date(),
    accountId: ctx.accountId ?? null,
    // The typed identifier is kept only when no account matched (velocity needs it; PII otherwise not).
    login: isLogin && !ctx.accountId ? ctx.login : null,
    ip,
    ipPrefix: networkPrefix(ip),
    country: geo?.country ?? null,
    latitude: geo?.latitude ?? null,
    longitude: geo?.longitude ?? null,
    browserFamily: browserFamily(ctx.userAgent),
    deviceId: isLogin ? (ctx.deviceId ?? null) : null,
    // A digest: an opaque token's id is the token itself (oidc/token-digest.ts), and replay checks
    // only compare ids.
    tokenId: ctx.kind === 'refresh' ? tokenDigest(ctx.tokenId)
      : ctx.kind === 'token_exchange' && ctx.subject.tokenId !== undefined ? tokenDigest(ctx.subject.tokenId) : null,
    grantId: ctx.kind === 'refresh' || ctx.kind === 'token_exchange' ? (ctx.grantId ?? null) : null,
  };
}

export function createRiskEngine(options: RiskEngineOptions): RiskEngine {
  const { db, mode } = options;
  const modelPromise = Promise.resolve(options.model ?? loadRiskModel());
  const policy: PolicyOptions = {
    thresholds: options.thresholds,
    singleUseSubjectTokens: options.singleUseSubjectTokens,
    trustOnFirstUse: options.trustOnFirstUse,
  };

  const rows = riskEventRows(db);

  /** Never a trusted login for this account, or (token endpoint) never a trusted event of this kind for this client. */
  async function firstUse(ev: ResolvedEvent): Promise<boolean> {
    // A failed credential is refused anyway: nothing to trust.
    if (!ev.ctx.success) return false;
    if (spec.loginKinds.includes(ev.kind)) {
      return ev.accountId !== null && !(await rows.accountHasTrusted(ev.accountId, spec.loginKinds));
    }
    const clientId = ev.ctx.clientId;
    return clientId !== undefined && !(await rows.clientHasTrusted(clientId, ev.kind));
  }

  /** An exchange the policy allows takes its subject token's single use; a concurrent one lost it. */
  async function claimSingleUse(ev: ResolvedEvent, decided: PolicyResult): Promise<PolicyResult> {
    if (decided.decision !== 'allow' || ev.kind !== 'token_exchange' || ev.tokenId === null) return decided;
    if (options.singleUseSubjectTokens === false) return decided;
    if (await rows.claimSubjectToken(ev.tokenId, new Date(ev.at.getTime() + SUBJECT_CLAIM_MS))) return decided;
    return {
      decision: 'deny',
      hardRules: [...decided.hardRules, { rule: 'subject_token_replayed', reason: 'subject token exchanged by a concurrent request' }],
    };
  }

  async function assessRecordingLater(input: RiskContext, facts: AssessFacts = {}): Promise<PendingRecord> {
    // Off: nothing reads the context, so it is not even validated (this runs on every refresh).
    if (mode === 'off') {
      return {
        decision: { decision: 'allow', policyDecision: 'allow', score: 0, reasons: [], hardRules: [], userMessage: '', eventId: null, modelVersion: 'off' },
        recorded: Promise.resolve(),
      };
    }
    const ctx = riskContextSchema.parse(input);
    const model = await modelPromise;
    const ev = resolveEvent(ctx);
    const values = await computeFeatures(db, ev);
    const vector = toVector(values);
    const candidates = occlusionRows(ev.kind, values, vector);
    const scores = await model.score([vector, ...candidates.map((c) => c.row)]);
    const score = scores[0] ?? 0;
    const decided = await decide(ev.kind, score, values, policy, {
      isFirstUse: () => firstUse(ev), hasSecondFactor: facts.hasSecondFactor,
    });
    const { decision: policyDecision, hardRules } = await claimSingleUse(ev, decided);
    const tofu = decided.firstUse;
    const decision = applyMode(mode, policyDecision);
    const reasons = explain(score, candidates, scores.subarray(1), values, hardRules);
    // First, so admins reading `warden risk events` see why a step-up-level score was let through.
    if (tofu) reasons.unshift(firstUseReason(tofu));
    if (mode === 'monitor' && policyDecision !== 'allow') reasons.unshift(`monitor mode: policy decided ${policyDecision}`);
    const id = newRiskEventId(ev.at.getTime());
    const row: RiskEventRow = {
      id, at: ev.at, kind: ev.kind, accountId: ev.accountId, login: ev.login, clientId: ctx.clientId ?? null,
      ip: ev.ip, ipPrefix: ev.ipPrefix, country: ev.country, latitude: ev.latitude, longitude: ev.longitude,
      userAgent: ctx.userAgent?.slice(0, 512) ?? null, browserFamily: ev.browserFamily, deviceId: ev.deviceId,
      success: ctx.success, tokenId: ev.tokenId, grantId: ev.grantId, features: values, score,
      // The applied decision: history trusts only what was let through (see features/history.ts).
      decision, reasons, modelVersion: model.version,
    };
    const audit = options.audit;
    // The row, then its audit entry: one commit or one WAL flush for both (SqlRunner.insertBefore).
    const stored = audit
      ? rows.insertBefore(row, () => audit({
        kind: 'risk.decision',
        actor: ev.accountId ?? undefined,
        subject: id,
        data: { eventId: id, kind: ev.kind, decision, policyDecision, mode, score, reasons, modelVersion: model.version,
          clientId: ctx.clientId ?? null, ip: ev.ip, success: ctx.success },
      }))
      : rows.insert(row);
    const recorded = stored.then(() => options.onDecision?.(ev.kind, decision));
    return {
      decision: {
        decision, policyDecision, score, reasons, hardRules: hardRules.map((r) => r.reason),
        userMessage: userMessage(decision, ev.kind), eventId: id, modelVersion: model.version,
      },
      recorded,
    };
  }

  async function assess(input: RiskContext, facts: AssessFacts = {}): Promise<RiskDecision> {
    const { decision, recorded } = await assessRecordingLater(input, facts);
    await recorded;
    return decision;
  }

  async function resolveStepUp(eventId: string, passed: boolean, note?: string): Promise<void> {
    const row = await db.riskEvent.findUnique({ where: { id: eventId }, select: { reasons: true, decision: true, accountId: true } });
    if (!row || row.decision !== 'step_up') return;
    const reasons = Array.isArray(row.reasons) ? row.reasons.filter((r): r is string => typeof r === 'string') : [];
    const outcome = note ?? (passed ? 'second factor verified' : 'second factor failed');
    const decision: Decision = passed ? 'allow' : 'deny';
    await db.riskEvent.update({ where: { id: eventId }, data: { decision, reasons: [...reasons, outcome] } });
    await options.audit?.({ kind: 'risk.step_up', actor: row.accountId ?? undefined, subject: eventId, data: { eventId, passed, outcome } });
  }

  async function linkGrant(link: { grantId: string; accountId: string; deviceId: string }): Promise<boolean> {
    if (mode === 'off') return false;
    return rows.linkLogin(link.grantId, link.accountId, link.deviceId, spec.loginKinds);
  }

  return { mode, assess, assessRecordingLater, resolveStepUp, linkGrant };
}
