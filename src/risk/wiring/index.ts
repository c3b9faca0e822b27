// Everything that puts the risk engine into Warden's request paths, in one value:
//   - the password login: a scoring stage, the failed-login hook, the step-up form, and at consent
//     the link from a new grant to the login that signed its session in (its refreshes' origin),
//   - the token endpoint: refresh and token-exchange assessors, and the refusals recorded from
//     the provider's grant.error event.
// createWarden({ risk }) uses it; a custom composition can spread `pages` into hostedPages(...).
import { appendAudit } from '../../audit/index.ts';
import { createTotpService, type TotpService } from '../../accounts/totp.ts';
import type { Config } from '../../config.ts';
import type { AuditSink, HostedPageExtensions } from '../../interactions/index.ts';
import { stepUpRoutes } from '../../interactions/step-up/routes.ts';
import type { Db } from '../../store/db.ts';
import { createRiskEngine, type RiskEngine } from '../engine.ts';
import { toAuditEntry } from './audit.ts';
import { riskFailedLogin, riskGrantOrigin, riskLoginStage } from './login-stage.ts';
import { tokenEndpointRisk } from './token-endpoint.ts';

export interface RiskWiringOptions {
  engine: RiskEngine;
  db: Db;
  secretKey: Buffer;
  /** Defaults to the audit log in `db`. */
  audit?: AuditSink;
  /** Told when recording a token-endpoint refusal fails (it runs after the response). */
  onFailure?: (error: unknown) => void;
}

export interface RiskWiring {
  pages: Required<Pick<HostedPageExtensions, 'loginStages' | 'onFailedLogin' | 'onGrantCreated' | 'extraRoutes'>>;
  totp: TotpService;
  assessRefresh: ReturnType<typeof tokenEndpointRisk>['assessRefresh'];
  assessExchange: ReturnType<typeof tokenEndpointRisk>['assessExchange'];
  /** Attach to every provider build. */
  observeProvider: ReturnType<typeof tokenEndpointRisk>['observeProvider'];
}

/** The engine Warden runs with: WARDEN_RISK_MODE, decisions in the audit log. */
export function riskEngineFromConfig(
  config: Pick<Config, 'riskMode'>,
  db: Db,
  onDecision?: (kind: string, decision: string) => void,
): RiskEngine {
  return createRiskEngine({
    db,
    mode: config.riskMode,
    audit: (entry) => appendAudit(db, toAuditEntry(entry)),
    ...(onDecision ? { onDecision } : {}),
  });
}

export function riskWiring(options: RiskWiringOptions): RiskWiring {
  const { engine, db } = options;
  const audit: AuditSink = options.audit ?? ((entry) => appendAudit(db, entry));
  const totp = createTotpService({ db, secretKey: options.secretKey, audit });
  const login = { engine, db, audit };
  const token = tokenEndpointRisk(engine, options.onFailure);
  return {
    pages: {
      loginStages: [riskLoginStage(login)],
      onFailedLogin: riskFailedLogin(login),
      onGrantCreated: riskGrantOrigin(login),
      extraRoutes: stepUpRoutes({ db, totp, engine }),
    },
    totp,
    assessRefresh: token.assessRefresh,
    assessExchange: token.assessExchange,
    observeProvider: token.observeProvider,
  };
}
