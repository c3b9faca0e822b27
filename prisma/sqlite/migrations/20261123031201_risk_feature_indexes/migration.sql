-- DropIndex
DROP INDEX "RiskEvent_grantId_idx";

-- CreateIndex
CREATE INDEX "RiskEvent_accountId_kind_at_idx" ON "RiskEvent"("accountId", "kind", "at");

-- CreateIndex
CREATE INDEX "RiskEvent_ipPrefix_success_at_idx" ON "RiskEvent"("ipPrefix", "success", "at");

-- CreateIndex
CREATE INDEX "RiskEvent_ipPrefix_clientId_success_decision_at_idx" ON "RiskEvent"("ipPrefix", "clientId", "success", "decision", "at");

-- CreateIndex
CREATE INDEX "RiskEvent_grantId_at_idx" ON "RiskEvent"("grantId", "at");

