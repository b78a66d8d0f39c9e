#!/usr/bin/env bash
# Builds FerretDB (a MongoDB wire-protocol server on SQLite) once, starts it on a free loopback
# port with a throw-away data folder, and prints its URL on stdout.
#
#   scripts/ferretdb.sh build        build (or reuse) the cached binary, print its path
#   scripts/ferretdb.sh start        start a server, print mongodb://127.0.0.1:<port>/ ; pid in $FERRETDB_PIDFILE
#                                    ($FERRETDB_PORT and $FERRETDB_DATA start it again where a stopped one ran)
#
# Built from Go's module proxy. `go install …@v1.24.2` builds a binary that panics at start:
# the module ships build/version/version.txt empty (the release process fills it from git), so
# the module is copied to a writable folder, version.txt written, and built from there.
set -euo pipefail

VERSION="${FERRETDB_VERSION:-v1.24.2}"
CACHE="${FERRETDB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/voice-crm-hub/ferretdb-$VERSION}"
BIN="$CACHE/ferretdb"

build() {
  if [[ -x "$BIN" ]] && "$BIN" --version >/dev/null 2>&1; then echo "$BIN"; return; fi
  command -v go >/dev/null || { echo "ferretdb.sh: Go is needed to build FerretDB" >&2; exit 1; }
  mkdir -p "$CACHE"
  local dir src
  dir=$(GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  [[ -d "$dir" ]] || { echo "ferretdb.sh: go mod download found no source for $VERSION" >&2; exit 1; }
  src="$CACHE/src"
  rm -rf "$src" && cp -r "$dir" "$src" && chmod -R u+w "$src"
  echo "$VERSION" > "$src/build/version/version.txt"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$BIN.tmp" ./cmd/ferretdb) >&2
  mv "$BIN.tmp" "$BIN" && rm -rf "$src"
  echo "$BIN"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start() {
  local bin port data pidfile
  bin=$(build)
  port="${FERRETDB_PORT:-$(free_port)}"
  data="${FERRETDB_DATA:-$(mktemp -d -t ferretdb-XXXXXX)}"
  pidfile="${FERRETDB_PIDFILE:-$data/ferretdb.pid}"
  # The SQLite handler keeps one file per database in $data; telemetry off (nothing leaves the
  # machine), no debug HTTP listener (its fixed port would clash between two servers).
  "$bin" --handler=sqlite --sqlite-url="file:$data/" --listen-addr="127.0.0.1:$port" \
    --debug-addr=- --telemetry=disable --log-level=warn --state-dir="$data" >"$data/ferretdb.log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "mongodb://127.0.0.1:$port/"
      return
    fi
    kill -0 "$(cat "$pidfile")" 2>/dev/null || { cat "$data/ferretdb.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "ferretdb.sh: FerretDB did not accept connections on port $port within 10 s" >&2
  exit 1
}

case "${1:-start}" in
  build) build ;;
  start) start ;;
  *) echo "usage: $0 [build|start]" >&2; exit 2 ;;
esac
