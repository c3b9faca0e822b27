// Error pages that say in plain words what went wrong and what the person can do about it. Used by
// our own routes and, through `renderError`, for every error oidc-provider shows in the browser.
import type { KoaContextWithOIDC } from 'oidc-provider';
import { renderPage, setPageHeaders } from './views.ts';

interface Explanation {
  title: string;
  explanation: string;
  advice?: string;
}

const GO_BACK = 'Go back to the application and start signing in again.';
const CONTACT = 'If this keeps happening, contact the people who run the application.';

const EXPLANATIONS: Record<string, Explanation> = {
  invalid_request: {
    title: 'This sign-in request cannot be completed',
    explanation: 'The application sent Warden a request that is incomplete or not valid.',
    advice: `${GO_BACK} ${CONTACT}`,
  },
  invalid_client: {
    title: 'Unknown application',
    explanation: 'The application that sent you here is not registered with Warden, or its registration is not valid.',
    advice: CONTACT,
  },
  invalid_redirect_uri: {
    title: 'Unexpected return address',
    explanation:
      'The application asked Warden to send you back to an address it has not registered. To protect you, Warden stopped here instead of sending you there.',
    advice: CONTACT,
  },
  redirect_uri_mismatch: {
    title: 'Unexpected return address',
    explanation:
      'The application asked Warden to send you back to an address it has not registered. To protect you, Warden stopped here instead of sending you there.',
    advice: CONTACT,
  },
  unauthorized_client: {
    title: 'Request not allowed for this application',
    explanation: 'This application is not allowed to sign you in this way.',
    advice: CONTACT,
  },
  access_denied: {
    title: 'Access denied',
    explanation: 'The request was declined, so the application did not get access to your account.',
    advice: 'If that was a mistake, go back to the application and try again.',
  },
  unsupported_response_type: {
    title: 'Unsupported sign-in method',
    explanation: 'The application asked for a kind of response that Warden does not offer.',
    advice: CONTACT,
  },
  invalid_scope: {
    title: 'Unknown permissions requested',
    explanation: 'The application asked for permissions that Warden does not know or that it may not request.',
    advice: CONTACT,
  },
  login_required: {
    title: 'Please sign in',
    explanation: 'You need to sign in before the application can continue.',
    advice: GO_BACK,
  },
  consent_required: {
    title: 'Your approval is needed',
    explanation: 'The application needs your approval before it can access your account.',
    advice: GO_BACK,
  },
  interaction_required: {
    title: 'Your input is needed',
    explanation: 'Signing in to the application needs a step that can only be done with you present.',
    advice: GO_BACK,
  },
  invalid_request_object: {
    title: 'This sign-in request cannot be completed',
    explanation: 'The application sent a signed request that Warden could not verify.',
    advice: CONTACT,
  },
  invalid_grant: {
    title: 'This sign-in has expired',
    explanation: 'The authorization is no longer valid: it was already used, has expired or was revoked.',
    advice: GO_BACK,
  },
  session_not_found: {
    title: 'This page has expired',
    explanation:
      'This sign-in page is no longer valid. It may have expired, have already been used, or have been opened in a different browser.',
    advice: GO_BACK,
  },
  csrf: {
    title: 'Your form could not be accepted',
    explanation:
      'The form was sent without the security token Warden expects. This happens when a page was open for a long time, when cookies are blocked, or when another website tried to submit it for you.',
    advice: 'Go back, reload the page and try again.',
  },
  bad_form: {
    title: 'Your form could not be read',
    explanation: 'The form arrived incomplete or too large.',
    advice: 'Go back, reload the page and try again.',
  },
  not_found: {
    title: 'Page not found',
    explanation: 'There is nothing at this address.',
  },
  temporarily_unavailable: {
    title: 'Warden is busy',
    explanation: 'Warden cannot handle your request right now.',
    advice: 'Wait a moment and try again.',
  },
  server_error: {
    title: 'Something went wrong',
    explanation: 'Warden ran into an unexpected problem while handling your request. Nothing was changed.',
    advice: `Try again in a moment. ${CONTACT}`,
  },
};

const FALLBACK: Explanation = {
  title: 'This request cannot be completed',
  explanation: 'Warden could not complete the request from the application.',
  advice: `${GO_BACK} ${CONTACT}`,
};

export function explain(code: string): Explanation {
  return EXPLANATIONS[code] ?? FALLBACK;
}

export interface ErrorPageInput {
  code: string;
  detail?: string | undefined;
  retryHref?: string | undefined;
}

export function errorPageHtml({ code, detail, retryHref }: ErrorPageInput): string {
  const { title, explanation, advice } = explain(code);
  return renderPage('error', { title, explanation, advice, code, detail, retryHref });
}

// oidc-provider reports a missing, expired or mismatched interaction as invalid_request (its
// SessionNotFound error); people need to hear "this page expired", not "invalid request".
const SESSION_PROBLEM = /\b(session|cookie)\b.*\b(not found|mismatch)\b|has expired/i;

export function errorCodeOf(error: string, description?: string, cause?: unknown): string {
  if (cause instanceof Error && cause.name === 'SessionNotFound') return 'session_not_found';
  if (error === 'invalid_request' && description && SESSION_PROBLEM.test(description)) return 'session_not_found';
  return error;
}

/** What oidc-provider hands to an error page (the shape of src/oidc's RenderErrorHook model). */
export interface ProviderErrorModel {
  error: string;
  errorDescription?: string;
  state?: string;
}

/**
 * The page for errors oidc-provider shows in the browser instead of redirecting (bad redirect_uri,
 * unknown client, expired interaction, ...), in Warden's words and with the pages' security headers.
 */
export async function renderErrorPage(ctx: KoaContextWithOIDC, model: ProviderErrorModel): Promise<void> {
  setPageHeaders(ctx);
  ctx.type = 'html';
  const code = errorCodeOf(model.error, model.errorDescription);
  // server_error descriptions can carry internals; everything else is the provider's own wording.
  const detail = code === 'server_error' ? undefined : model.errorDescription;
  ctx.body = errorPageHtml({ code, detail });
}
