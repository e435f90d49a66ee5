#!/usr/bin/env bash
# Makes a fresh clone ready to run, with no manual step: npm packages (again only
# when package-lock.json changed) and the Temporal servers (cached outside the tree).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

stamp=node_modules/.jalons-lock
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[setup] installation des paquets npm (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$want" >"$stamp"
fi
bash scripts/provision-temporal.sh all >/dev/null
