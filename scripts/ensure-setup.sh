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

# The tests also drive a real browser (Debian's Chromium) and a real PostgreSQL server.
if [ "${1:-}" = "--test" ]; then
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v initdb >/dev/null 2>&1 || [ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "[setup] installation des paquets Debian : ${missing[*]}…" >&2
      apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
        { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
    else
      echo "[setup] paquets Debian manquants pour les tests : ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
      exit 1
    fi
  fi
fi
