/** The machine-readable form of one mapped attribute, as design.md fixes it for `warden claims map`. */
import type { ClaimValue } from '../language/index.ts';
import type { AttributeOutcome } from './map.ts';
import type { Mapping, MappingStatus } from './types.ts';

export interface MapResultJson {
  /** The claim the value maps to; `drop` when nothing fits. */
  readonly target: string;
  readonly value: ClaimValue | null;
  readonly program: string;
  readonly confidence: number;
  readonly status: MappingStatus;
  readonly reason?: string;
}

export function outcomeJson(outcome: AttributeOutcome, mapping: Mapping): MapResultJson {
  const json = {
    target: outcome.target,
    value: outcome.value ?? null,
    program: mapping.program,
    confidence: Math.round(mapping.confidence * 10_000) / 10_000,
    status: mapping.status,
  };
  return outcome.reason === undefined ? json : { ...json, reason: outcome.reason };
}
