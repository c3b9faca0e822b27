// The step-up form under /interaction/:uid/step-up, for a login a risk stage held:
//   GET  shows the code form (with a note when the last code was wrong)
//   POST checks a TOTP or recovery code: right -> the login completes; wrong -> back to the form,
//        and after MAX_CODE_FAILURES wrong codes the held login is dropped.
// Every code also goes through the login throttle under a key of its own ("step-up:<account>"),
// so guessing codes across many held logins is slowed per account and per address as well.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { TotpService } from '../../accounts/totp.ts';
import type { RiskEngine } from '../../risk/engine.ts';
import type { Db } from '../../store/db.ts';
import type { Interaction, InteractionRouteTools, ResolvedDeps } from '../deps.ts';
import { completeLogin } from '../login.ts';
import { clientAddress, clientIdOf, interactionPath, loadInteraction, seeOther } from '../page-helpers.ts';
import { dropPendingLogin, holdLogin, pendingLoginOf } from '../pending-login.ts';
import { showRefusalPage, showStepUpPage, stepUpPath } from './pages.ts';
import { amrFor, checkSecondFactor } from './second-factor.ts';
import { stepUpReason, stepUpStateOf } from './state.ts';

export const MAX_CODE_FAILURES = 5;

const codeFormSchema = z.object({ code: z.string().trim().min(1).max(64) });

export interface StepUpDeps {
  db: Db;
  totp: TotpService;
  engine: Pick<RiskEngine, 'resolveStepUp'>;
}

function uidOf(ctx: Context): string {
  const uid: unknown = (ctx as Context & { params?: Record<string, string> }).params?.['uid'];
  return typeof uid === 'string' ? uid : '';
}

async function handleCode(ctx: Context, deps: ResolvedDeps, step: StepUpDeps, interaction: Interaction, body: unknown): Promise<void> {
  const pending = pendingLoginOf(interaction);
  const state = stepUpStateOf(pending);
  const account = pending ? await deps.accounts.findById(pending.accountId) : undefined;
  if (!pending || !state || !account || account.disabled) {
    // Nothing held (expired, finished, or never started): back to the sign-in form.
    seeOther(ctx, interactionPath(interaction.uid));
    return;
  }
  const address = clientAddress(ctx);
  const clientId = clientIdOf(interaction);
  const throttle = await deps.throttle.reserve({ login: `step-up:${account.id}`, address });
  if (!throttle.allowed) {
    await deps.audit({ kind: 'login.step_up.throttled', subject: account.id, data: { address, retryAfterSeconds: throttle.retryAfterSeconds } });
    ctx.set('Retry-After', String(throttle.retryAfterSeconds));
    showStepUpPage(ctx, interaction, { status: 429, error: `Too many codes. Wait ${throttle.retryAfterSeconds} seconds and try again.` });
    return;
  }
  const form = codeFormSchema.safeParse(body);
  const method = form.success ? await checkSecondFactor(step, account.id, form.data.code) : null;
  if (method) {
    await deps.throttle.succeeded(throttle.reservation);
    if (state.eventId) await step.engine.resolveStepUp(state.eventId, true);
    await deps.audit({ kind: 'login.step_up.passed', actor: account.id, subject: account.id, data: { method, clientId, address, riskEventId: state.eventId } });
    await completeLogin(ctx, deps, interaction, account, [...pending.amr, ...amrFor(method)]);
    return;
  }
  const failures = state.failures + 1;
  await deps.audit({ kind: 'login.step_up.failed', subject: account.id, data: { failures, clientId, address, riskEventId: state.eventId } });
  if (failures >= MAX_CODE_FAILURES) {
    await dropPendingLogin(interaction);
    if (state.eventId) await step.engine.resolveStepUp(state.eventId, false);
    showRefusalPage(ctx, 'too_many_codes');
    return;
  }
  await holdLogin(interaction, { accountId: pending.accountId, amr: pending.amr, reason: stepUpReason({ eventId: state.eventId, failures }) });
  seeOther(ctx, stepUpPath(interaction.uid));
}

/** Registers the step-up form on the interaction router (InteractionDeps.extraRoutes). */
export function stepUpRoutes(step: StepUpDeps): (router: Router, tools: InteractionRouteTools) => void {
  return (router, { deps, form }) => {
    router.get('/interaction/:uid/step-up', async (ctx) => {
      const interaction = await loadInteraction(ctx, deps, uidOf(ctx));
      const state = stepUpStateOf(pendingLoginOf(interaction));
      if (!state || interaction.prompt.name !== 'login') {
        seeOther(ctx, interactionPath(interaction.uid));
        return;
      }
      showStepUpPage(ctx, interaction, state.failures > 0 ? { error: 'That code is not right. Check your authenticator app and try again.' } : {});
    });
    router.post('/interaction/:uid/step-up', ...form((ctx, d, interaction, body) => handleCode(ctx, d, step, interaction, body), ['login']));
  };
}
