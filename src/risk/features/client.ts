// Where a client's traffic usually comes from: has any trusted event of this client (any account,
// any kind) come from this network prefix in the history window? A backend that exchanges tokens
// calls from its own servers; a stolen client secret or token used elsewhere shows up here.
// One findFirst on the (ipPrefix, at) index.
import type { RiskDb } from '../db.ts';
import type { ResolvedEvent } from '../events.ts';
import { spec, type FeatureValues } from '../spec.ts';

export async function loadClientPrefixSeen(db: RiskDb, ev: ResolvedEvent): Promise<boolean | null> {
  const clientId = ev.ctx.clientId;
  if (clientId === undefined) return null;
  const hit = await db.riskEvent.findFirst({
    where: {
      ipPrefix: ev.ipPrefix,
      clientId,
      success: true,
      decision: 'allow',
      at: { gte: new Date(ev.at.getTime() - spec.windows.historyDays * 86_400_000), lte: ev.at },
    },
    select: { id: true },
  });
  return hit !== null;
}

export function clientFeatures(seen: boolean | null): FeatureValues {
  return { client_prefix_new: seen === false ? 1 : 0 };
}
