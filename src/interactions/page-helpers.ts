// Small helpers shared by the hosted pages: loading the interaction behind a URL, sending a page,
// redirecting after a POST, and the one-shot "flash" that carries a message across that redirect.
import type { Context } from 'koa';
import { errors } from 'oidc-provider';
import { z } from 'zod';
import type { Interaction, ResolvedDeps } from './deps.ts';
import { renderPage, setPageHeaders, type PageData, type ViewName } from './views.ts';

export const interactionPath = (uid: string, action = ''): string =>
  `/interaction/${encodeURIComponent(uid)}${action ? `/${action}` : ''}`;

/** The interaction for this browser, refusing one whose uid differs from the URL's. */
export async function loadInteraction(ctx: Context, deps: ResolvedDeps, uid: string): Promise<Interaction> {
  const interaction = await deps.provider.interactionDetails(ctx.req, ctx.res);
  if (interaction.uid !== uid) throw new errors.SessionNotFound('interaction session and URL mismatch');
  return interaction;
}

/** The client the interaction is for (oidc-provider validated it before creating the interaction). */
export function clientIdOf(interaction: Interaction): string | undefined {
  const clientId = interaction.params['client_id'];
  return typeof clientId === 'string' ? clientId : undefined;
}

export function sendPage(ctx: Context, view: ViewName, data: PageData, status = 200): void {
  setPageHeaders(ctx);
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = renderPage(view, data);
}

// Every POST ends in 303 See Other so the browser follows with a GET and a reload never re-submits.
export function seeOther(ctx: Context, location: string): void {
  setPageHeaders(ctx);
  ctx.status = 303;
  ctx.redirect(location);
}

export { clientAddress } from '../ops/client-address.ts';

// Fixed messages, chosen by code: nothing the client sends is ever reflected as a message.
export const FLASH_MESSAGES = {
  credentials: 'The email address or password is not right. Check them and try again.',
  registered: 'If this email address was not registered before, your account is ready. Sign in to continue.',
} as const;

const flashSchema = z.object({
  error: z.enum(['credentials']).optional(),
  notice: z.enum(['registered']).optional(),
  message: z.string().max(500).optional(),
  login: z.string().max(320).optional(),
  name: z.string().max(200).optional(),
});

export type Flash = z.infer<typeof flashSchema>;

const FLASH_COOKIE = 'warden-flash';

function flashCookieOptions(ctx: Context, uid: string) {
  return { path: interactionPath(uid), httpOnly: true, sameSite: 'lax' as const, secure: ctx.secure, overwrite: true };
}

export function setFlash(ctx: Context, uid: string, flash: Flash): void {
  const value = Buffer.from(JSON.stringify(flash)).toString('base64url');
  ctx.cookies.set(FLASH_COOKIE, value, { ...flashCookieOptions(ctx, uid), maxAge: 5 * 60 * 1000 });
}

/** Reads and clears the flash. Anything malformed reads as no flash. */
export function takeFlash(ctx: Context, uid: string): Flash {
  const raw = ctx.cookies.get(FLASH_COOKIE);
  if (!raw) return {};
  ctx.cookies.set(FLASH_COOKIE, null, flashCookieOptions(ctx, uid));
  try {
    const parsed = flashSchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export interface ClientDisplay {
  name: string;
  links: { label: string; href: string }[];
}

// Only http(s) links, so a client cannot smuggle a javascript: URL onto our pages.
function safeLink(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export async function describeClient(deps: ResolvedDeps, clientId: unknown): Promise<ClientDisplay | undefined> {
  if (typeof clientId !== 'string') return undefined;
  const client = await deps.provider.Client.find(clientId);
  if (!client) return undefined;
  const links: { label: string; href: string }[] = [];
  for (const [label, value] of [
    ['Website', client.clientUri],
    ['Privacy policy', client.policyUri],
    ['Terms of service', client.tosUri],
  ] as const) {
    const href = safeLink(value);
    if (href) links.push({ label, href });
  }
  return { name: client.clientName ?? client.clientId, links };
}
