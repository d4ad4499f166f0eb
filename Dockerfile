# syntax=docker/dockerfile:1
# Node 24 (the active LTS) in both stages; the tests in test/docker/dockerfile.test.ts check the facts below.

# Build stage: install everything, compile TypeScript to dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: production dependencies and the compiled app only, as the image's non-root user.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
# Listen on every interface of the container (Probot's default, localhost, is unreachable from outside).
ENV HOST=0.0.0.0
ENV PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY agents ./agents
COPY app.yml ./
USER node
# 3000: webhooks and /healthz. /metrics needs METRICS_TOKEN here, or METRICS_PORT (e.g. 9464; do not publish it).
EXPOSE 3000
# No curl in slim images: dist/main-healthcheck.js probes /healthz with Node's fetch, on $PORT (a worker,
# REVIEW_ROLE=worker: on $WORKER_PORT); healthy when it answers 200 (the queue store is reachable).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "dist/main-healthcheck.js"]
# node itself as PID 1 (not npm): SIGTERM reaches the app, which lets running reviews finish.
CMD ["node", "dist/main-server.js"]
