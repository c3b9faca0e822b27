// What the hosted pages need from the rest of Warden, and the extension points other parts plug in
// (risk scoring and TOTP step-up as login stages, federation as sign-in buttons).
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { AccountRecord, AccountService } from '../accounts/account-service.ts';
import type { AuditEntry } from '../audit/index.ts';
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { LoginThrottle } from './throttle.ts';

export type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

export type { AuditEntry };

export type AuditSink = (entry: AuditEntry) => Promise<unknown>;

export interface LoginStageInput {
  ctx: Context;
  interaction: Interaction;
  account: AccountRecord;
  /** The client address (its X-Forwarded-For entry only when WARDEN_TRUST_PROXY is set, see app.ts). */
  address: string;
  /** Authentication methods proven so far (RFC 8176 values), e.g. ["pwd"]. */
  amr: readonly string[];
}

/**
 * One step between "the password was right" and "the login is complete". A stage either lets the
 * login continue (optionally adding methods it verified, e.g. "otp") or takes over the response: a
 * step-up page, a denial page. A stage that takes over finishes the login later with `completeLogin`.
 */
export type LoginStageOutcome =
  | {
      action: 'continue';
      amr?: readonly string[];
      /**
       * A write the stage started and the login must not complete without (the risk record): awaited
       * together with the login's own audit entry, so they share a commit.
       */
      recording?: Promise<void>;
    }
  | { action: 'responded' };

export type LoginStage = (input: LoginStageInput) => Promise<LoginStageOutcome>;

export interface FailedLoginInput {
  ctx: Context;
  interaction: Interaction;
  /** The identifier as typed, lower-cased. */
  login: string;
  /** The matching account, if there is one (never shown to the user). */
  accountId?: string | undefined;
  address: string;
}

export interface UpstreamLink {
  slug: string;
  displayName: string;
}

export interface GrantCreatedInput {
  ctx: Context;
  accountId: string;
  grantId: string;
  /** A client without credentials (token_endpoint_auth_method none): it refreshes from the user's device. */
  publicClient: boolean;
}

export interface InteractionDeps {
  provider: Provider;
  config: Pick<Config, 'selfRegistration'>;
  db: Db;
  accounts: AccountService;
  /** Defaults to appending to the audit log in `db`. */
  audit?: AuditSink;
  /** Defaults to the database-backed throttle over ThrottleCounter. */
  throttle?: LoginThrottle;
  /** Run in order after a correct password; risk scoring and step-up go here. */
  loginStages?: readonly LoginStage[];
  /** Told about every failed password login (risk history). */
  onFailedLogin?: (input: FailedLoginInput) => Promise<void>;
  /** Told when consent creates a grant for the signed-in account (the risk engine's grant origin). */
  onGrantCreated?: (input: GrantCreatedInput) => Promise<void>;
  /** Federated upstreams to offer on the login page. */
  upstreams?: () => Promise<readonly UpstreamLink[]>;
  /**
   * More pages under /interaction/:uid (a TOTP step-up form, say), registered on the same router so
   * they get the same error pages and security headers. `form` wraps a POST handler with the body
   * parser, the CSRF check and the prompt check that the built-in forms use.
   */
  extraRoutes?: (router: Router, tools: InteractionRouteTools) => void;
}

export type FormHandler = (ctx: Context, deps: ResolvedDeps, interaction: Interaction, body: unknown) => Promise<void>;

export interface InteractionRouteTools {
  deps: ResolvedDeps;
  form(handler: FormHandler, allowedPrompts: readonly string[]): Middleware[];
}

/** InteractionDeps with every default filled in. */
export interface ResolvedDeps extends InteractionDeps {
  audit: AuditSink;
  throttle: LoginThrottle;
  loginStages: readonly LoginStage[];
}
