#!/usr/bin/env bash
# Runs every fuzz target of the module for a long time (default 10 minutes
# each, TIFA_FUZZTIME to change), TIFA_FUZZJOBS targets at a time (default
# 2, each with one worker), and prints one line per target: its package,
# name, time, executions, new interesting inputs and result. Logs go to
# TIFA_FUZZLOG (default a temporary directory). A failing input is written
# by go test to the package's testdata/fuzz/<Target>/, where it stays as a
# regression seed. Not part of CI (scripts/test.sh runs each target 5 s);
# doc/robustness.md records the last run.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
fuzztime="${TIFA_FUZZTIME:-10m}"
jobs="${TIFA_FUZZJOBS:-2}"
logdir="${TIFA_FUZZLOG:-$(mktemp -d -t tifa-fuzz-XXXXXX)}"
mkdir -p "$logdir"
list="$logdir/targets"
: >"$list"
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "$pkg $f" >>"$list"
  done
done
echo "$(wc -l <"$list") targets, $fuzztime each, $jobs at a time; logs in $logdir"
run_one() {
  pkg=$1 f=$2
  log="$logdir/$(basename "$pkg")-$f.log"
  start=$(date +%s)
  if go test -run='^$' -fuzz="^${f}\$" -fuzztime="$fuzztime" -parallel=1 "$pkg" >"$log" 2>&1; then res=ok; else res=FAIL; fi
  secs=$(( $(date +%s) - start ))
  last=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  new=$(grep -o 'new interesting: [0-9]*' "$log" | tail -1 | cut -d' ' -f3)
  printf '%s %s %ss execs=%s new=%s %s\n' "${pkg#github.com/tifa-project/tifa/}" "$f" "$secs" "${last:-0}" "${new:-0}" "$res"
}
export -f run_one
export logdir fuzztime
xargs -P "$jobs" -L 1 bash -c 'run_one "$0" "$1"' <"$list" | tee "$logdir/summary"
! grep -q ' FAIL$' "$logdir/summary"
