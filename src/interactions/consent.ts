// The consent page: which application, which permissions (scopes), which claims with their actual
// values, which APIs. Allowing records a grant; both answers are audited.
import type { Context } from 'koa';
import { z } from 'zod';
import { allClaims } from '../accounts/account-service.ts';
import { CLAIM_LABELS, claimNamesForScope, SCOPE_DESCRIPTIONS } from '../accounts/claims.ts';
import { csrfToken } from './csrf.ts';
import type { Interaction, ResolvedDeps } from './deps.ts';
import { clientIdOf, describeClient, interactionPath, seeOther, sendPage } from './page-helpers.ts';

// oidc-provider's consent prompt details (its own output, still checked: it is typed as unknown).
const consentDetailsSchema = z.object({
  missingOIDCScope: z.array(z.string()).default([]),
  missingOIDCClaims: z.array(z.string()).default([]),
  missingResourceScopes: z.record(z.string(), z.array(z.string())).default({}),
});

type ConsentDetails = z.infer<typeof consentDetailsSchema>;

function consentDetails(interaction: Interaction): ConsentDetails {
  const parsed = consentDetailsSchema.safeParse(interaction.prompt.details);
  return parsed.success ? parsed.data : { missingOIDCScope: [], missingOIDCClaims: [], missingResourceScopes: {} };
}

function displayValue(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.length > 0 ? value.map(String).join(', ') : '(none)';
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record['formatted'] === 'string') return record['formatted'];
    return Object.values(record).filter((part) => typeof part === 'string').join(', ');
  }
  return String(value);
}

function requireAccountId(interaction: Interaction): string {
  const accountId = interaction.session?.accountId;
  if (!accountId) throw new Error('consent prompt without a signed-in account');
  return accountId;
}

export async function showConsentPage(ctx: Context, deps: ResolvedDeps, interaction: Interaction): Promise<void> {
  const { uid } = interaction;
  const details = consentDetails(interaction);
  const account = await deps.accounts.findById(requireAccountId(interaction));
  const client = await describeClient(deps, clientIdOf(interaction));

  const claimValues = account ? allClaims(account) : {};
  const claimNames = [...new Set([...claimNamesForScope(details.missingOIDCScope.join(' ')), ...details.missingOIDCClaims])];
  const claims = claimNames
    // sub and updated_at are bookkeeping, not information about the person worth asking about.
    .filter((name) => name !== 'sub' && name !== 'updated_at' && claimValues[name] !== undefined)
    .map((name) => ({ label: CLAIM_LABELS[name] ?? name, value: displayValue(claimValues[name]) }));

  sendPage(ctx, 'consent', {
    title: `Allow ${client?.name ?? 'this application'}?`,
    clientName: client?.name ?? clientIdOf(interaction) ?? '',
    clientLinks: client?.links ?? [],
    accountEmail: account?.email,
    scopes: details.missingOIDCScope.map((name) => ({ name, description: SCOPE_DESCRIPTIONS[name] ?? name })),
    claims,
    resources: Object.entries(details.missingResourceScopes).map(([indicator, scopes]) => ({ indicator, scopes })),
    csrf: csrfToken(ctx, uid),
    actions: { confirm: interactionPath(uid, 'confirm'), abort: interactionPath(uid, 'abort') },
  });
}

export async function handleConsent(ctx: Context, deps: ResolvedDeps, interaction: Interaction): Promise<void> {
  const accountId = requireAccountId(interaction);
  const clientId = clientIdOf(interaction) ?? '';
  const details = consentDetails(interaction);
  const { Grant } = deps.provider;

  // Extend the grant this session already has for the client, or start one.
  const existing = interaction.grantId ? await Grant.find(interaction.grantId) : undefined;
  const grant = existing ?? new Grant({ accountId, clientId });
  if (details.missingOIDCScope.length > 0) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims.length > 0) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes)) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  if (!existing && deps.onGrantCreated) {
    const client = await deps.provider.Client.find(clientId);
    await deps.onGrantCreated({ ctx, accountId, grantId, publicClient: client?.tokenEndpointAuthMethod === 'none' });
  }

  await deps.audit({
    kind: 'consent.granted',
    actor: accountId,
    subject: accountId,
    data: {
      clientId,
      grantId,
      scopes: details.missingOIDCScope,
      claims: details.missingOIDCClaims,
      resources: details.missingResourceScopes,
    },
  });
  const returnTo = await deps.provider.interactionResult(
    ctx.req,
    ctx.res,
    { consent: existing ? {} : { grantId } },
    { mergeWithLastSubmission: true },
  );
  seeOther(ctx, returnTo);
}

/** "Cancel" on the login page and "Deny" on the consent page. */
export async function handleAbort(ctx: Context, deps: ResolvedDeps, interaction: Interaction): Promise<void> {
  const accountId = interaction.session?.accountId;
  await deps.audit({
    kind: interaction.prompt.name === 'consent' ? 'consent.denied' : 'interaction.aborted',
    actor: accountId,
    subject: accountId,
    data: { clientId: clientIdOf(interaction), prompt: interaction.prompt.name },
  });
  const returnTo = await deps.provider.interactionResult(
    ctx.req,
    ctx.res,
    { error: 'access_denied', error_description: 'End-User aborted interaction' },
    { mergeWithLastSubmission: false },
  );
  seeOther(ctx, returnTo);
}
