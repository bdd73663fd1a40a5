#!/usr/bin/env bash
# Runs every test tifa has that fits in CI: vet, the unit and differential
# tests (real corpora from ../shared/corpora when present), the kill -9
# test, and each fuzz target for a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

echo "== go vet"
go vet ./...

echo "== browser for the page's end-to-end tests"
scripts/install-chromium.sh

echo "== go test"
go test -count=1 -timeout 30m ./...

echo "== fuzz (short)"
fuzztime="${TIFA_FUZZTIME:-5s}"
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "-- $pkg $f"
    go test -run='^$' -fuzz="^${f}\$" -fuzztime="$fuzztime" "$pkg" >/dev/null
  done
done
echo "fuzz: all targets ran ${fuzztime} without a failure"
