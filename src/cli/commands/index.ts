import type { CliContext } from '../context.ts';
import { userCommands } from './user.ts';
import { clientCommands } from './client.ts';
import { keysCommands } from './keys.ts';
import { auditCommands } from './audit.ts';
import { migrateCommand } from './migrate.ts';
import { riskCommands } from './risk.ts';
import { claimsCommands } from './claims.ts';

export type Handler = (argv: string[], ctx: CliContext) => Promise<void>;

/** A command group: either subcommands (`warden keys rotate`) or a single action (`warden migrate`). */
export interface CommandEntry {
  summary: string;
  actions?: Record<string, Handler>;
  run?: Handler;
}

export const commands: Record<string, CommandEntry> = {
  user: { summary: 'user add --email E [--name N] [--admin] --password-stdin', actions: userCommands },
  client: {
    summary:
      'client add --name N [--redirect-uri U ...] [--grant-type G ...] [--public] [--scope "s1 s2"] [--post-logout-redirect-uri U] [--token-exchange-from CLIENT_ID ...] | client list',
    actions: clientCommands,
  },
  keys: { summary: 'keys list | keys rotate', actions: keysCommands },
  audit: { summary: 'audit verify | audit seal', actions: auditCommands },
  migrate: { summary: 'migrate', run: migrateCommand },
  risk: { summary: 'risk events [--account EMAIL] [--kind K] [--limit N]', actions: riskCommands },
  claims: {
    summary:
      'claims map --protocol saml|oidc|oauth2 --attr NAME --value JSON [--upstream SLUG] | claims map --jsonl | claims list [--upstream S] [--status S] | claims approve ID | claims reject ID | claims set --upstream S --protocol P --attr NAME --program "..."',
    actions: claimsCommands,
  },
};

export function usageText(): string {
  const lines = Object.values(commands).map((c) => `  warden ${c.summary}`);
  return ['usage:', ...lines, '', 'Every command takes --json for machine-readable output.'].join('\n');
}
