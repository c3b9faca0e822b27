import type { Middleware } from 'koa';

/**
 * Runs `routes` only for paths at or under `prefix`. Every request passes the hosted pages' routers on
 * its way to the provider, and a router tests each of its routes' patterns against the path before it
 * lets the request go on: one string comparison spares the token endpoint that work.
 */
export function pathScope(prefix: string, routes: Middleware): Middleware {
  const under = `${prefix}/`;
  return (ctx, next) => (ctx.path === prefix || ctx.path.startsWith(under) ? routes(ctx, next) : next());
}
