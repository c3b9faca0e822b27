-- DropIndex
DROP INDEX "RiskEvent_ipPrefix_success_at_idx";


-- CreateIndex (by hand: Prisma's schema cannot express a partial index; see prisma/models.prisma)
-- The network's failures, for the prefix count of src/risk/features/combined.ts, whose condition must
-- read exactly like this one for the planners to use it.
CREATE INDEX "RiskEvent_prefix_failures_idx" ON "RiskEvent"("ipPrefix", "at") WHERE "success" = FALSE;
