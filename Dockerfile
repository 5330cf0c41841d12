# Support Fusion: one image for the web process and the workers (compose.yaml runs both).
# Build: docker build -t support-fusion .   Run: see docs/operations.md.
# The server runs its TypeScript through tsx (a runtime dependency), as `npm start` does: no separate
# server build; the build stage compiles only the web UI. Node.js 24 is the current LTS (20 reached its end
# of life in April 2026; the code still runs on 20, and CI tests both).

FROM node:24-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY web ./web
COPY src ./src
RUN npm run build:web && npm prune --omit=dev --no-audit --no-fund

FROM node:24-alpine AS runtime
ENV NODE_ENV=production \
    SF_HOST=0.0.0.0 \
    SF_PORT=3000 \
    SF_DATA_DIR=/data
WORKDIR /app
# Files belong to root and are read-only to the app; only /data (embedded store, generated key) is writable.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY src ./src
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "bin/healthcheck.mjs"]
STOPSIGNAL SIGTERM
CMD ["node", "bin/support-fusion.mjs", "serve"]
