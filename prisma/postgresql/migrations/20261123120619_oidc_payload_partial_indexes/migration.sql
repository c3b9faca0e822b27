-- DropIndex
DROP INDEX "OidcPayload_grantId_idx";

-- DropIndex
DROP INDEX "OidcPayload_model_uid_idx";

-- DropIndex
DROP INDEX "OidcPayload_model_userCode_idx";


-- CreateIndex (by hand: Prisma's schema cannot express a partial index; see prisma/models.prisma)
-- The same lookups on the rows that have the column set: an equality on the column implies it is not
-- null, so both planners use these for revokeByGrantId, findByUid and findByUserCode.
CREATE INDEX "OidcPayload_grantId_idx" ON "OidcPayload"("grantId") WHERE "grantId" IS NOT NULL;
CREATE INDEX "OidcPayload_model_uid_idx" ON "OidcPayload"("model", "uid") WHERE "uid" IS NOT NULL;
CREATE INDEX "OidcPayload_model_userCode_idx" ON "OidcPayload"("model", "userCode") WHERE "userCode" IS NOT NULL;
