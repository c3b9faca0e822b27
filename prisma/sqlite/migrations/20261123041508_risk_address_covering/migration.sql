-- DropIndex
DROP INDEX "RiskEvent_ip_at_idx";

-- CreateIndex
CREATE INDEX "RiskEvent_ip_at_kind_success_accountId_login_idx" ON "RiskEvent"("ip", "at", "kind", "success", "accountId", "login");

