// A stand-in proposer for tests of the cache and review logic only (how often the model is asked,
// what is stored, what policy makes of a given confidence). Tests of what the model proposes use the
// real model (model-path.test.ts). Every program here is real mapping-language text.
import type { ProgramProposer, Proposal, ProposalInput } from '../../../src/claims/mapper/index.ts';

export interface ScriptedProposer extends ProgramProposer {
  readonly calls: ProposalInput[];
}

export function scriptedProposer(table: Record<string, { program: string; confidence: number }>, options: { delayMs?: number; fail?: Set<string> } = {}): ScriptedProposer {
  const calls: ProposalInput[] = [];
  return {
    modelVersion: 'scripted-test-1',
    calls,
    async propose(input): Promise<Proposal> {
      calls.push(input);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (options.fail?.has(input.attribute)) throw new Error('model unavailable');
      const entry = table[input.attribute] ?? { program: 'drop', confidence: 0.99 };
      const target = entry.program === 'drop' ? 'drop' : (entry.program.split(':=')[0] ?? '').trim();
      return { program: entry.program, confidence: entry.confidence, target };
    },
  };
}

export const TABLE: Record<string, { program: string; confidence: number }> = {
  mail: { program: 'email := v | first | email', confidence: 0.97 },
  emailAddress: { program: 'email := v | email', confidence: 0.8 },
  displayName: { program: 'name := v | collapse', confidence: 0.9 },
  memberOf: { program: 'groups := v | each(dn_cn) | unique', confidence: 0.8 },
  eduPersonAffiliation: { program: 'roles := v | each(strip_scope) | unique', confidence: 0.95 },
  verified: { program: 'email_verified := v | bool', confidence: 0.7 },
  street: { program: 'address.street_address := v | collapse', confidence: 0.9 },
  l: { program: 'address.locality := v | collapse', confidence: 0.9 },
  postalCode: { program: 'address.postal_code := v | trim', confidence: 0.9 },
  c: { program: 'address.country := v | country', confidence: 0.9 },
  tenantId: { program: 'drop', confidence: 0.99 },
  whoami: { program: 'sub := v', confidence: 0.99 },
  mobile: { program: 'phone_number := v | phone("US")', confidence: 0.4 },
};
