export { appendAudit, type AuditEntry } from './log.ts';
export { verifyAudit, type AuditVerification } from './verify.ts';
export { sealAudit, type AuditSealing } from './seal.ts';
export { AuditKeyError, entryHash, genesisHash, legacyEntryHash } from './chain.ts';
export { canonicalJson, type JsonInput } from './canonical-json.ts';
