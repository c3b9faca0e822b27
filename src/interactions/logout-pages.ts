// oidc-provider's RP-initiated logout pages (features.rpInitiatedLogout.logoutSource and
// postLogoutSuccessSource). The provider builds the confirmation form itself, with its own CSRF
// token (`xsrf`); we only wrap it in Warden's page and headers.
import type { KoaContextWithOIDC } from 'oidc-provider';
import { renderPage, setPageHeaders } from './views.ts';

function clientName(ctx: KoaContextWithOIDC): string | undefined {
  const client = ctx.oidc.client;
  return client?.clientName ?? client?.clientId;
}

export async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  setPageHeaders(ctx);
  ctx.type = 'html';
  ctx.body = renderPage('logout', { title: 'Sign out', clientName: clientName(ctx), providerForm: form });
}

export async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  setPageHeaders(ctx);
  ctx.type = 'html';
  ctx.body = renderPage('logged-out', { title: 'Signed out', clientName: clientName(ctx) });
}
