// The part of the store the risk engine uses: the RiskEvent table (and raw reads of it).
import type { Db } from '../store/index.ts';

export type RiskDb = Pick<Db, 'riskEvent' | '$queryRaw'>;
