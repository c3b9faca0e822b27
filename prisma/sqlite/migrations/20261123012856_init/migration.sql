-- CreateTable
CREATE TABLE "OidcPayload" (
    "model" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "grantId" TEXT,
    "userCode" TEXT,
    "uid" TEXT,
    "expiresAt" DATETIME,
    "consumedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("model", "id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "emailVerified" BOOLEAN NOT NULL DEFAULT false,
    "passwordHash" TEXT,
    "profile" JSONB NOT NULL,
    "groups" JSONB NOT NULL,
    "roles" JSONB NOT NULL,
    "isAdmin" BOOLEAN NOT NULL DEFAULT false,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "sessionEpoch" INTEGER NOT NULL DEFAULT 0,
    "totpSecret" TEXT,
    "totpPendingSecret" TEXT,
    "totpLastStep" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RecoveryCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RecoveryCode_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "FederatedIdentity" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "upstreamId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "FederatedIdentity_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "FederatedIdentity_upstreamId_fkey" FOREIGN KEY ("upstreamId") REFERENCES "Upstream" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Upstream" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "protocol" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SigningKey" (
    "kid" TEXT NOT NULL PRIMARY KEY,
    "alg" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "publicJwk" JSONB NOT NULL,
    "privateJwk" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activateAfter" DATETIME NOT NULL,
    "retiredAt" DATETIME,
    "retireUntil" DATETIME
);

-- CreateTable
CREATE TABLE "CookieKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "secret" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "kind" TEXT NOT NULL,
    "actor" TEXT,
    "subject" TEXT,
    "data" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "AuditHead" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "seq" INTEGER NOT NULL,
    "hash" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "ThrottleCounter" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "failures" INTEGER NOT NULL,
    "windowStart" DATETIME NOT NULL,
    "blockedUntil" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RiskEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL,
    "kind" TEXT NOT NULL,
    "accountId" TEXT,
    "login" TEXT,
    "clientId" TEXT,
    "ip" TEXT NOT NULL,
    "ipPrefix" TEXT NOT NULL,
    "country" TEXT,
    "latitude" REAL,
    "longitude" REAL,
    "userAgent" TEXT,
    "browserFamily" TEXT,
    "deviceId" TEXT,
    "success" BOOLEAN NOT NULL,
    "tokenId" TEXT,
    "grantId" TEXT,
    "features" JSONB NOT NULL,
    "score" REAL NOT NULL,
    "decision" TEXT NOT NULL,
    "reasons" JSONB NOT NULL,
    "modelVersion" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "ClaimMapping" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "upstream" TEXT NOT NULL,
    "protocol" TEXT NOT NULL,
    "attribute" TEXT NOT NULL,
    "program" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "confidence" REAL NOT NULL,
    "status" TEXT NOT NULL,
    "sample" TEXT,
    "modelVersion" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "OidcPayload_grantId_idx" ON "OidcPayload"("grantId");

-- CreateIndex
CREATE INDEX "OidcPayload_model_uid_idx" ON "OidcPayload"("model", "uid");

-- CreateIndex
CREATE INDEX "OidcPayload_model_userCode_idx" ON "OidcPayload"("model", "userCode");

-- CreateIndex
CREATE INDEX "OidcPayload_expiresAt_idx" ON "OidcPayload"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Account_email_key" ON "Account"("email");

-- CreateIndex
CREATE INDEX "RecoveryCode_accountId_idx" ON "RecoveryCode"("accountId");

-- CreateIndex
CREATE INDEX "FederatedIdentity_accountId_idx" ON "FederatedIdentity"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "FederatedIdentity_upstreamId_subject_key" ON "FederatedIdentity"("upstreamId", "subject");

-- CreateIndex
CREATE UNIQUE INDEX "Upstream_slug_key" ON "Upstream"("slug");

-- CreateIndex
CREATE INDEX "SigningKey_status_idx" ON "SigningKey"("status");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_hash_key" ON "AuditEvent"("hash");

-- CreateIndex
CREATE INDEX "AuditEvent_kind_at_idx" ON "AuditEvent"("kind", "at");

-- CreateIndex
CREATE INDEX "RiskEvent_accountId_at_idx" ON "RiskEvent"("accountId", "at");

-- CreateIndex
CREATE INDEX "RiskEvent_ip_at_idx" ON "RiskEvent"("ip", "at");

-- CreateIndex
CREATE INDEX "RiskEvent_ipPrefix_at_idx" ON "RiskEvent"("ipPrefix", "at");

-- CreateIndex
CREATE INDEX "RiskEvent_kind_at_idx" ON "RiskEvent"("kind", "at");

-- CreateIndex
CREATE INDEX "RiskEvent_tokenId_idx" ON "RiskEvent"("tokenId");

-- CreateIndex
CREATE INDEX "RiskEvent_grantId_idx" ON "RiskEvent"("grantId");

-- CreateIndex
CREATE INDEX "ClaimMapping_status_idx" ON "ClaimMapping"("status");

-- CreateIndex
CREATE UNIQUE INDEX "ClaimMapping_upstream_protocol_attribute_key" ON "ClaimMapping"("upstream", "protocol", "attribute");

