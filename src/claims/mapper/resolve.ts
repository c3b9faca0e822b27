/**
 * Turns the per-attribute results into one claim set. Several attributes may map to the same claim
 * (`mail` and `emailAddress`); the winner is chosen deterministically — an admin program first, then
 * the higher confidence, then the attribute that came first — and every loser is reported with the
 * reason. Address parts (`address.locality`, ...) and whole address values merge into one `address`
 * object, field by field under the same rule.
 */
import type { AddressClaim, ClaimValue } from '../language/index.ts';
import type { DroppedAttribute, MappingSource } from './types.ts';

export interface Candidate {
  readonly attribute: string;
  readonly target: string;
  readonly value: ClaimValue;
  readonly source: MappingSource;
  readonly confidence: number;
  /** Position of the attribute in the upstream's attribute list. */
  readonly order: number;
}

const ADDRESS_FIELDS = ['formatted', 'street_address', 'locality', 'region', 'postal_code', 'country'] as const;
type AddressField = (typeof ADDRESS_FIELDS)[number];

function isAddressClaim(value: ClaimValue): value is AddressClaim {
  return typeof value === 'object' && !Array.isArray(value);
}

/** A whole address stands for one candidate per field it carries, so parts from other attributes can fill the rest. */
function expand(candidate: Candidate): Candidate[] {
  if (candidate.target !== 'address' || !isAddressClaim(candidate.value)) return [candidate];
  const address = candidate.value;
  return ADDRESS_FIELDS.flatMap((field) => {
    const value = address[field];
    return value === undefined ? [] : [{ ...candidate, target: `address.${field}`, value }];
  });
}

function ranks(a: Candidate, b: Candidate): number {
  if (a.source !== b.source) return a.source === 'admin' ? -1 : 1;
  if (a.confidence !== b.confidence) return b.confidence - a.confidence;
  return a.order - b.order;
}

function why(winner: Candidate, loser: Candidate): string {
  if (winner.source !== loser.source) return 'an admin program wins';
  if (winner.confidence !== loser.confidence) return 'higher confidence';
  return 'earlier attribute';
}

/** OIDC allows an address without `formatted`; our claim type keeps one, composed from the parts. */
function formatAddress(parts: Partial<Record<AddressField, string>>): string {
  const cityLine = [parts.locality, parts.region, parts.postal_code].filter((p) => p !== undefined).join(' ');
  return [parts.street_address, cityLine === '' ? undefined : cityLine, parts.country].filter((p) => p !== undefined).join('\n');
}

export function resolveClaims(candidates: readonly Candidate[]): { claims: Record<string, ClaimValue>; dropped: DroppedAttribute[] } {
  const byTarget = new Map<string, Candidate[]>();
  for (const candidate of candidates.flatMap(expand)) {
    const list = byTarget.get(candidate.target) ?? [];
    list.push(candidate);
    byTarget.set(candidate.target, list);
  }
  const claims: Record<string, ClaimValue> = {};
  const dropped: DroppedAttribute[] = [];
  const address: Partial<Record<AddressField, string>> = {};
  // Sorted so the claim set (and the order of reasons) never depends on hash or arrival order.
  for (const target of [...byTarget.keys()].sort()) {
    const list = [...(byTarget.get(target) ?? [])].sort(ranks);
    const [winner, ...losers] = list;
    if (!winner) continue;
    for (const loser of losers) {
      dropped.push({ attribute: loser.attribute, reason: `conflict: ${target} comes from "${winner.attribute}" (${why(winner, loser)})` });
    }
    if (target.startsWith('address.')) address[target.slice('address.'.length) as AddressField] = String(winner.value);
    else claims[target] = winner.value;
  }
  if (Object.keys(address).length > 0) {
    const formatted = address.formatted ?? formatAddress(address);
    const claim: AddressClaim = { formatted };
    for (const field of ADDRESS_FIELDS) {
      const value = address[field];
      if (value !== undefined && field !== 'formatted') claim[field] = value;
    }
    claims.address = claim;
  }
  return { claims, dropped };
}
