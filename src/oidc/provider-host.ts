import type Provider from 'oidc-provider';
import type { Middleware, ParameterizedContext } from 'koa';
import type { JSONWebKeySet } from 'jose';
import type { Db } from '../store/index.ts';
import type { Logger } from '../ops/logger.ts';
import { loadSigningKeys, type LoadedKeys } from './keys.ts';
import { DEFAULT_KEY_POLICY, type KeyPolicy } from './key-policy.ts';
import { publicKeysOf } from './provider.ts';
import type { SigningJwk } from './key-material.ts';

/**
 * oidc-provider takes its signing keys at construction and cannot change them afterwards. Since every
 * piece of its state lives in the database, Warden swaps in a freshly built provider whenever the key
 * set changes (a rotation by any instance or the CLI, a scheduled activation, a removal):
 *
 * - every `refreshIntervalSeconds`, and exactly at the next scheduled transition, the host settles and
 *   reloads the keys from the database and rebuilds the provider if their fingerprint changed;
 * - `reload()` does the same on demand (after an in-process rotation, in tests);
 * - requests are dispatched to whichever provider is current when they arrive; one in flight finishes
 *   on the instance it started on.
 *
 * `provider` is a stable facade over the current instance, for code that keeps a reference (the
 * interaction routes). Event listeners must be attached in `onBuild`, which runs for every instance.
 */
export interface ProviderHost {
  readonly provider: Provider;
  /** Koa middleware handing the request to the current provider (mount it last). */
  readonly middleware: Middleware;
  /** The public keys currently published (active, published and retired). */
  publicJwks(): JSONWebKeySet;
  /** Reloads keys now; resolves true when the provider was rebuilt. */
  reload(): Promise<boolean>;
  /** Starts the periodic reload (not needed for a one-shot process such as the CLI). */
  startRefreshing(): void;
  close(): void;
}

export interface ProviderHostOptions {
  db: Db;
  secretKey: Buffer;
  keyPolicy?: KeyPolicy;
  /** Builds a provider for the given private keys. */
  build: (jwks: { keys: SigningJwk[] }) => Provider;
  /** Called for every provider built (attach event listeners, metrics). */
  onBuild?: (provider: Provider) => void;
  logger?: Logger;
}

/** Runs the provider's own middleware on our context, as koa-mount does for a Koa app. */
function dispatchTo(provider: Provider, ctx: ParameterizedContext, next: () => Promise<unknown>): Promise<unknown> {
  const stack = provider.middleware;
  const run = (i: number): Promise<unknown> => {
    const layer = stack[i];
    if (!layer) return next();
    return Promise.resolve(layer(ctx, () => run(i + 1)));
  };
  return run(0);
}

/**
 * A Proxy that always forwards to the current provider. Methods are bound to the real instance (they
 * use private fields); getters such as `provider.Client` are read on it and returned as they are.
 */
function facade(current: () => Provider): Provider {
  const isMethod = (target: object, prop: PropertyKey): boolean => {
    for (let proto: object | null = target; proto; proto = Object.getPrototypeOf(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, prop);
      if (descriptor) return typeof descriptor.value === 'function';
    }
    return false;
  };
  return new Proxy({} as Provider, {
    get(_target, prop) {
      const instance = current();
      const value: unknown = Reflect.get(instance, prop, instance);
      return typeof value === 'function' && isMethod(instance, prop) ? value.bind(instance) : value;
    },
    set(_target, prop, value) {
      return Reflect.set(current(), prop, value);
    },
    has(_target, prop) {
      return Reflect.has(current(), prop);
    },
  });
}

export async function createProviderHost(options: ProviderHostOptions): Promise<ProviderHost> {
  const policy = options.keyPolicy ?? DEFAULT_KEY_POLICY;
  let keys: LoadedKeys = await loadSigningKeys(options.db, options.secretKey, policy);
  let current = buildFrom(keys);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  function buildFrom(loaded: LoadedKeys): Provider {
    const provider = options.build(loaded.jwks);
    options.onBuild?.(provider);
    return provider;
  }

  async function reload(): Promise<boolean> {
    const next = await loadSigningKeys(options.db, options.secretKey, policy);
    const changed = next.fingerprint !== keys.fingerprint;
    if (changed) {
      current = buildFrom(next);
      options.logger?.info({ keys: next.jwks.keys.map((k) => ({ kid: k.kid, alg: k.alg })) }, 'signing keys changed, provider rebuilt');
    }
    keys = next;
    return changed;
  }

  function schedule(): void {
    if (closed) return;
    const interval = policy.refreshIntervalSeconds * 1000;
    const untilTransition = keys.nextTransitionAt ? keys.nextTransitionAt.getTime() - Date.now() + 50 : interval;
    const delay = Math.max(50, Math.min(interval, untilTransition));
    timer = setTimeout(() => {
      reload()
        .catch((error: unknown) => options.logger?.error({ err: error }, 'signing key reload failed'))
        .finally(schedule);
    }, delay);
    // The refresh loop alone must never keep the process alive.
    timer.unref();
  }

  return {
    provider: facade(() => current),
    middleware: (ctx, next) => dispatchTo(current, ctx, next),
    publicJwks: () => publicKeysOf(keys.jwks),
    reload,
    startRefreshing: () => {
      if (!timer && !closed) schedule();
    },
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
