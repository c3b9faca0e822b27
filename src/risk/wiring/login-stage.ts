// The risk engine in the password login: a login stage after the correct password, and the failed-
// login hook that records wrong passwords as history (velocity features need them).
//   allow   -> the login continues
//   step_up -> TOTP form (the login is held) when the account has a second factor; otherwise the
//              explanatory refusal page. An account's very first sign-in without a second factor never
//              arrives here as step_up: trust on first use is the policy's (src/risk/policy.ts), which
//              is why the engine is told whether the account has a second factor.
//   deny    -> a neutral refusal page
// Monitor mode arrives here as allow (the engine records the policy's decision); off skips scoring.
import type { Context } from 'koa';
import type { AuditSink, FailedLoginInput, GrantCreatedInput, LoginStage } from '../../interactions/deps.ts';
import { clientIdOf, seeOther } from '../../interactions/page-helpers.ts';
import { holdLogin } from '../../interactions/pending-login.ts';
import { showRefusalPage, stepUpPath } from '../../interactions/step-up/pages.ts';
import { stepUpReason } from '../../interactions/step-up/state.ts';
import type { RiskEngine } from '../engine.ts';
import { deviceIdIfAny, ensureDeviceId } from './device-cookie.ts';

export interface LoginRiskDeps {
  engine: RiskEngine;
  audit: AuditSink;
}

const userAgentOf = (ctx: Context): string | undefined => ctx.get('user-agent') || undefined;

export function riskLoginStage(deps: LoginRiskDeps): LoginStage {
  return async ({ ctx, interaction, account, address, amr }) => {
    const clientId = clientIdOf(interaction);
    const { decision: result, recorded } = await deps.engine.assessRecordingLater({
      kind: 'password_login', ip: address, userAgent: userAgentOf(ctx), clientId, success: true,
      accountId: account.id, login: account.email, deviceId: ensureDeviceId(ctx),
    }, { hasSecondFactor: account.hasSecondFactor });
    // Allowed: the record is written with the login's own audit entry (login.ts completeLogin).
    if (result.decision === 'allow') return { action: 'continue', recording: recorded };
    await recorded;

    const denied = async (why: string, page: 'denied' | 'no_second_factor') => {
      await deps.audit({ kind: 'login.denied', subject: account.id, data: { clientId, address, why, riskEventId: result.eventId } });
      showRefusalPage(ctx, page);
      return { action: 'responded' } as const;
    };
    if (result.decision === 'deny') return denied('risk', 'denied');
    if (account.hasSecondFactor) {
      await holdLogin(interaction, { accountId: account.id, amr: [...amr], reason: stepUpReason({ eventId: result.eventId, failures: 0 }) });
      seeOther(ctx, stepUpPath(interaction.uid));
      return { action: 'responded' };
    }
    // The stored decision becomes the denial the user meets, with the reason admins need.
    if (result.eventId) await deps.engine.resolveStepUp(result.eventId, false, 'step-up required but the account has no second factor');
    return denied('step_up_without_second_factor', 'no_second_factor');
  };
}

export function riskFailedLogin(deps: LoginRiskDeps): (input: FailedLoginInput) => Promise<void> {
  return async ({ ctx, interaction, login, accountId, address }) => {
    try {
      await deps.engine.assess({
        kind: 'password_login', ip: address, userAgent: userAgentOf(ctx), clientId: clientIdOf(interaction),
        success: false, accountId, login, deviceId: ensureDeviceId(ctx),
      });
    } catch (error) {
      // The password was wrong either way: a gap in the history must not turn that answer into a 500.
      ctx.app.emit('error', error, ctx);
    }
  };
}

/**
 * Consent created a grant for a public client: its origin is the login this browser signed the
 * session in with. A public client (a browser or mobile app) refreshes from the user's own device, as
 * the model's simulator has it; a confidential client refreshes from its servers, whose network and
 * user agent are not the user's, so its grant's origin stays its first refresh.
 */
export function riskGrantOrigin(deps: LoginRiskDeps): (input: GrantCreatedInput) => Promise<void> {
  return async ({ ctx, accountId, grantId, publicClient }) => {
    const deviceId = deviceIdIfAny(ctx);
    if (!publicClient || !deviceId) return;
    try {
      await deps.engine.linkGrant({ grantId, accountId, deviceId });
    } catch (error) {
      // Without the link the grant's first refresh becomes its origin: weaker, not a reason to refuse consent.
      ctx.app.emit('error', error, ctx);
    }
  };
}
