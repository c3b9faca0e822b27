// The risk engine in the password login: a login stage after the correct password, and the failed-
// login hook that records wrong passwords as history (velocity features need them).
//   allow   -> the login continues
//   step_up -> TOTP form (the login is held) when the account has a second factor; otherwise the
//              explanatory refusal page (or, for an account's very first sign-in, see first-sign-in.ts)
//   deny    -> a neutral refusal page
// Monitor mode arrives here as allow (the engine records the policy's decision); off skips scoring.
import type { Context } from 'koa';
import type { AuditSink, FailedLoginInput, LoginStage } from '../../interactions/deps.ts';
import { clientIdOf, seeOther } from '../../interactions/page-helpers.ts';
import { holdLogin } from '../../interactions/pending-login.ts';
import { showRefusalPage, stepUpPath } from '../../interactions/step-up/pages.ts';
import { stepUpReason } from '../../interactions/step-up/state.ts';
import type { RiskDb } from '../db.ts';
import type { RiskEngine } from '../engine.ts';
import { ensureDeviceId } from './device-cookie.ts';
import { hasTrustedSignIn, settleWithoutSecondFactor } from './first-sign-in.ts';

export interface LoginRiskDeps {
  engine: RiskEngine;
  db: RiskDb;
  audit: AuditSink;
}

const userAgentOf = (ctx: Context): string | undefined => ctx.get('user-agent').slice(0, 2048) || undefined;

export function riskLoginStage(deps: LoginRiskDeps): LoginStage {
  return async ({ ctx, interaction, account, address, amr }) => {
    const clientId = clientIdOf(interaction);
    const result = await deps.engine.assess({
      kind: 'password_login', ip: address, userAgent: userAgentOf(ctx), clientId, success: true,
      accountId: account.id, login: account.email, deviceId: ensureDeviceId(ctx),
    });
    if (result.decision === 'allow') return { action: 'continue' };

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
    if (result.eventId && !(await hasTrustedSignIn(deps.db, account.id))) {
      await settleWithoutSecondFactor(deps.db, deps.audit, result.eventId, 'first_sign_in');
      return { action: 'continue' };
    }
    if (result.eventId) await settleWithoutSecondFactor(deps.db, deps.audit, result.eventId, 'no_second_factor');
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
