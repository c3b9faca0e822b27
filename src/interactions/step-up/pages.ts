// The step-up form and the pages that refuse a login. The wording is neutral on purpose: the person
// reading it may be an attacker holding the password, so it never names the signal that fired and
// never offers to set up a second factor (that would let the attacker enrol their own).
import type { Context } from 'koa';
import { csrfToken } from '../csrf.ts';
import type { Interaction } from '../deps.ts';
import { interactionPath, sendPage } from '../page-helpers.ts';

export const stepUpPath = (uid: string): string => interactionPath(uid, 'step-up');

export function showStepUpPage(ctx: Context, interaction: Interaction, options: { error?: string; status?: number } = {}): void {
  const { uid } = interaction;
  sendPage(
    ctx,
    'step-up',
    {
      title: 'Confirm it is you',
      message: 'This sign-in needs one more step. Enter the 6-digit code from your authenticator app.',
      error: options.error,
      csrf: csrfToken(ctx, uid),
      actions: { verify: stepUpPath(uid), abort: interactionPath(uid, 'abort') },
    },
    options.status,
  );
}

export type RefusalKind = 'denied' | 'no_second_factor' | 'too_many_codes';

const REFUSALS: Record<RefusalKind, { explanation: string; advice: string }> = {
  denied: {
    explanation: 'We could not complete this sign-in.',
    advice: 'If this was you, try again later or contact your administrator.',
  },
  no_second_factor: {
    explanation:
      'This sign-in looks different from the ones we usually see for this account, and the account has no second factor (authenticator app) to confirm it is you.',
    advice:
      'Sign in from a device and place you usually use, or contact your administrator to get access.',
  },
  too_many_codes: {
    explanation: 'Too many codes were not right, so this sign-in was stopped.',
    advice: 'Start again from the application. If you no longer have your authenticator app, use a recovery code or contact your administrator.',
  },
};

export function showRefusalPage(ctx: Context, kind: RefusalKind): void {
  const refusal = REFUSALS[kind];
  sendPage(ctx, 'error', { title: 'Sign-in not completed', explanation: refusal.explanation, advice: refusal.advice }, 403);
}
