-- CreateIndex
CREATE INDEX "RiskEvent_clientId_kind_success_decision_idx" ON "RiskEvent"("clientId", "kind", "success", "decision");

