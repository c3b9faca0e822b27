-- DropIndex
DROP INDEX "RiskEvent_ip_at_kind_success_accountId_login_idx";

-- CreateIndex
CREATE INDEX "RiskEvent_ip_at_idx" ON "RiskEvent"("ip", "at");


-- CreateIndex (by hand: Prisma's schema cannot express a partial index; see prisma/models.prisma)
-- The address's failures and logins, for the velocity counts of src/risk/features/combined.ts, whose
-- condition must read exactly like this one for the planners to use it: the login kinds are those of
-- models/risk/features.json.
CREATE INDEX "RiskEvent_ip_velocity_idx" ON "RiskEvent"("ip", "at", "kind", "success", "accountId", "login")
  WHERE "success" = FALSE OR "kind" IN ('password_login', 'federated_login');
