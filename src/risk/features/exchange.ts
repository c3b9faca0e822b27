// Token exchange: subject-token age and issuer, scopes / audiences beyond the original, delegation
// depth, exchanges for the subject in the last minute, and earlier exchanges of the same jti (the
// counts come from the event's single read, features/combined.ts).
import type { ResolvedEvent } from '../events.ts';
import type { FeatureValues } from '../spec.ts';

export interface ExchangeFacts {
  lastMinute: number;
  jtiSeen: number;
}

export function exchangeFeatures(ev: ResolvedEvent, facts: ExchangeFacts): FeatureValues {
  const ctx = ev.ctx;
  if (ctx.kind !== 'token_exchange') return {};
  const original = new Set(ctx.subject.scopes);
  const audiences = new Set([...ctx.subject.audiences, ...(ctx.allowedAudiences ?? [])]);
  const issuedAt = ctx.subject.issuedAt ?? ev.at;
  return {
    subject_age_min: Math.max(0, (ev.at.getTime() - issuedAt.getTime()) / 60_000),
    subject_external: ctx.subject.issuer === 'self' ? 0 : 1,
    scope_expansion: ctx.requestedScopes.filter((s) => !original.has(s)).length,
    audience_new: ctx.requestedAudiences.some((a) => !audiences.has(a)) ? 1 : 0,
    actor_depth: ctx.actorDepth,
    exchanges_1m: facts.lastMinute,
    subject_jti_seen: facts.jtiSeen,
  };
}
