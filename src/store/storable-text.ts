// Text both stores can hold. PostgreSQL refuses the NUL character in text and jsonb, and an unpaired
// UTF-16 surrogate (a lone "\ud800" in JSON input) in jsonb; SQLite would store them, so Warden refuses
// them on both, with a 400 instead of the database's error turning into a 500.

/** A refusal of text the stores cannot hold: the request's fault (HTTP 400), whichever store is used. */
export class UnstorableTextError extends Error {
  override name = 'UnstorableTextError';
  readonly status = 400;
  readonly expose = true;
  constructor() {
    super('the request contains a NUL character or an unpaired surrogate, which cannot be stored');
  }
}

/** No NUL, no unpaired surrogate. */
export function isStorableText(value: string): boolean {
  return value.isWellFormed() && !value.includes('\u0000');
}

/** Refuses a statement's parameters when one of them is text the stores cannot hold. */
export function assertStorableParams(params: ReadonlyArray<unknown>): void {
  for (const value of params) {
    if (typeof value === 'string' && !isStorableText(value)) throw new UnstorableTextError();
  }
}

// JSON.stringify writes NUL as \u0000 and an unpaired surrogate as \udXXX: escapes the text itself
// holds (a backslash before them, not an escaped one) that PostgreSQL's jsonb refuses.
const SUSPECT_ESCAPE = /\\u(?:0000|d[89a-f])/i;
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** Refuses JSON text (as JSON.stringify wrote it) that holds a NUL or an unpaired surrogate. */
export function assertStorableJson(json: string): void {
  if (SUSPECT_ESCAPE.test(json) && UNSTORABLE_ESCAPE.test(json)) throw new UnstorableTextError();
}
