-- DropIndex
DROP INDEX "RiskEvent_accountId_at_idx";

-- DropIndex
DROP INDEX "RiskEvent_ipPrefix_at_idx";

-- DropIndex
DROP INDEX "RiskEvent_ipPrefix_clientId_success_decision_at_idx";

-- DropIndex
DROP INDEX "RiskEvent_kind_at_idx";

-- DropIndex
DROP INDEX "RiskEvent_tokenId_idx";

-- CreateIndex
CREATE INDEX "RiskEvent_clientId_ipPrefix_success_decision_at_idx" ON "RiskEvent"("clientId", "ipPrefix", "success", "decision", "at");

-- CreateIndex
CREATE INDEX "RiskEvent_tokenId_kind_success_idx" ON "RiskEvent"("tokenId", "kind", "success");

