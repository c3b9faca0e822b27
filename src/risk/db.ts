// The store as the risk engine uses it: the RiskEvent table through Prisma for writes, and the
// plain-SQL runner on the same connection (sqlRunnerFor) for the per-event read, which is why this is
// the whole client openStore created rather than a narrower slice of it.
import type { Db } from '../store/index.ts';

export type RiskDb = Db;
