#!/usr/bin/env bash
# Provisions the two Temporal servers Jalons needs, from package registries only
# (these machines cannot reach the SDK's own download site):
#   - the Temporal CLI dev server, built with `go install` (Go module proxy);
#   - the Java time-skipping test server, from Maven Central, with a lean wrapper.
# Both are cached outside the work tree so every clone on the machine re-uses them.
# Resolution order for each: environment variable > binary on PATH > cache > build.
# Prints the resolved paths as `KEY=path` lines on stdout (logs on stderr).
set -euo pipefail

CLI_VERSION="${JALONS_TEMPORAL_CLI_VERSION:-1.5.1}"
TEST_SERVER_VERSION="${JALONS_TEST_SERVER_VERSION:-1.38.0}"
CACHE="${JALONS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jalons}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The launcher's source is part of the cache key: a change to it rebuilds the test server.
LAUNCHER_HASH="$(sha256sum "$here/test-server/JalonsTestServer.java" | cut -c1-8)"

log() { echo "[provision] $*" >&2; }
die() { echo "[provision] ERREUR : $*" >&2; exit 1; }

resolve_cli() {
  if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then
    [ -x "$TEMPORAL_CLI_PATH" ] || die "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH n'est pas un exécutable."
    echo "$TEMPORAL_CLI_PATH"; return
  fi
  if command -v temporal >/dev/null 2>&1; then command -v temporal; return; fi
  local dir="$CACHE/temporal-cli-$CLI_VERSION"
  if [ ! -x "$dir/temporal" ]; then
    command -v go >/dev/null 2>&1 || die "ni 'temporal' sur le PATH, ni TEMPORAL_CLI_PATH, ni Go pour le construire (installez Go ≥ 1.23)."
    log "construction du serveur de développement Temporal CLI v$CLI_VERSION avec go install (quelques minutes la première fois)…"
    mkdir -p "$dir"
    # v1.6+ carry `replace` directives that `go install pkg@version` refuses: pin 1.5.1.
    GOFLAGS="${GOFLAGS:-} -buildvcs=false" GOBIN="$dir" \
      go install "github.com/temporalio/cli/cmd/temporal@v$CLI_VERSION" >&2 \
      || die "go install github.com/temporalio/cli/cmd/temporal@v$CLI_VERSION a échoué (proxy Go inaccessible ?)."
  fi
  echo "$dir/temporal"
}

resolve_test_server() {
  if [ -n "${TEMPORAL_TEST_SERVER_PATH:-}" ]; then
    [ -x "$TEMPORAL_TEST_SERVER_PATH" ] || die "TEMPORAL_TEST_SERVER_PATH=$TEMPORAL_TEST_SERVER_PATH n'est pas un exécutable."
    echo "$TEMPORAL_TEST_SERVER_PATH"; return
  fi
  if command -v temporal-test-server >/dev/null 2>&1; then command -v temporal-test-server; return; fi
  local dir="$CACHE/temporal-test-server-$TEST_SERVER_VERSION-$LAUNCHER_HASH"
  if [ ! -x "$dir/temporal-test-server" ]; then
    command -v java >/dev/null 2>&1 || die "Java 17+ est requis pour le serveur de test Temporal (apt-get install openjdk-17-jre-headless)."
    command -v mvn >/dev/null 2>&1 || die "Maven est requis pour télécharger le serveur de test Temporal (apt-get install maven)."
    log "téléchargement de io.temporal:temporal-test-server:$TEST_SERVER_VERSION depuis Maven Central…"
    local work; work="$(mktemp -d)"
    cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>fr.jalons</groupId><artifactId>test-server-fetch</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId>
      <version>$TEST_SERVER_VERSION</version></dependency>
  </dependencies>
</project>
POM
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/lib"
    (cd "$work" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$dir.tmp/lib" >&2) \
      || die "Maven n'a pas pu récupérer io.temporal:temporal-test-server:$TEST_SERVER_VERSION."
    # Our launcher: Temporal's test server, whose clock can start at a chosen instant.
    command -v javac >/dev/null 2>&1 || die "javac (JDK 17+) est requis pour compiler le lanceur du serveur de test."
    mkdir -p "$dir.tmp/launcher"
    javac -d "$dir.tmp/launcher" -cp "$dir.tmp/lib/*" "$here/test-server/JalonsTestServer.java" >&2 \
      || die "la compilation du lanceur du serveur de test a échoué."
    # The SDK passes `<port>` only, kills the direct child and waits 5 s for it:
    # exec (no extra shell in between) and start the JVM lean.
    cat >"$dir.tmp/temporal-test-server" <<'WRAP'
#!/bin/sh
here="$(dirname "$(readlink -f "$0")")"
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Xss512k -Xmx512m \
  -cp "$here/launcher:$here/lib/*" fr.jalons.testserver.JalonsTestServer "$@"
WRAP
    chmod +x "$dir.tmp/temporal-test-server"
    rm -rf "$dir" && mv "$dir.tmp" "$dir" && rm -rf "$work"
  fi
  echo "$dir/temporal-test-server"
}

what="${1:-all}"
case "$what" in
  cli) echo "TEMPORAL_CLI_PATH=$(resolve_cli)" ;;
  test-server) echo "TEMPORAL_TEST_SERVER_PATH=$(resolve_test_server)" ;;
  all) echo "TEMPORAL_CLI_PATH=$(resolve_cli)"; echo "TEMPORAL_TEST_SERVER_PATH=$(resolve_test_server)" ;;
  *) die "usage : provision-temporal.sh [cli|test-server|all]" ;;
esac
