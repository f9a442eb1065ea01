# syntax=docker/dockerfile:1
# The gateshift worker and the `gateshift` CLI. Build: docker build -t gateshift .
# Run: see docker-compose.yml (compose stack) and deploy/worker.yaml (Kubernetes).

ARG NODE_VERSION=24.22.3

# Production dependencies only: the worker runs TypeScript through tsx (a runtime dependency).
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# The workflow bundle, built once here so that the worker starts without running webpack.
FROM deps AS bundle
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts/bundle-workflows.ts ./scripts/
RUN node --import tsx scripts/bundle-workflows.ts /app/dist/workflow-bundle.js

FROM node:${NODE_VERSION}-bookworm-slim
# tini is PID 1: it forwards SIGTERM to the worker (which drains in-flight activities) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 gateshift \
 && useradd --system --uid 10001 --gid gateshift --home-dir /home/gateshift --create-home --shell /usr/sbin/nologin gateshift
ENV NODE_ENV=production \
    GATESHIFT_METRICS_HOST=0.0.0.0 \
    GATESHIFT_METRICS_PORT=9464 \
    GATESHIFT_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY schema ./schema
COPY examples ./examples
COPY --from=bundle /app/dist ./dist
# The CLI on PATH: `docker compose exec worker gateshift approve ID`, `kubectl exec … -- gateshift status ID`.
RUN ln -s /app/bin/gateshift.js /usr/local/bin/gateshift
USER 10001:10001
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.GATESHIFT_METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "src/worker-bundled.ts"]
