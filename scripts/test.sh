#!/usr/bin/env bash
# Runs every test tifa has that fits in CI: vet, staticcheck, govulncheck,
# the unit and differential tests (real corpora from ../shared/corpora when
# present), the crash, fault-injection, kill -9 and SIGTERM tests, the race
# detector over the store and the server, and each fuzz target for a few
# seconds. Longer runs (the kill -9 soak, 10-minute fuzzing) are separate:
# see doc/robustness.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

# The static checkers, installed from the Go module proxy into GOBIN when
# missing. govulncheck reads an offline copy of the Go vulnerability
# database, built from the golang.org/x/vulndb module (the database's own
# server is not reachable from CI); TIFA_VULNDB=https://vuln.go.dev uses the
# live one instead. Bump VULNDB_VERSION to refresh it (go list -m
# golang.org/x/vulndb@master prints the newest).
STATICCHECK_VERSION=v0.8.2
GOVULNCHECK_VERSION=v1.9.0
VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018
gobin="$(go env GOPATH)/bin"
tool() { # tool NAME PACKAGE VERSION: installs PACKAGE@VERSION unless NAME is there at VERSION
  if [ ! -x "$gobin/$1" ] || [ "$(cat "$gobin/.$1.version" 2>/dev/null)" != "$3" ]; then
    echo "-- go install $2@$3"
    GOBIN="$gobin" go install "$2@$3"
    echo "$3" >"$gobin/.$1.version"
  fi
}

echo "== go vet"
go vet ./...

echo "== staticcheck"
tool staticcheck honnef.co/go/tools/cmd/staticcheck "$STATICCHECK_VERSION"
"$gobin/staticcheck" ./...

echo "== govulncheck"
tool govulncheck golang.org/x/vuln/cmd/govulncheck "$GOVULNCHECK_VERSION"
vulndb="${TIFA_VULNDB:-}"
if [ -z "$vulndb" ]; then
  dbdir="$(go env GOCACHE)/tifa-vulndb-$VULNDB_VERSION"
  if [ ! -f "$dbdir/index/db.json" ]; then
    tool indexdb golang.org/x/vulndb/cmd/indexdb "$VULNDB_VERSION"
    src="$(cd "$(mktemp -d)" && go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
    rm -rf "$dbdir.tmp" && "$gobin/indexdb" -vulns "$src/data/osv" -out "$dbdir.tmp" && mv "$dbdir.tmp" "$dbdir"
  fi
  vulndb="file://$dbdir"
fi
# Fails on a called vulnerability of a required module; one of the
# standard library (fixed by a newer Go than the machine's) is a warning.
"$gobin/govulncheck" -db "$vulndb" -format json ./... | go run scripts/vulncheck.go

echo "== browser for the page's end-to-end tests"
scripts/install-chromium.sh

echo "== ClickHouse for the engine's two-server test"
scripts/install-clickhouse.sh

echo "== go test"
go test -count=1 -timeout 30m ./...

echo "== go test -race (store, server; -short: the long loops thinned)"
go test -race -short -count=1 -timeout 20m ./internal/vfs/... ./internal/store/... ./internal/server/...

echo "== fuzz (short)"
fuzztime="${TIFA_FUZZTIME:-5s}"
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "-- $pkg $f"
    log=$(mktemp)
    if ! go test -run='^$' -fuzz="^${f}\$" -fuzztime="$fuzztime" "$pkg" >"$log" 2>&1; then
      tail -n 60 "$log"   # the failing input, or why the fuzzer stopped
      rm -f "$log"
      exit 1
    fi
    rm -f "$log"
  done
done
echo "fuzz: all targets ran ${fuzztime} without a failure"
