import type { KoaContextWithOIDC } from 'oidc-provider';
import { escapeHtml } from './render-error.ts';

/**
 * RP-initiated logout pages. The provider supplies `form`, a hidden form (id "op.logoutForm") carrying
 * its own CSRF token; the page must submit it, with `logout=yes` to end the session. The pages
 * engineer's views replace these defaults through ProviderPages.
 */
export type LogoutSource = (ctx: KoaContextWithOIDC, form: string) => void | Promise<void>;
export type PostLogoutSuccessSource = (ctx: KoaContextWithOIDC) => void | Promise<void>;

export interface ProviderPages {
  logoutSource?: LogoutSource;
  postLogoutSuccessSource?: PostLogoutSuccessSource;
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`;
}

export const defaultLogoutSource: LogoutSource = (ctx, form) => {
  ctx.type = 'html';
  ctx.body = page(
    'Sign out',
    `<h1>Do you want to sign out of ${escapeHtml(ctx.host)}?</h1>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`,
  );
};

export const defaultPostLogoutSuccessSource: PostLogoutSuccessSource = (ctx) => {
  ctx.type = 'html';
  const client = ctx.oidc.client;
  const name = client ? ` of ${escapeHtml(client.clientName ?? client.clientId)}` : '';
  ctx.body = page('Signed out', `<h1>You are signed out${name}.</h1>`);
};
