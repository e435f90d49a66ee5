#!/usr/bin/env bash
# `npm run build`: what the production image runs, compiled once.
#  - dist/app: the TypeScript compiled to JavaScript (tsconfig.build.json), run by
#    plain `node` — no TypeScript loader in the worker (measured: 80 MiB less
#    resident memory and half the start time, README « Banc d'essai »);
#  - dist/workflows.js: the workflow bundle a worker loads (JALONS_WORKFLOW_BUNDLE).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rm -rf dist/app
npx tsc -p tsconfig.build.json
cp workers/failure-converter.cjs dist/app/workers/
# Bundled from the TypeScript sources, as the tests and the replayed histories are.
npx tsx scripts/bundle-workflows.ts dist/workflows.js
