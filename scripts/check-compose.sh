#!/usr/bin/env bash
# Validates docker-compose.yml with a real Compose parser, without a Docker engine:
#   1. every variable the compose file uses (`${VAR}`, `${VAR:-…}`, `${VAR:?…}`) is
#      listed in .env.example;
#   2. `compose config -q` accepts the file with .env.example as its only source of
#      variables (the caller's environment is not seen, so it cannot hide a gap):
#      YAML syntax, Compose schema, interpolation, required `${VAR:?}` values.
# Prints one line `compose: docker-compose.yml valide (<outil et version>)` on stdout;
# exits 1 with a French message on stderr when the file is invalid.
#
# Which Compose (the first that answers; the result is cached outside the tree):
#   JALONS_COMPOSE (a command) > `docker compose` v2 > `docker-compose` v2 on PATH
#   > Compose v2 built from its Go module (go install refuses it: exclude directives)
#   > Debian's `docker-compose` 1.29 (v1, installed with apt-get: reduced check,
#     top-level `name:` unknown to v1 is set aside before parsing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

COMPOSE_FILE=docker-compose.yml
ENV_FILE=.env.example
COMPOSE_VERSION="${JALONS_COMPOSE_VERSION:-2.40.3}"
CACHE="${JALONS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jalons}"
BUILT="$CACHE/compose-v$COMPOSE_VERSION/docker-compose"

log() { echo "[compose] $*" >&2; }
die() { echo "compose: ERREUR : $*" >&2; exit 1; }

[ -f "$COMPOSE_FILE" ] || die "$COMPOSE_FILE introuvable à la racine du dépôt."
[ -f "$ENV_FILE" ] || die "$ENV_FILE introuvable : il doit lister toutes les variables de $COMPOSE_FILE."

# --- 1. Variables used by the compose file, all present in .env.example ------------
# `$${…}` is an escaped dollar (left to the container's shell), not a variable.
used="$(sed -e 's/\$\$//g' "$COMPOSE_FILE" | grep -v '^[[:space:]]*#' \
  | grep -oE '\$\{?[A-Za-z_][A-Za-z0-9_]*' | sed -E 's/^\$\{?//' | sort -u || true)"
listed="$(grep -oE '^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*=' "$ENV_FILE" | tr -d ' =' | sort -u || true)"
missing="$(comm -23 <(printf '%s\n' "$used" | sed '/^$/d') <(printf '%s\n' "$listed" | sed '/^$/d'))"
if [ -n "$missing" ]; then
  die "variable(s) utilisée(s) par $COMPOSE_FILE mais absente(s) de $ENV_FILE : $(paste -sd, - <<<"$missing" | sed 's/,/, /g')."
fi
empty="$(grep -E '^[[:space:]]*[A-Za-z_][A-Za-z0-9_]*=[[:space:]]*$' "$ENV_FILE" | tr -d ' =' || true)"
if [ -n "$empty" ]; then
  die "variable(s) sans valeur d'exemple dans $ENV_FILE : $(paste -sd, - <<<"$empty" | sed 's/,/, /g')."
fi

# --- 2. Find (or provision) a Compose parser ---------------------------------------
# Sets COMPOSE (array), TOOL (text for the report) and V1 (true for Compose v1).
V1=false
is_v2() { "$@" version --short 2>/dev/null | grep -qE '^v?[2-9]\.'; }

build_compose_v2() {
  command -v go >/dev/null 2>&1 || return 1
  local gov
  gov="$(go env GOVERSION 2>/dev/null | sed 's/^go//')"
  # Compose v2.40's go.mod asks for Go >= 1.24.9.
  printf '1.24.9\n%s\n' "$gov" | sort -V -C || { log "Go $gov trop ancien pour construire Compose v2."; return 1; }
  log "construction de Docker Compose v$COMPOSE_VERSION depuis son module Go (2 à 5 minutes la première fois)…"
  local tmp
  mkdir -p "$(dirname "$BUILT")"
  tmp="$(mktemp -d "$CACHE/compose-build.XXXXXX")"
  # Its go.mod has `exclude` directives, so `go install …@version` refuses it: build it
  # as a dependency of a throw-away module that repeats those excludes.
  cat >"$tmp/go.mod" <<'GOMOD'
module jalons.local/compose-build

go 1.24

exclude (
	github.com/davecgh/go-spew v1.1.2-0.20180830191138-d8f796af33cc
	github.com/pmezard/go-difflib v1.0.1-0.20181226105442-5d4384ee4fb2
)
GOMOD
  if (cd "$tmp" \
    && GOFLAGS=-mod=mod go get "github.com/docker/compose/v2/cmd@v$COMPOSE_VERSION" \
    && GOFLAGS=-mod=mod go build -trimpath \
      -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=v$COMPOSE_VERSION" \
      -o docker-compose github.com/docker/compose/v2/cmd) >"$tmp/build.log" 2>&1; then
    mv -f "$tmp/docker-compose" "$BUILT"
    rm -rf "$tmp"
    return 0
  fi
  log "échec de la construction de Compose v2 (journal : $tmp/build.log)."
  return 1
}

install_debian_v1() {
  command -v docker-compose >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || return 1
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
  log "installation du paquet Debian docker-compose (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends docker-compose >/dev/null 2>&1 \
    || { "${sudo[@]}" apt-get update -qq >/dev/null 2>&1 \
      && "${sudo[@]}" apt-get install -y -qq --no-install-recommends docker-compose >/dev/null 2>&1; }
}

if [ -n "${JALONS_COMPOSE:-}" ]; then
  read -r -a COMPOSE <<<"$JALONS_COMPOSE"
elif command -v docker >/dev/null 2>&1 && is_v2 docker compose; then
  COMPOSE=(docker compose)
elif command -v docker-compose >/dev/null 2>&1 && is_v2 docker-compose; then
  COMPOSE=(docker-compose)
elif [ -x "$BUILT" ] || build_compose_v2; then
  COMPOSE=("$BUILT")
elif install_debian_v1; then
  COMPOSE=(docker-compose)
  V1=true
else
  die "aucun outil Compose disponible (ni docker compose, ni Go ≥ 1.24 pour le construire, ni apt-get pour le paquet Debian docker-compose)."
fi

if [ "$V1" = true ]; then
  TOOL="docker-compose $(docker-compose version --short 2>/dev/null), Debian, v1 : contrôle réduit"
else
  TOOL="Docker Compose $("${COMPOSE[@]}" version --short 2>/dev/null | sed 's/^v//')"
  [ "${COMPOSE[0]}" = "$BUILT" ] && TOOL="$TOOL, construit depuis son module Go"
fi

# --- 3. Parse and validate ----------------------------------------------------------
file="$COMPOSE_FILE"
workdir=""
cleanup() { [ -z "$workdir" ] || rm -rf "$workdir"; }
trap cleanup EXIT
if [ "$V1" = true ]; then
  # Compose v1 predates the top-level `name:`; set it aside, keep everything else.
  workdir="$(mktemp -d)"
  file="$workdir/$COMPOSE_FILE"
  sed '/^name:/d' "$COMPOSE_FILE" >"$file"
fi

# Only .env.example feeds the interpolation: a clean environment, no .env read.
if ! out="$(env -i PATH="$PATH" HOME="$HOME" \
  "${COMPOSE[@]}" --project-directory "$PWD" -f "$file" --env-file "$PWD/$ENV_FILE" config -q 2>&1)"; then
  echo "compose: $COMPOSE_FILE invalide ($TOOL) :" >&2
  printf '%s\n' "$out" | sed 's/^/  /' >&2
  exit 1
fi
[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/[compose] avertissement : /' >&2

echo "compose: $COMPOSE_FILE valide ($TOOL)"
