// The store's refusal of text it cannot hold (a NUL or an unpaired surrogate in a parameter, a token,
// a client's metadata; src/store/storable-text.ts) as the error oidc-provider answers with: 400
// invalid_request, at the authorization endpoint a redirect carrying it, instead of a 500.
import { errors } from 'oidc-provider';
import type { SqlRunner } from '../store/index.ts';
import { UnstorableTextError, assertStorableJson } from '../store/storable-text.ts';

function asInvalidRequest(error: unknown): never {
  throw error instanceof UnstorableTextError ? new errors.InvalidRequest(error.message) : error;
}

/** The runner, its refusals of unstorable text turned into invalid_request. */
export function withOAuthRefusals(runner: SqlRunner): SqlRunner {
  return {
    ...runner,
    query: (text, params) => runner.query(text, params).catch(asInvalidRequest),
    execute: (text, params, options) => runner.execute(text, params, options).catch(asInvalidRequest),
    insert: (text, params, options) => runner.insert(text, params, options).catch(asInvalidRequest),
    atomic: (steps) => runner.atomic(steps).catch(asInvalidRequest),
  };
}

/** A payload as JSON text, refused (invalid_request) when it holds text the stores cannot. */
export function storableJson(payload: object): string {
  const json = JSON.stringify(payload);
  try {
    assertStorableJson(json);
  } catch (error) {
    asInvalidRequest(error);
  }
  return json;
}
