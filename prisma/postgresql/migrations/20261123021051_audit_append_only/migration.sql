-- Written by hand (triggers are outside Prisma's datamodel): audit entries can be added, never changed
-- or deleted through SQL. Tampering then needs DDL rights (dropping these triggers), and verification
-- still catches what such tampering does to the chain. Applied by Warden's runner (src/store/migrate.ts),
-- which sends each migration whole; the function body below contains semicolons.
CREATE FUNCTION "warden_audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditEvent is append-only';
END
$$;

CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "warden_audit_append_only"();

CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "warden_audit_append_only"();
