#!/bin/sh
# One-shot namespace registration (service `temporal-namespace`, image temporalio/admin-tools):
# waits until the frontend is healthy, then creates the namespace with its retention if it does
# not exist. An existing namespace is left as it is (change its retention with
# `temporal operator namespace update`, docs/deploiement.md).
set -eu
: "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS manquant}"
: "${NAMESPACE:?NAMESPACE manquant}"
: "${RETENTION:?RETENTION manquant}"

i=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  i=$((i + 1))
  [ "$i" -ge 60 ] && { echo "[temporal-namespace] serveur Temporal injoignable à $TEMPORAL_ADDRESS"; exit 1; }
  sleep 2
done
if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" >/dev/null 2>&1; then
  echo "[temporal-namespace] espace « $NAMESPACE » déjà présent"
else
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" --retention "$RETENTION"
  echo "[temporal-namespace] espace « $NAMESPACE » créé (rétention $RETENTION)"
fi
