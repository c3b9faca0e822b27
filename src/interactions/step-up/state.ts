// What a login held for step-up remembers, inside the pending login's `reason` (the pending-login
// record has no room for more fields): the RiskEvent that asked for it and the wrong codes so far.
//   "step_up:<eventId or ->:<failures>"
import type { PendingLogin } from '../pending-login.ts';

export interface StepUpState {
  /** The RiskEvent that asked for the step-up (null when the engine recorded none). */
  eventId: string | null;
  /** Wrong codes entered on this held login. */
  failures: number;
}

const PATTERN = /^step_up:([A-Za-z0-9-]+):(\d{1,3})$/;

export function stepUpReason(state: StepUpState): string {
  return `step_up:${state.eventId ?? '-'}:${state.failures}`;
}

export function stepUpStateOf(pending: PendingLogin | undefined): StepUpState | undefined {
  const match = pending ? PATTERN.exec(pending.reason) : null;
  if (!match?.[1] || !match[2]) return undefined;
  return { eventId: match[1] === '-' ? null : match[1], failures: Number(match[2]) };
}
