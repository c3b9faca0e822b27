/**
 * The claim mapper, as the federation path uses it: `mapClaims(upstream, protocol, rawAttributes)`
 * turns an upstream's attributes into OIDC claims with cached programs per upstream and attribute,
 * has the model write programs only for attributes never seen from that upstream, and reports what
 * was dropped (and why) and what waits for an admin.
 */
import { z } from 'zod';
import { appendAudit } from '../../audit/index.ts';
import type { Db } from '../../store/index.ts';
import { MappingCache, type CacheOptions } from './cache.ts';
import { mapAttribute, type AttributeOutcome, type MapDeps } from './map.ts';
import { validateThresholds, type ClaimsMode, type Thresholds } from './policy.ts';
import { resolveClaims, type Candidate } from './resolve.ts';
import { createClaimReview, type ClaimReview } from './review.ts';
import { ClaimMappingError, PROTOCOLS, type AuditFn, type DroppedAttribute, type MapClaimsResult, type PendingMapping, type ProgramProposer, type Protocol } from './types.ts';

export * from './types.ts';
export { MappingCache, type CacheOptions, type MappingKey } from './cache.ts';
export { DEFAULT_THRESHOLDS, SENSITIVE_TARGETS, decide, type ClaimsMode, type Thresholds } from './policy.ts';
export { redactSample } from './redact.ts';
export { createClaimReview, type ClaimReview, type ListFilter } from './review.ts';
export type { AttributeOutcome } from './map.ts';

export interface ClaimMapperOptions {
  readonly db: Db;
  readonly proposer: ProgramProposer;
  /** `review`: every new model program waits for an admin (WARDEN_CLAIMS_MODE). Default `auto`. */
  readonly mode?: ClaimsMode;
  readonly thresholds?: Partial<Thresholds>;
  /** Where audit entries go; by default the hash-chained log in `db`. */
  readonly audit?: AuditFn;
  readonly cache?: CacheOptions;
}

export interface ClaimMapper {
  mapClaims(upstream: string, protocol: Protocol, rawAttributes: Record<string, unknown>): Promise<MapClaimsResult>;
  /** One attribute with its program and status, for the CLI and admin previews. */
  mapAttribute(upstream: string, protocol: Protocol, attribute: string, value: unknown): Promise<AttributeOutcome>;
  /** The review API over the same cache, so approvals take effect in this process at once. */
  readonly review: ClaimReview;
  readonly cache: MappingCache;
}

const upstreamSchema = z.string().min(1, 'upstream must not be empty').max(100, 'upstream is longer than 100 characters');
const protocolSchema = z.enum(PROTOCOLS, { error: `protocol must be one of ${PROTOCOLS.join(', ')}` });
const attributesSchema = z.record(z.string(), z.unknown(), { error: 'raw attributes must be an object' });

function checked<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ClaimMappingError(result.error.issues.map((issue) => issue.message).join('; '), 'invalid_input');
  return result.data;
}

export function createClaimMapper(options: ClaimMapperOptions): ClaimMapper {
  const audit: AuditFn = options.audit ?? ((entry) => appendAudit(options.db, entry));
  const cache = new MappingCache(options.db, options.cache);
  const deps: MapDeps = { cache, proposer: options.proposer, mode: options.mode ?? 'auto', thresholds: validateThresholds(options.thresholds), audit };
  const review = createClaimReview({ db: options.db, audit, cache });

  return {
    review,
    cache,
    mapAttribute(upstream, protocol, attribute, value) {
      return mapAttribute(deps, checked(upstreamSchema, upstream), checked(protocolSchema, protocol), attribute, value);
    },
    async mapClaims(upstream, protocol, rawAttributes) {
      const slug = checked(upstreamSchema, upstream);
      const proto = checked(protocolSchema, protocol);
      const entries = Object.entries(checked(attributesSchema, rawAttributes));
      const outcomes = await Promise.all(entries.map(([attribute, value]) => mapAttribute(deps, slug, proto, attribute, value)));
      const candidates: Candidate[] = [];
      const dropped: DroppedAttribute[] = [];
      const pending: PendingMapping[] = [];
      outcomes.forEach((outcome, order) => {
        const { mapping } = outcome;
        if (mapping?.status === 'proposed') {
          pending.push({ attribute: outcome.attribute, target: mapping.target, program: mapping.program, confidence: mapping.confidence });
          dropped.push({ attribute: outcome.attribute, reason: outcome.reason ?? 'held for review' });
          return;
        }
        if (mapping === undefined || outcome.value === undefined) {
          dropped.push({ attribute: outcome.attribute, reason: outcome.reason ?? 'no claim' });
          return;
        }
        candidates.push({ attribute: outcome.attribute, target: outcome.target, value: outcome.value, source: mapping.source, confidence: mapping.confidence, order });
      });
      const resolved = resolveClaims(candidates);
      return { claims: resolved.claims, dropped: [...dropped, ...resolved.dropped], pending };
    },
  };
}
