// The password login, as a pipeline:
//   read the form -> throttle -> check the password -> login stages (risk, step-up) -> complete.
// Each step can end the request with its own response; a new step (say, TOTP) is one more stage.
import type { Context } from 'koa';
import { z } from 'zod';
import { isStorableText } from '../store/storable-text.ts';
import type { AccountRecord } from '../accounts/account-service.ts';
import { PASSWORD_MAX_LENGTH } from '../accounts/password-policy.ts';
import { loginTimestamp } from '../accounts/session-epoch.ts';
import { csrfToken } from './csrf.ts';
import type { Interaction, ResolvedDeps } from './deps.ts';
import {
  clientAddress,
  clientIdOf,
  describeClient,
  FLASH_MESSAGES,
  interactionPath,
  seeOther,
  sendPage,
  setFlash,
  takeFlash,
} from './page-helpers.ts';

// Generous bounds: the policy, not the form, decides what a good password is; these only keep
// absurd input away from argon2.
export const loginFormSchema = z.object({
  // No account has a NUL in its email, and the stores cannot look one up (PostgreSQL refuses it).
  login: z.string().trim().min(1).max(320).refine(isStorableText).transform((value) => value.toLowerCase()),
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH * 4),
});

// login_hint comes from the authorization request, so anybody who can send a browser to us chooses it:
// it only ever goes into the login field (escaped by the view), and only at a length a login can have.
// The longest deliverable email address is 254 characters; anything longer is not worth echoing.
const LOGIN_HINT_MAX_LENGTH = 256;
const loginHintSchema = z.string().trim().min(1).max(LOGIN_HINT_MAX_LENGTH);

/** The interaction's login_hint when it is usable as the login field's initial value. */
function loginHintOf(interaction: Interaction): string | undefined {
  const hint = loginHintSchema.safeParse(interaction.params['login_hint']);
  return hint.success ? hint.data : undefined;
}

interface LoginPageOptions {
  error?: string | undefined;
  notice?: string | undefined;
  login?: string | undefined;
  status?: number;
}

export async function showLoginPage(
  ctx: Context,
  deps: ResolvedDeps,
  interaction: Interaction,
  options: LoginPageOptions = {},
): Promise<void> {
  const { uid } = interaction;
  const flash = takeFlash(ctx, uid);
  const client = await describeClient(deps, clientIdOf(interaction));
  const upstreams = deps.upstreams ? await deps.upstreams() : [];
  sendPage(
    ctx,
    'login',
    {
      title: 'Sign in',
      clientName: client?.name,
      error: options.error ?? (flash.error ? FLASH_MESSAGES[flash.error] : undefined),
      notice: options.notice ?? (flash.notice ? FLASH_MESSAGES[flash.notice] : undefined),
      login: options.login ?? flash.login ?? loginHintOf(interaction) ?? '',
      csrf: csrfToken(ctx, uid),
      upstreams: upstreams.map((upstream) => ({
        displayName: upstream.displayName,
        href: `/federation/${encodeURIComponent(upstream.slug)}/start?uid=${encodeURIComponent(uid)}`,
      })),
      actions: {
        login: interactionPath(uid, 'login'),
        abort: interactionPath(uid, 'abort'),
        register: deps.config.selfRegistration ? interactionPath(uid, 'register') : undefined,
      },
    },
    options.status,
  );
}

/**
 * Ends a successful login: records it and hands the account to oidc-provider, which starts a new
 * session (a new session id; a different account's session is ended first). Stages that took over
 * the response (step-up) call this once they are satisfied.
 */
export async function completeLogin(
  ctx: Context,
  deps: ResolvedDeps,
  interaction: Interaction,
  account: AccountRecord,
  amr: readonly string[],
  recordings: ReadonlyArray<Promise<void>> = [],
): Promise<void> {
  // Before the result is saved: a login whose audit entry (or risk record) failed never completes.
  await Promise.all([
    deps.audit({
      kind: 'login.succeeded',
      actor: account.id,
      subject: account.id,
      data: { clientId: clientIdOf(interaction), address: clientAddress(ctx), amr: [...amr] },
    }),
    ...recordings,
  ]);
  const returnTo = await deps.provider.interactionResult(
    ctx.req,
    ctx.res,
    // `ts` is never earlier than the account's session epoch: see accounts/session-epoch.ts.
    { login: { accountId: account.id, ts: loginTimestamp(account.sessionEpoch), amr: [...amr], remember: true } },
    { mergeWithLastSubmission: false },
  );
  seeOther(ctx, returnTo);
}

async function failLogin(ctx: Context, deps: ResolvedDeps, interaction: Interaction, login: string): Promise<void> {
  const address = clientAddress(ctx);
  const account = await deps.accounts.findByEmail(login);
  await deps.audit({
    kind: 'login.failed',
    subject: account?.id,
    data: { login, address, clientId: clientIdOf(interaction), reason: 'credentials' },
  });
  await deps.onFailedLogin?.({ ctx, interaction, login, accountId: account?.id, address });
  setFlash(ctx, interaction.uid, { error: 'credentials', login });
  seeOther(ctx, interactionPath(interaction.uid));
}

export async function handleLogin(ctx: Context, deps: ResolvedDeps, interaction: Interaction, body: unknown): Promise<void> {
  const form = loginFormSchema.safeParse(body);
  if (!form.success) {
    // Same answer as wrong credentials: an empty field is not worth a different page.
    setFlash(ctx, interaction.uid, { error: 'credentials' });
    seeOther(ctx, interactionPath(interaction.uid));
    return;
  }
  const { login, password } = form.data;
  const address = clientAddress(ctx);

  const decision = await deps.throttle.reserve({ login, address });
  if (!decision.allowed) {
    await deps.audit({
      kind: 'login.throttled',
      data: { login, address, scope: decision.scope, retryAfterSeconds: decision.retryAfterSeconds },
    });
    ctx.set('Retry-After', String(decision.retryAfterSeconds));
    await showLoginPage(ctx, deps, interaction, {
      status: 429,
      login,
      error: `Too many sign-in attempts. Wait ${decision.retryAfterSeconds} second${decision.retryAfterSeconds === 1 ? '' : 's'} and try again.`,
    });
    return;
  }

  const verification = await deps.accounts.verifyPassword(login, password);
  if (!verification.ok) {
    await failLogin(ctx, deps, interaction, login);
    return;
  }
  // Released while the stages run (the risk stage reads and scores first) rather than before them, so
  // the sign-in does not wait for that commit on its own. It is settled before the login completes,
  // so a failed release fails the sign-in as it did when it came first.
  const released = deps.throttle.succeeded(decision.reservation);
  // Handled from now on (a rejection while the stages run is not an unhandled one); awaited below.
  released.catch(() => undefined);
  let amr: readonly string[] = ['pwd'];
  const recordings: Array<Promise<void>> = [];
  try {
    for (const stage of deps.loginStages) {
      const outcome = await stage({ ctx, interaction, account: verification.account, address, amr });
      if (outcome.action === 'responded') {
        await Promise.all(recordings);
        return;
      }
      if (outcome.recording) {
        // Awaited by completeLogin, or below when a later stage takes over or throws.
        outcome.recording.catch(() => undefined);
        recordings.push(outcome.recording);
      }
      if (outcome.amr) amr = [...new Set([...amr, ...outcome.amr])];
    }
  } catch (error) {
    await Promise.allSettled(recordings);
    throw error;
  } finally {
    await released;
  }
  await completeLogin(ctx, deps, interaction, verification.account, amr, recordings);
}
