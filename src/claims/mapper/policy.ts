/**
 * The model proposes, policy decides. A proposal is re-parsed here (the model's label for its target
 * is not trusted; the program's own target is), refused outright when it could put a value into an
 * identity-bearing claim Warden sets itself, and otherwise made active or held for review by its
 * confidence, the sensitivity of its target and the claims mode.
 */
import { FORBIDDEN_TARGETS, isTargetName, parseProgram, print } from '../language/index.ts';
import type { MappingStatus, Proposal } from './types.ts';

/** Targets that grant trust or authority downstream: a wrong mapping here is a security problem. */
export const SENSITIVE_TARGETS: ReadonlySet<string> = new Set(['email_verified', 'phone_number_verified', 'groups', 'roles']);

export interface Thresholds {
  /** Minimum confidence for a sensitive target to become active without review. */
  readonly sensitive: number;
  /** Minimum confidence for any other program (including `drop`). */
  readonly other: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { sensitive: 0.9, other: 0.5 };

export type ClaimsMode = 'auto' | 'review';

export type PolicyDecision =
  | { readonly ok: true; readonly program: string; readonly target: string; readonly status: Exclude<MappingStatus, 'rejected'>; readonly confidence: number; readonly reason?: string }
  | { readonly ok: false; readonly program: 'drop'; readonly target: 'drop'; readonly status: 'rejected'; readonly confidence: number; readonly reason: string };

/** The target of a program text, `drop`, or undefined when it does not parse or names a refused claim. */
export function programTarget(text: string): { ok: true; target: string; canonical: string } | { ok: false; reason: string } {
  const parsed = parseProgram(text);
  if (!parsed.ok) return { ok: false, reason: parsed.error.message };
  const { program } = parsed;
  if (program.kind === 'drop') return { ok: true, target: 'drop', canonical: 'drop' };
  // The parser already refuses these; checked again because this is the one rule that must never slip.
  const target: string = program.target;
  if (FORBIDDEN_TARGETS.has(target) || !isTargetName(target)) return { ok: false, reason: `"${target}" is never a mapping target` };
  return { ok: true, target, canonical: print(program) };
}

function clampConfidence(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

export function validateThresholds(thresholds: Partial<Thresholds> | undefined): Thresholds {
  const merged = { ...DEFAULT_THRESHOLDS, ...thresholds };
  for (const [name, value] of Object.entries(merged)) {
    if (!Number.isFinite(value) || value < 0 || value > 1) throw new RangeError(`claims threshold ${name} must be between 0 and 1`);
  }
  return merged;
}

/** Decides what becomes of a model proposal for an attribute never seen before. */
export function decide(proposal: Proposal, mode: ClaimsMode, thresholds: Thresholds): PolicyDecision {
  const confidence = clampConfidence(proposal.confidence);
  const checked = programTarget(proposal.program);
  if (!checked.ok) return { ok: false, program: 'drop', target: 'drop', status: 'rejected', confidence, reason: `refused model program: ${checked.reason}` };
  const { target, canonical } = checked;
  if (mode === 'review') return { ok: true, program: canonical, target, status: 'proposed', confidence, reason: 'held for review: claims mode is review' };
  const sensitive = SENSITIVE_TARGETS.has(target);
  const needed = sensitive ? thresholds.sensitive : thresholds.other;
  if (confidence < needed) {
    return { ok: true, program: canonical, target, status: 'proposed', confidence, reason: holdReason(target, confidence, mode, thresholds) };
  }
  return { ok: true, program: canonical, target, status: 'active', confidence };
}

/** Why a stored program is held, for later sightings (the decision's own reason is not stored). */
export function holdReason(target: string, confidence: number, mode: ClaimsMode, thresholds: Thresholds): string {
  const needed = SENSITIVE_TARGETS.has(target) ? thresholds.sensitive : thresholds.other;
  if (confidence < needed) return `held for review: confidence ${confidence.toFixed(3)} is below ${needed}${SENSITIVE_TARGETS.has(target) ? ` for sensitive target ${target}` : ''}`;
  return mode === 'review' ? 'held for review: claims mode is review' : 'held for review';
}
