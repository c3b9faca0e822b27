// The first sign-in of an account has nothing to compare with: every signal reads "new", so the model
// asks for step-up. An account with a second factor does that; one without would be refused forever
// (and could never reach the account page to add one). So when the policy only asks for step-up (never
// for a deny or a hard rule), the account has no second factor and no trusted sign-in at all, the
// sign-in is let through to start the history, and the RiskEvent and audit log say so.
import type { AuditSink } from '../../interactions/deps.ts';
import type { RiskDb } from '../db.ts';
import { loginKinds } from '../features/history.ts';

export async function hasTrustedSignIn(db: RiskDb, accountId: string): Promise<boolean> {
  const row = await db.riskEvent.findFirst({
    where: { accountId, kind: { in: [...loginKinds] }, success: true, decision: 'allow' },
    select: { id: true },
  });
  return row !== null;
}

/** Overrides a step_up the caller resolved without a second factor: allowed (first sign-in) or denied. */
export async function settleWithoutSecondFactor(
  db: RiskDb,
  audit: AuditSink,
  eventId: string,
  outcome: 'first_sign_in' | 'no_second_factor',
): Promise<void> {
  const row = await db.riskEvent.findUnique({ where: { id: eventId }, select: { reasons: true, accountId: true, decision: true } });
  if (!row || row.decision !== 'step_up') return;
  const reasons = Array.isArray(row.reasons) ? row.reasons.filter((r): r is string => typeof r === 'string') : [];
  const [decision, note] =
    outcome === 'first_sign_in'
      ? (['allow', 'first sign-in of this account: allowed without a second factor to start its history'] as const)
      : (['deny', 'step-up required but the account has no second factor'] as const);
  await db.riskEvent.update({ where: { id: eventId }, data: { decision, reasons: [...reasons, note] } });
  await audit({ kind: 'risk.step_up', actor: row.accountId ?? undefined, subject: eventId, data: { eventId, passed: decision === 'allow', outcome } });
}
