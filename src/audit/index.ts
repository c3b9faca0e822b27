export { appendAudit, verifyAudit, entryHash, genesisHash, type AuditEntry, type AuditVerification } from './log.ts';
export { canonicalJson, type JsonInput } from './canonical-json.ts';
