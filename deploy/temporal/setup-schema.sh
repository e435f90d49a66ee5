#!/bin/sh
# One-shot schema setup of the Temporal server's PostgreSQL (service `temporal-schema` of
# docker-compose.yml, image temporalio/admin-tools): creates the `temporal` and
# `temporal_visibility` databases, then brings each schema to the version this admin-tools
# release ships. Idempotent: run at every `docker compose up`, it only applies what is missing,
# which is how an upgrade of the server image (same tag for both images) migrates its schema.
set -eu
: "${POSTGRES_SEEDS:?POSTGRES_SEEDS manquant}"
: "${POSTGRES_USER:?POSTGRES_USER manquant}"
: "${SQL_PASSWORD:?SQL_PASSWORD manquant}"
PORT="${DB_PORT:-5432}"
SCHEMA=/etc/temporal/schema/postgresql/v12

echo "[temporal-schema] attente de PostgreSQL ${POSTGRES_SEEDS}:${PORT}…"
until nc -z -w 5 "$POSTGRES_SEEDS" "$PORT"; do sleep 2; done

tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$PORT" "$@"; }

for db in temporal temporal_visibility; do
  dir=temporal
  [ "$db" = temporal_visibility ] && dir=visibility
  # `create` fails when the database exists (a later start): that is the expected case.
  tool --db "$db" create 2>/dev/null || echo "[temporal-schema] base $db déjà créée"
  tool --db "$db" setup-schema -v 0.0
  tool --db "$db" update-schema -d "$SCHEMA/$dir/versioned"
  echo "[temporal-schema] base $db à jour"
done
