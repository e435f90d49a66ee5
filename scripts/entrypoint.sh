#!/bin/sh
# Entry point of the image: runs a Jalons program by its source name
# (workers/main.ts, apps/cli/cli.ts, apps/web/main.ts …) from its compiled JavaScript
# in dist/app, with plain node as the container's main process (signals reach it).
#   docker compose run --rm worker apps/cli/cli.ts account token agent-1
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
entry="${1:-workers/main.ts}"
[ "$#" -gt 0 ] && shift
case "$entry" in
  *.ts) exec node "$root/dist/app/${entry%.ts}.js" "$@" ;;
  *) exec node "$entry" "$@" ;;
esac
