# syntax=docker/dockerfile:1
# Production image of Jalons: the Temporal worker by default; the same image
# runs the operations CLI/app with another command, e.g.
#   docker compose run --rm worker ops/cli.ts --help
#
# TypeScript runs as-is through tsx, which is a runtime dependency (in
# "dependencies"), so `npm ci --omit=dev` keeps it and drops only the lint,
# type-check and test tools. The workflows are bundled at build time with
# webpack (a runtime dependency of @temporalio/worker).
# Debian (glibc) base: @temporalio/core-bridge ships glibc prebuilt binaries.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- Stage 1: production dependencies ----------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --loglevel=error \
 && npm cache clean --force

# --- Stage 2: runtime ------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app
# Code and dependencies belong to root and are read-only for the process user.
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The workflow code bundled once, at build (JALONS_WORKFLOW_BUNDLE): a worker loads it instead of
# running webpack at start, which took seconds and ~300 MiB the process kept (measured, README).
RUN npx tsx scripts/bundle-workflows.ts dist/workflows.js
# Writable folder for the process (JALONS_DATA_DIR defaults to ./data).
RUN mkdir -p /app/data && chown node:node /app/data

# `node` (uid 1000) is the unprivileged user of the official Node.js images.
USER node

# No port: the worker only dials out (Temporal frontend, SMTP relay).
# Stop with SIGTERM: the Temporal worker drains in-flight tasks, then exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["npx", "tsx"]
CMD ["workers/main.ts"]
