// All features of one event: the queries run concurrently, then pure functions turn rows into values.
import type { RiskDb } from '../db.ts';
import type { ResolvedEvent } from '../events.ts';
import { featureNames, type FeatureValues } from '../spec.ts';
import { clientFeatures } from './client.ts';
import { loadCommon, type RawDb } from './combined.ts';
import { exchangeFeatures, loadExchange } from './exchange.ts';
import { historyFeatures } from './history.ts';
import { loadRefresh, refreshFeatures } from './refresh.ts';
import { velocityFeatures } from './velocity.ts';

export async function computeFeatures(db: RiskDb & RawDb, ev: ResolvedEvent): Promise<FeatureValues> {
  const [common, refresh, exchange] = await Promise.all([
    loadCommon(db, ev),
    ev.kind === 'refresh' ? loadRefresh(db, ev) : null,
    ev.kind === 'token_exchange' ? loadExchange(db, ev) : null,
  ]);
  const values: FeatureValues = Object.fromEntries(featureNames.map((n) => [n, 0]));
  // Kinds the model has no column for (federated_login until retrained) are scored as password logins.
  const kindColumn = `kind_${ev.kind}`;
  values[featureNames.includes(kindColumn) ? kindColumn : 'kind_password_login'] = 1;
  values['credential_failed'] = ev.ctx.success ? 0 : 1;
  values['account_unknown'] = ev.accountId === null ? 1 : 0;
  Object.assign(
    values,
    historyFeatures(ev, common.history),
    velocityFeatures(ev, common.address, common.prefixFailures),
    clientFeatures(common.clientSeen),
    refresh ? refreshFeatures(ev, refresh) : {},
    exchange ? exchangeFeatures(ev, exchange) : {},
  );
  return values;
}
