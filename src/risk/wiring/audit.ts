// The risk engine's audit entries carry plain data (numbers, strings, reason lists); the audit log
// takes JSON values only, so this converts at the seam instead of trusting a cast.
import type { AuditEntry, JsonInput } from '../../audit/index.ts';
import type { RiskAuditEntry } from '../engine.ts';

function toJson(value: unknown): JsonInput | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => toJson(item) ?? null);
  if (typeof value === 'object') {
    const out: { [key: string]: JsonInput | undefined } = {};
    for (const [key, item] of Object.entries(value)) out[key] = toJson(item);
    return out;
  }
  return undefined;
}

export function toAuditEntry(entry: RiskAuditEntry): AuditEntry {
  const data = toJson(entry.data);
  return {
    kind: entry.kind,
    actor: entry.actor ?? null,
    subject: entry.subject ?? null,
    data: typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {},
  };
}
