// Optional self-registration (WARDEN_SELF_REGISTRATION=true; off by default).
//
// Enumeration: an address that is already registered gets the same redirect, the same wording and
// the same argon2 cost as a new one ("if this address was new, your account is ready; sign in"), so
// the form cannot be used to test which addresses have accounts. New accounts start with an
// unverified email, and federated account linking never trusts unverified email.
import type { Context } from 'koa';
import { z } from 'zod';
import { AccountError } from '../accounts/errors.ts';
import { argon2Hasher } from '../accounts/password-hashing.ts';
import { minimumPasswordLength, PASSWORD_MAX_LENGTH } from '../accounts/password-policy.ts';
import { csrfToken } from './csrf.ts';
import type { Interaction, ResolvedDeps } from './deps.ts';
import { clientAddress, interactionPath, seeOther, sendPage, setFlash, takeFlash } from './page-helpers.ts';
import { isStorableText } from '../store/storable-text.ts';

const UNSTORABLE = 'contains a NUL character';

const registrationSchema = z.object({
  name: z.string().trim().max(200).refine(isStorableText, UNSTORABLE).default(''),
  email: z.string().trim().max(320).refine(isStorableText, UNSTORABLE),
  password: z.string().max(PASSWORD_MAX_LENGTH * 4),
});

function registrationPageData(ctx: Context, interaction: Interaction) {
  const { uid } = interaction;
  return {
    title: 'Create an account',
    minLength: minimumPasswordLength(false),
    csrf: csrfToken(ctx, uid),
    actions: { register: interactionPath(uid, 'register'), login: interactionPath(uid) },
  };
}

export function showRegistrationPage(ctx: Context, _deps: ResolvedDeps, interaction: Interaction): void {
  const flash = takeFlash(ctx, interaction.uid);
  sendPage(ctx, 'register', {
    ...registrationPageData(ctx, interaction),
    error: flash.message,
    name: flash.name ?? '',
    email: flash.login ?? '',
  });
}

export async function handleRegistration(
  ctx: Context,
  deps: ResolvedDeps,
  interaction: Interaction,
  body: unknown,
): Promise<void> {
  const { uid } = interaction;
  const form = registrationSchema.safeParse(body);
  if (!form.success) {
    const unstorable = form.error.issues.some((issue) => issue.message === UNSTORABLE);
    setFlash(ctx, uid, { message: unstorable ? 'A name or email address cannot contain the NUL character.' : 'Fill in your email address and a password.' });
    seeOther(ctx, interactionPath(uid, 'register'));
    return;
  }
  const { name, email, password } = form.data;
  // Each registration costs an argon2 hash: it counts against the address like a login attempt, and
  // is never given back, so one address cannot mint accounts (or burn CPU) at full speed.
  const decision = await deps.throttle.reserve({ login: `register:${email}`, address: clientAddress(ctx) });
  if (!decision.allowed) {
    ctx.set('Retry-After', String(decision.retryAfterSeconds));
    sendPage(
      ctx,
      'register',
      {
        ...registrationPageData(ctx, interaction),
        error: `Too many attempts from your network. Wait ${decision.retryAfterSeconds} seconds and try again.`,
        name,
        email,
      },
      429,
    );
    return;
  }
  try {
    await deps.accounts.createAccount(
      { email, password, profile: name ? { name } : {} },
      { actor: `registration:${clientAddress(ctx)}` },
    );
  } catch (error) {
    if (!(error instanceof AccountError)) throw error;
    if (error.code === 'email_taken') {
      // Spend the hash a new account would have cost, then answer exactly as for a new account.
      await argon2Hasher.hash(password);
    } else {
      setFlash(ctx, uid, { message: error.message, login: email.slice(0, 320), name });
      seeOther(ctx, interactionPath(uid, 'register'));
      return;
    }
  }
  setFlash(ctx, uid, { notice: 'registered', login: email.toLowerCase().slice(0, 320) });
  seeOther(ctx, interactionPath(uid));
}
