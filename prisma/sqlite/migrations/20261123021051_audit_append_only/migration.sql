-- Written by hand (triggers are outside Prisma's datamodel): audit entries can be added, never changed
-- or deleted through SQL. Tampering then needs DDL rights (dropping these triggers), and verification
-- still catches what such tampering does to the chain.
CREATE TRIGGER "AuditEvent_no_update" BEFORE UPDATE ON "AuditEvent"
BEGIN
  SELECT RAISE(ABORT, 'AuditEvent is append-only');
END;

CREATE TRIGGER "AuditEvent_no_delete" BEFORE DELETE ON "AuditEvent"
BEGIN
  SELECT RAISE(ABORT, 'AuditEvent is append-only');
END;
