// Everything createWarden needs to serve the hosted pages, in one value:
//   createWarden({ config, store, ...hostedPages() })
// mounts the /interaction routes and hands oidc-provider Warden's error and logout pages.
import type { Middleware } from 'koa';
import type { RouteContext } from '../warden.ts';
import type { InteractionDeps } from './deps.ts';
import { renderErrorPage } from './error-page.ts';
import { logoutSource, postLogoutSuccessSource } from './logout-pages.ts';
import { createInteractionRoutes } from './routes.ts';

/** The parts of the pages other subsystems extend (risk stages, federation buttons, throttle). */
export type HostedPageExtensions = Partial<Pick<InteractionDeps, 'loginStages' | 'onFailedLogin' | 'onGrantCreated' | 'upstreams' | 'throttle' | 'audit' | 'extraRoutes'>>;

export function hostedPages(extensions: HostedPageExtensions = {}) {
  return {
    routes: [
      (context: RouteContext): Middleware =>
        createInteractionRoutes({
          provider: context.provider,
          config: context.config,
          db: context.store.db,
          accounts: context.accounts,
          ...extensions,
        }),
    ],
    renderError: renderErrorPage,
    pages: { logoutSource, postLogoutSuccessSource },
  };
}
