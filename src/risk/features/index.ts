// All features of one event: one read (combined.ts), then pure functions turn rows into values.
import { sqlRunnerFor, type Db } from '../../store/index.ts';
import type { ResolvedEvent } from '../events.ts';
import { featureNames, type FeatureValues } from '../spec.ts';
import { clientFeatures } from './client.ts';
import { loadCommon } from './combined.ts';
import { exchangeFeatures } from './exchange.ts';
import { historyFeatures } from './history.ts';
import { refreshFacts, refreshFeatures } from './refresh.ts';
import { velocityFeatures } from './velocity.ts';

export async function computeFeatures(db: Db, ev: ResolvedEvent): Promise<FeatureValues> {
  const common = await loadCommon(sqlRunnerFor(db), ev);
  const values: FeatureValues = Object.fromEntries(featureNames.map((n) => [n, 0]));
  // Kinds the model has no column for (federated_login until retrained) are scored as password logins.
  const kindColumn = `kind_${ev.kind}`;
  values[featureNames.includes(kindColumn) ? kindColumn : 'kind_password_login'] = 1;
  values['credential_failed'] = ev.ctx.success ? 0 : 1;
  values['account_unknown'] = ev.accountId === null ? 1 : 0;
  Object.assign(
    values,
    historyFeatures(ev, common.history),
    velocityFeatures(common.address, common.prefixFailures),
    clientFeatures(common.clientSeen),
    ev.kind === 'refresh' ? refreshFeatures(ev, refreshFacts(ev, common.tokenUsed, common.grantFirst)) : {},
    ev.kind === 'token_exchange' ? exchangeFeatures(ev, { lastMinute: common.exchangesLastMinute, jtiSeen: common.jtiSeen }) : {},
  );
  return values;
}
