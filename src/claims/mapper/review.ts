/**
 * The admin side of the cache: list programs, approve or reject what the model proposed, and pin a
 * program by hand. Admin programs are validated by the language (errors carry `line:column`), become
 * active at once and win every conflict; every change is audited.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/index.ts';
import { toMapping, type MappingCache, type MappingKey } from './cache.ts';
import { programTarget } from './policy.ts';
import { ClaimMappingError, type AuditFn, type Mapping, type MappingStatus } from './types.ts';

export interface ListFilter {
  readonly upstream?: string;
  readonly status?: MappingStatus;
}

export interface ClaimReview {
  list(filter?: ListFilter): Promise<Mapping[]>;
  approve(id: string, actor?: string): Promise<Mapping>;
  reject(id: string, actor?: string): Promise<Mapping>;
  set(key: MappingKey, program: string, actor?: string): Promise<Mapping>;
}

export interface ReviewOptions {
  readonly db: Db;
  readonly audit: AuditFn;
  /** The mapper's cache in this process, kept in step with every change. */
  readonly cache?: MappingCache;
}

export function createClaimReview({ db, audit, cache }: ReviewOptions): ClaimReview {
  async function byId(id: string): Promise<Mapping> {
    const row = await db.claimMapping.findUnique({ where: { id } });
    if (!row) throw new ClaimMappingError(`no claim mapping with id ${id}`, 'not_found');
    return toMapping(row);
  }

  async function changeStatus(id: string, status: 'active' | 'rejected', actor: string): Promise<Mapping> {
    const before = await byId(id);
    const mapping = toMapping(await db.claimMapping.update({ where: { id }, data: { status } }));
    cache?.remember(mapping);
    await audit({
      kind: status === 'active' ? 'claims.approved' : 'claims.rejected',
      actor,
      subject: id,
      data: {
        upstream: mapping.upstream,
        protocol: mapping.protocol,
        attribute: mapping.attribute,
        program: mapping.program,
        target: mapping.target,
        source: mapping.source,
        confidence: mapping.confidence,
        previousStatus: before.status,
      },
    });
    return mapping;
  }

  return {
    async list(filter = {}) {
      const rows = await db.claimMapping.findMany({
        where: { ...(filter.upstream !== undefined ? { upstream: filter.upstream } : {}), ...(filter.status !== undefined ? { status: filter.status } : {}) },
        orderBy: [{ upstream: 'asc' }, { protocol: 'asc' }, { attribute: 'asc' }],
      });
      return rows.map(toMapping);
    },
    approve: (id, actor = 'admin') => changeStatus(id, 'active', actor),
    reject: (id, actor = 'admin') => changeStatus(id, 'rejected', actor),
    async set(key, program, actor = 'admin') {
      const checked = programTarget(program);
      if (!checked.ok) throw new ClaimMappingError(`invalid program: ${checked.reason}`, 'invalid_program');
      if (key.upstream === '' || key.attribute === '') throw new ClaimMappingError('upstream and attribute must not be empty', 'invalid_input');
      const where = { upstream_protocol_attribute: { upstream: key.upstream, protocol: key.protocol, attribute: key.attribute } };
      const before = await db.claimMapping.findUnique({ where });
      const pinned = { program: checked.canonical, target: checked.target, source: 'admin', confidence: 1, status: 'active', modelVersion: null };
      const mapping = toMapping(
        await db.claimMapping.upsert({ where, create: { id: randomUUID(), ...key, ...pinned, sample: null }, update: pinned }),
      );
      cache?.remember(mapping);
      await audit({
        kind: 'claims.set',
        actor,
        subject: mapping.id,
        data: {
          upstream: key.upstream,
          protocol: key.protocol,
          attribute: key.attribute,
          program: mapping.program,
          target: mapping.target,
          previousProgram: before?.program ?? null,
          previousSource: before?.source ?? null,
          previousStatus: before?.status ?? null,
        },
      });
      return mapping;
    },
  };
}
