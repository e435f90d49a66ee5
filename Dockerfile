# syntax=docker/dockerfile:1
# Production image of Jalons: the Temporal worker by default; the same image
# runs the operations CLI/app with another command, named by its source file, e.g.
#   docker compose run --rm worker apps/cli/cli.ts --help
#
# The TypeScript is compiled at build time (`npm run build`: dist/app, and the
# workflow bundle dist/workflows.js) and run by plain node through
# scripts/entrypoint.sh: no TypeScript loader at run time (measured: 80 MiB less
# per worker and half the start time). `npm ci --omit=dev` drops the compiler,
# lint and test tools from the runtime stage.
# Debian (glibc) base: @temporalio/core-bridge ships glibc prebuilt binaries.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- Base: npm quiet, the lock file -------------------------------------------
FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./

# --- Stage 1: production dependencies ----------------------------------------
FROM base AS deps
RUN npm ci --omit=dev --loglevel=error \
 && npm cache clean --force

# --- Stage 2: build (compiler and bundler) -------------------------------------
FROM base AS build
RUN npm ci --loglevel=error
COPY . .
# The workflow code is bundled once here (JALONS_WORKFLOW_BUNDLE): a worker loads it instead of
# running webpack at start, which took seconds and ~300 MiB the process kept (measured, README).
RUN bash scripts/build.sh

# --- Stage 3: runtime ------------------------------------------------------------
FROM base AS runtime
# MALLOC_ARENA_MAX: fewer glibc malloc arenas for the worker's threads (measured: less resident memory).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    JALONS_WORKFLOW_BUNDLE=/app/dist/workflows.js
# Code and dependencies belong to root and are read-only for the process user.
COPY --from=deps /app/node_modules ./node_modules
COPY . .
COPY --from=build /app/dist ./dist
# Writable folder for the process (JALONS_DATA_DIR defaults to ./data).
RUN mkdir -p /app/data && chown node:node /app/data

# `node` (uid 1000) is the unprivileged user of the official Node.js images.
USER node

# No port: the worker only dials out (Temporal frontend, SMTP relay).
# Stop with SIGTERM: the Temporal worker drains in-flight tasks, then exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["sh", "/app/scripts/entrypoint.sh"]
CMD ["workers/main.ts"]
