// The part of the store the risk engine uses: the RiskEvent table only.
import type { Db } from '../store/index.ts';

export type RiskDb = Pick<Db, 'riskEvent'>;
