# Warden on Node 24 (Debian bookworm). The image runs migrations at start; give it DATABASE_URL
# (postgresql://...) and WARDEN_SECRET_KEY, or mount /data for the embedded SQLite mode.
FROM node:24-bookworm-slim
ENV NODE_ENV=production WARDEN_DATA_DIR=/data PORT=3000
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY prisma ./prisma
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/main.ts"]
