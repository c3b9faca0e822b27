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

export async function mapJsonLines(
  lines: AsyncIterable<string>,
  mapper: ClaimMapper,
  upstream: string,
  write: (chunk: string) => Promise<void>,
): Promise<JsonlSummary> {
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
  for await (const raw of lines) {
    lineNo += 1;
    const line = raw.trim();
    if (line === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      errors += 1;
      await emit({ line: lineNo, error: `not valid JSON: ${error instanceof Error ? error.message : 'parse error'}` });
      continue;
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      errors += 1;
      await emit({ line: lineNo, error: describeIssue(parsed.error) });
      continue;
    }
    // Checked apart from the schema: `value` may be anything JSON, including null, but must be there.
    if (typeof json !== 'object' || json === null || !Object.hasOwn(json, 'value')) {
      errors += 1;
      await emit({ line: lineNo, error: 'value is missing' });
      continue;
    }
    const { protocol, attribute } = parsed.data;
    const value: unknown = (json as { value: unknown }).value;
    const outcome = await mapper.mapAttribute(upstream, protocol, attribute, value);
    if (outcome.mapping === undefined) {
      errors += 1;
      await emit({ line: lineNo, error: outcome.reason ?? 'no mapping program' });
      continue;
    }
    results += 1;
    await emit(outcomeJson(outcome, outcome.mapping));
  }
  if (buffer.length > 0) await write(buffer.join(''));
  return { lines: lineNo, results, errors };
}
