#!/usr/bin/env bash
# bench/replicate.sh CORPUS.jsonl.gz N [OUT]
# Writes N copies of every document (ids suffixed "#1".."#N", same text and
# date) as gzip JSON Lines, by default /tmp/<name>-xN/docs.jsonl.gz, and
# prints the path. For the scale run: bench/run.sh "$(bench/replicate.sh
# ../shared/corpora/cctv-xwlb-zh/docs.jsonl.gz 10)"
set -euo pipefail
in="$1"; n="$2"
name="$(basename "$(dirname "$(realpath "$in")")")"
out="${3:-/tmp/$name-x$n/docs.jsonl.gz}"
mkdir -p "$(dirname "$out")"
if [ ! -s "$out" ]; then
  python3 - "$in" "$n" "$out" <<'PY'
import gzip, json, sys
src, n, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = gzip.open(src, "rt", encoding="utf-8").read().splitlines()
with gzip.open(dst + ".tmp", "wt", encoding="utf-8", compresslevel=3) as f:
    for i in range(1, n + 1):
        for l in lines:
            if not l.strip():
                continue
            d = json.loads(l)
            d["id"] = f'{d["id"]}#{i}'
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
import os; os.replace(dst + ".tmp", dst)
PY
fi
echo "$out"
