// The hosted pages' public surface. app wiring: createInteractionRoutes(...) as a router, and
// renderErrorPage / providerPages for the pages oidc-provider renders itself.
import { logoutSource, postLogoutSuccessSource } from './logout-pages.ts';

export { createInteractionRoutes } from './routes.ts';
export { hostedPages, type HostedPageExtensions } from './hosted-pages.ts';
export { renderErrorPage, errorPageHtml } from './error-page.ts';
export { logoutSource, postLogoutSuccessSource } from './logout-pages.ts';
export { completeLogin, showLoginPage } from './login.ts';
export { createLoginThrottle, DEFAULT_THROTTLE_RULES, type LoginThrottle, type ThrottleRule } from './throttle.ts';
export { PAGE_CSP, PAGE_SECURITY_HEADERS, renderPage, setPageHeaders } from './views.ts';
export { csrfToken, isValidCsrfToken } from './csrf.ts';
export { interactionPath, loadInteraction, seeOther, sendPage } from './page-helpers.ts';
export { dropPendingLogin, holdLogin, pendingLoginOf, type PendingLogin } from './pending-login.ts';
export type {
  AuditSink,
  FormHandler,
  InteractionRouteTools,
  FailedLoginInput,
  Interaction,
  InteractionDeps,
  LoginStage,
  LoginStageInput,
  LoginStageOutcome,
  UpstreamLink,
} from './deps.ts';

/** oidc-provider's RP-initiated logout pages, in the shape src/oidc's ProviderPages expects. */
export const providerPages = { logoutSource, postLogoutSuccessSource };
