/**
 * Mapping programs per (upstream, protocol, attribute): the database is the source of truth, an
 * in-process memo in front of it makes a warm mapping cost no query. The model runs only when a key
 * has never been seen; concurrent first sightings share one proposal in-process, and across
 * processes the unique key decides which insert wins (the loser reads the winner's row).
 *
 * The memo holds entries for `ttlMs` (default 30 s): review changes made in this process update it at
 * once, changes made elsewhere (the CLI against a running server) are picked up within the TTL.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../store/index.ts';
import { PROTOCOLS, STATUSES, type Mapping, type Protocol } from './types.ts';

export interface MappingKey {
  readonly upstream: string;
  readonly protocol: Protocol;
  readonly attribute: string;
}

/** What a first sighting stores: a Mapping less what the key and the database supply. */
export type NewMapping = Pick<Mapping, 'program' | 'target' | 'source' | 'confidence' | 'status' | 'sample' | 'modelVersion'>;

export interface CacheOptions {
  readonly ttlMs?: number;
  /** Entries kept in memory; the oldest are evicted first. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

const rowSchema = z.object({
  id: z.string(),
  upstream: z.string(),
  protocol: z.enum(PROTOCOLS),
  attribute: z.string(),
  program: z.string(),
  target: z.string(),
  source: z.enum(['model', 'admin']),
  confidence: z.number(),
  status: z.enum(STATUSES),
  sample: z.string().nullable(),
  modelVersion: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

/** Rows are read through a schema: a hand-edited row with an unknown status must not become active. */
export function toMapping(row: unknown): Mapping {
  return rowSchema.parse(row);
}

export function keyOf(key: MappingKey): string {
  return JSON.stringify([key.upstream, key.protocol, key.attribute]);
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002';
}

export interface Lookup {
  readonly mapping: Mapping;
  /** True only for the caller whose proposal was stored (it audits the new program). */
  readonly created: boolean;
}

export class MappingCache {
  private readonly memo = new Map<string, { mapping: Mapping; at: number }>();
  private readonly inflight = new Map<string, Promise<Lookup>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Database reads and writes, for tests and metrics: a warm mapping must not add to it. */
  queries = 0;

  constructor(
    private readonly db: Db,
    options: CacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The memoised mapping if still fresh; never queries. */
  peek(key: MappingKey): Mapping | undefined {
    const k = keyOf(key);
    const entry = this.memo.get(k);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.ttlMs) {
      this.memo.delete(k);
      return undefined;
    }
    return entry.mapping;
  }

  remember(mapping: Mapping): void {
    const k = keyOf(mapping);
    this.memo.delete(k);
    this.memo.set(k, { mapping, at: this.now() });
    while (this.memo.size > this.maxEntries) {
      const oldest = this.memo.keys().next();
      if (oldest.done) break;
      this.memo.delete(oldest.value);
    }
  }

  forget(key: MappingKey): void {
    this.memo.delete(keyOf(key));
  }

  clear(): void {
    this.memo.clear();
  }

  /**
   * Loads every program of an upstream into the memo with one query, for batch work over many
   * attributes (a batch of thousands of names would otherwise cost one query per name). Returns the
   * number loaded; nothing is loaded when the upstream has more programs than the memo holds.
   */
  async preload(upstream: string): Promise<number> {
    this.queries += 1;
    const count = await this.db.claimMapping.count({ where: { upstream } });
    if (count > this.maxEntries) return 0;
    this.queries += 1;
    const rows = await this.db.claimMapping.findMany({ where: { upstream } });
    for (const row of rows) this.remember(toMapping(row));
    return rows.length;
  }

  async find(key: MappingKey): Promise<Mapping | undefined> {
    const cached = this.peek(key);
    if (cached) return cached;
    this.queries += 1;
    const row = await this.db.claimMapping.findUnique({ where: { upstream_protocol_attribute: { ...key } } });
    if (!row) return undefined;
    const mapping = toMapping(row);
    this.remember(mapping);
    return mapping;
  }

  /**
   * The mapping for a key, creating it from `propose` when the key was never seen. `propose` runs at
   * most once per key in this process at a time; if it throws, nothing is stored (the next sighting
   * tries again).
   */
  async getOrCreate(key: MappingKey, propose: () => Promise<NewMapping>): Promise<Lookup> {
    const cached = this.peek(key);
    if (cached) return { mapping: cached, created: false };
    const k = keyOf(key);
    const running = this.inflight.get(k);
    // Joiners did not store anything themselves, so they must not audit it again.
    if (running) return running.then((lookup) => ({ mapping: lookup.mapping, created: false }));
    const work = this.load(key, propose).finally(() => this.inflight.delete(k));
    this.inflight.set(k, work);
    return work;
  }

  private async load(key: MappingKey, propose: () => Promise<NewMapping>): Promise<Lookup> {
    const existing = await this.find(key);
    if (existing) return { mapping: existing, created: false };
    const draft = await propose();
    try {
      this.queries += 1;
      const row = await this.db.claimMapping.create({ data: { id: randomUUID(), ...key, ...draft } });
      const mapping = toMapping(row);
      this.remember(mapping);
      return { mapping, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another process saw the attribute first and stored its program: that one stands.
      this.queries += 1;
      const row = await this.db.claimMapping.findUnique({ where: { upstream_protocol_attribute: { ...key } } });
      if (!row) throw error;
      const mapping = toMapping(row);
      this.remember(mapping);
      return { mapping, created: false };
    }
  }
}
