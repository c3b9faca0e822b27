/**
 * One attribute through the mapper: find (or have the model write) its program, let policy decide
 * what a new program may do, and run the program on the value.
 */
import type { Program } from '../language/index.ts';
import { parseProgram, runProgram, type ClaimValue } from '../language/index.ts';
import type { MappingCache, NewMapping } from './cache.ts';
import { decide, holdReason, type ClaimsMode, type Thresholds } from './policy.ts';
import { redactSample } from './redact.ts';
import type { AuditFn, Mapping, ProgramProposer, Protocol } from './types.ts';

export interface AttributeOutcome {
  readonly attribute: string;
  /** The stored program, or undefined when none could be made (the model failed). */
  readonly mapping: Mapping | undefined;
  /** The claim the value maps to under the program; `drop` when it yields none. */
  readonly target: string;
  /** The claim value the program gives (also for a program held for review, as a preview). */
  readonly value: ClaimValue | undefined;
  /** Why the value yields no claim, or why the claim is not issued. */
  readonly reason?: string;
}

export interface MapDeps {
  readonly cache: MappingCache;
  readonly proposer: ProgramProposer;
  readonly mode: ClaimsMode;
  readonly thresholds: Thresholds;
  readonly audit: AuditFn;
}

const MAX_ATTRIBUTE = 512;
const parsedPrograms = new Map<string, Program | string>();

/** Stored programs are parsed once per process; a stored text that no longer parses yields its error. */
function parsed(text: string): Program | string {
  let entry = parsedPrograms.get(text);
  if (entry === undefined) {
    const result = parseProgram(text);
    entry = result.ok ? result.program : result.error.message;
    if (parsedPrograms.size > 10_000) parsedPrograms.clear();
    parsedPrograms.set(text, entry);
  }
  return entry;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
}

export async function mapAttribute(deps: MapDeps, upstream: string, protocol: Protocol, attribute: string, value: unknown): Promise<AttributeOutcome> {
  if (attribute.trim() === '' || attribute.length > MAX_ATTRIBUTE) {
    return { attribute, mapping: undefined, target: 'drop', value: undefined, reason: `attribute name is empty or longer than ${MAX_ATTRIBUTE} characters` };
  }
  const key = { upstream, protocol, attribute };
  let decisionReason: string | undefined;
  let lookup;
  try {
    lookup = await deps.cache.getOrCreate(key, async (): Promise<NewMapping> => {
      const proposal = await deps.proposer.propose({ protocol, attribute, value });
      const decision = decide(proposal, deps.mode, deps.thresholds);
      decisionReason = decision.reason;
      return {
        program: decision.program,
        target: decision.target,
        source: 'model',
        confidence: decision.confidence,
        status: decision.status,
        sample: redactSample(value),
        modelVersion: deps.proposer.modelVersion,
      };
    });
  } catch (error) {
    // Nothing was stored: the next sighting asks again. The claim is withheld meanwhile.
    return { attribute, mapping: undefined, target: 'drop', value: undefined, reason: `no mapping program: ${describe(error)}` };
  }
  const { mapping, created } = lookup;
  if (created) {
    await deps.audit({
      kind: 'claims.proposed',
      actor: 'system',
      subject: mapping.id,
      data: {
        upstream,
        protocol,
        attribute,
        program: mapping.program,
        target: mapping.target,
        confidence: mapping.confidence,
        status: mapping.status,
        modelVersion: mapping.modelVersion,
        sample: mapping.sample,
        reason: decisionReason ?? null,
      },
    });
  }
  const held = mapping.status === 'proposed' ? (decisionReason ?? holdReason(mapping.target, mapping.confidence, deps.mode, deps.thresholds)) : undefined;
  return evaluate(mapping, value, held ?? decisionReason);
}

function evaluate(mapping: Mapping, value: unknown, decisionReason: string | undefined): AttributeOutcome {
  const base = { attribute: mapping.attribute, mapping };
  if (mapping.status === 'rejected') {
    return { ...base, target: 'drop', value: undefined, reason: decisionReason ?? 'the program was rejected (pin one with warden claims set)' };
  }
  const program = parsed(mapping.program);
  if (typeof program === 'string') return { ...base, target: 'drop', value: undefined, reason: `stored program does not parse: ${program}` };
  const held = mapping.status === 'proposed' ? (decisionReason ?? 'held for review') : undefined;
  const result = runProgram(program, value);
  if ('drop' in result) return { ...base, target: 'drop', value: undefined, reason: held ?? 'no claim fits this attribute' };
  if (!result.ok) return { ...base, target: 'drop', value: undefined, reason: held ? `${held}; ${result.reason}` : result.reason };
  return held === undefined ? { ...base, target: result.claim, value: result.value } : { ...base, target: result.claim, value: result.value, reason: held };
}
