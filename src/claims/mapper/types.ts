/**
 * The mapper's vocabulary: what it needs from the claim-mapping model (a narrow interface, so the
 * cache and policy can be tested and reasoned about without the model), and what it hands back.
 */
import type { AuditEntry } from '../../audit/index.ts';
import type { ClaimValue } from '../language/index.ts';

export const PROTOCOLS = ['saml', 'oidc', 'oauth2'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const STATUSES = ['active', 'proposed', 'rejected'] as const;
export type MappingStatus = (typeof STATUSES)[number];

export type MappingSource = 'model' | 'admin';

/** The upstream whose cache the CLI uses when none is named (per the ClaimMapping model). */
export const DEFAULT_UPSTREAM = '_default';

export interface ProposalInput {
  readonly protocol: Protocol;
  readonly attribute: string;
  readonly value: unknown;
}

export interface Proposal {
  /** Program text in the mapping language; re-parsed by policy, never trusted as given. */
  readonly program: string;
  /** Probability of the program, 0..1. */
  readonly confidence: number;
  /** The target the proposer claims; policy believes the parsed program instead. */
  readonly target: string;
}

/** Whatever writes programs for attributes never seen before: in production the claim-mapping model. */
export interface ProgramProposer {
  readonly modelVersion: string;
  propose(input: ProposalInput): Promise<Proposal>;
}

/** One cached program, as the mapper and the review API see it. */
export interface Mapping {
  readonly id: string;
  readonly upstream: string;
  readonly protocol: Protocol;
  readonly attribute: string;
  readonly program: string;
  /** Program target, or `drop`. */
  readonly target: string;
  readonly source: MappingSource;
  readonly confidence: number;
  readonly status: MappingStatus;
  readonly sample: string | null;
  readonly modelVersion: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface DroppedAttribute {
  readonly attribute: string;
  readonly reason: string;
}

export interface PendingMapping {
  readonly attribute: string;
  readonly target: string;
  readonly program: string;
  readonly confidence: number;
}

export interface MapClaimsResult {
  readonly claims: Record<string, ClaimValue>;
  readonly dropped: DroppedAttribute[];
  readonly pending: PendingMapping[];
}

/** Audit sink; by default `appendAudit` on the mapper's database. */
export type AuditFn = (entry: AuditEntry) => Promise<void>;

export class ClaimMappingError extends Error {
  override name = 'ClaimMappingError';
  constructor(
    message: string,
    readonly code: 'not_found' | 'invalid_program' | 'invalid_input',
  ) {
    super(message);
  }
}
