import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';

/** What the provider hands to an error page: the OAuth error code, its description, maybe a state. */
export interface ErrorPageModel {
  error: string;
  errorDescription?: string;
  state?: string;
}

/**
 * The hook the pages engineer's view plugs into. It must set ctx.body (and may set ctx.type); it is
 * only called for errors that cannot be sent back to the client (bad redirect_uri, unknown client...),
 * which is exactly when a page must be shown instead of a redirect.
 */
export type RenderErrorHook = (ctx: KoaContextWithOIDC, model: ErrorPageModel) => void | Promise<void>;

type ProviderRenderError = NonNullable<Configuration['renderError']>;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** The fallback page's markup: no scripts, no third-party resources, everything escaped. */
export function minimalErrorHtml(model: ErrorPageModel): string {
  const description = model.errorDescription ? `<p>${escapeHtml(model.errorDescription)}</p>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in error</title></head>
<body><main><h1>Something went wrong</h1>
<p>Error: <code>${escapeHtml(model.error)}</code></p>${description}</main></body></html>`;
}

/** The fallback page. */
export const minimalErrorPage: RenderErrorHook = (ctx, model) => {
  ctx.type = 'html';
  ctx.body = minimalErrorHtml(model);
};

function pickString(out: Record<string, unknown>, key: string): string | undefined {
  const value = out[key];
  return typeof value === 'string' ? value : undefined;
}

/** Adapts a RenderErrorHook to oidc-provider's renderError signature. */
export function toProviderRenderError(hook: RenderErrorHook = minimalErrorPage): ProviderRenderError {
  return async (ctx, out) => {
    const record: Record<string, unknown> = { ...out };
    const model: ErrorPageModel = { error: pickString(record, 'error') ?? 'server_error' };
    const description = pickString(record, 'error_description');
    if (description !== undefined) model.errorDescription = description;
    const state = pickString(record, 'state');
    if (state !== undefined) model.state = state;
    await hook(ctx, model);
  };
}
