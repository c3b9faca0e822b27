/**
 * Batch mapping over JSON lines, as `warden claims map --jsonl` does it: one
 * `{"protocol","attribute","value"}` object per input line, one result object per output line, in
 * order. A bad line gets an error object with its line number and the batch goes on; blank lines are
 * skipped. Results are written in chunks because thousands of tiny writes dominate the cost otherwise.
 */
import { z } from 'zod';
import type { ClaimMapper } from './index.ts';
import { PROTOCOLS } from './types.ts';
import { outcomeJson, type MapResultJson } from './result-json.ts';

const lineSchema = z.object(
  {
    protocol: z.enum(PROTOCOLS, { error: `protocol must be one of ${PROTOCOLS.join(', ')}` }),
    attribute: z.string({ error: 'attribute must be a string' }).min(1, 'attribute must not be empty'),
  },
  { error: 'expected an object {"protocol","attribute","value"}' },
);

export interface JsonlError {
  readonly line: number;
  readonly error: string;
}

export interface JsonlSummary {
  readonly lines: number;
  readonly results: number;
  readonly errors: number;
}

function describeIssue(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 && !issue.message.startsWith(String(issue.path[0])) ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

const WINDOW = 16;

async function mapLine(line: string, lineNo: number, mapper: ClaimMapper, upstream: string): Promise<MapResultJson | JsonlError> {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { line: lineNo, error: `not valid JSON: ${error instanceof Error ? error.message : 'parse error'}` };
  }
  const parsed = lineSchema.safeParse(json);
  if (!parsed.success) return { line: lineNo, error: describeIssue(parsed.error) };
  // Checked apart from the schema: `value` may be anything JSON, including null, but must be there.
  if (typeof json !== 'object' || json === null || !Object.hasOwn(json, 'value')) return { line: lineNo, error: 'value is missing' };
  const { protocol, attribute } = parsed.data;
  const value: unknown = (json as { value: unknown }).value;
  let outcome;
  try {
    outcome = await mapper.mapAttribute(upstream, protocol, attribute, value);
  } catch (error) {
    // A failing store or audit write is reported on its line like any other (and makes the exit non-zero).
    return { line: lineNo, error: `could not map: ${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'}` };
  }
  if (outcome.mapping === undefined) return { line: lineNo, error: outcome.reason ?? 'no mapping program' };
  return outcomeJson(outcome, outcome.mapping);
}

export async function mapJsonLines(
  lines: AsyncIterable<string>,
  mapper: ClaimMapper,
  upstream: string,
  write: (chunk: string) => Promise<void>,
): Promise<JsonlSummary> {
  // Taken before the first await: a readline interface emits lines as they arrive, and lines emitted
  // before its iterator exists would be lost.
  const iterator = lines[Symbol.asyncIterator]();
  await mapper.cache.preload(upstream);
  let lineNo = 0;
  let results = 0;
  let errors = 0;
  let buffer: string[] = [];
  let size = 0;
  const emit = async (value: MapResultJson | JsonlError): Promise<void> => {
    const text = `${JSON.stringify(value)}\n`;
    buffer.push(text);
    size += text.length;
    if (size >= 64 * 1024) {
      const chunk = buffer.join('');
      buffer = [];
      size = 0;
      await write(chunk);
    }
  };
  // Up to WINDOW lines are mapped at once (first sightings overlap the model with database round
  // trips); results are still written strictly in input order.
  const window: Array<Promise<MapResultJson | JsonlError>> = [];
  const drain = async (keep: number): Promise<void> => {
    while (window.length > keep) {
      const next = window.shift();
      if (next === undefined) break;
      const result = await next;
      if ('error' in result) errors += 1;
      else results += 1;
      await emit(result);
    }
  };
  for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
    const raw = next.value;
    lineNo += 1;
    const line = raw.trim();
    if (line === '') continue;
    window.push(mapLine(line, lineNo, mapper, upstream));
    await drain(WINDOW - 1);
  }
  await drain(0);
  if (buffer.length > 0) await write(buffer.join(''));
  return { lines: lineNo, results, errors };
}
