-- DropIndex
DROP INDEX "RiskEvent_accountId_kind_at_idx";

-- CreateIndex
CREATE INDEX "RiskEvent_account_history_idx" ON "RiskEvent"("accountId", "kind", "at", "success", "decision", "ipPrefix", "country", "latitude", "longitude", "browserFamily", "deviceId", "clientId");

