#!/usr/bin/env bash
# bench/run.sh CORPUS.jsonl.gz [PHRASES]
#
# Builds the same corpus into tifa and each peer (W1), runs the trend,
# newest-documents and KWIC workloads (W2–W4), checks that the systems
# agree, and writes a Markdown report to bench/out/NAME-DATE.md (and
# stdout). PHRASES: one phrase a line; a line "a AND b" is a W3 AND query.
# More flags of `bench run` (see -h) go in BENCH_FLAGS, e.g.
#   BENCH_FLAGS="-runs 3 -skip bleve" bench/run.sh corpus.jsonl.gz
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 1 ] || { sed -n '2,10s/^# \{0,1\}//p' "$0" >&2; exit 2; }
corpus="$(realpath "$1")"
phrases=()
[ $# -ge 2 ] && phrases=(-phrases "$(realpath "$2")")

"$here/install-peers.sh"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
echo "run.sh: building the harness (cgo: SQLite with FTS5, DuckDB; the first build takes a few minutes)" >&2
(cd "$here" && go build -tags sqlite_fts5 -o "$here/bin/bench" .)

name="$(basename "$(dirname "$corpus")")"
case "$(basename "$corpus")" in docs.*) ;; *) name="$(basename "$corpus")"; name="${name%%.*}";; esac
mkdir -p "$here/out"
out="$here/out/$name-$(date +%Y-%m-%d).md"
# shellcheck disable=SC2086
"$here/bin/bench" run -corpus "$corpus" -name "$name" "${phrases[@]}" -out "$out" ${BENCH_FLAGS:-}
