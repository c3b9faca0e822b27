// A login that passed the password check but waits for another step (TOTP step-up). It is kept in
// oidc-provider's Interaction record, which is bound to this browser by the interaction cookie and
// expires with it, so a later POST on the same interaction can finish the login with completeLogin.
// Resuming the authorization without finishing leaves the user signed out: the provider only acts
// on a `login` result, and this is not one.
import { z } from 'zod';
import type { Interaction } from './deps.ts';

const pendingLoginSchema = z.object({
  accountId: z.string().min(1),
  amr: z.array(z.string()),
  /** Why the login is held (e.g. "step_up"), for the page that continues it. */
  reason: z.string(),
  since: z.number(),
});

export type PendingLogin = z.infer<typeof pendingLoginSchema>;

export async function holdLogin(interaction: Interaction, pending: Omit<PendingLogin, 'since'>): Promise<void> {
  interaction.result = { pendingLogin: { ...pending, since: Math.floor(Date.now() / 1000) } };
  await interaction.save(Math.max(interaction.exp - Math.floor(Date.now() / 1000), 1));
}

export function pendingLoginOf(interaction: Interaction): PendingLogin | undefined {
  const parsed = pendingLoginSchema.safeParse(interaction.result?.['pendingLogin']);
  return parsed.success ? parsed.data : undefined;
}

/** Forgets a held login (a wrong code past its limit, a cancel). */
export async function dropPendingLogin(interaction: Interaction): Promise<void> {
  if (!interaction.result?.['pendingLogin']) return;
  interaction.result = {};
  await interaction.save(Math.max(interaction.exp - Math.floor(Date.now() / 1000), 1));
}
