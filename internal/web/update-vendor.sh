#!/usr/bin/env bash
# Re-fetches the charting library the page uses (uPlot, MIT) from the npm
# registry into static/vendor/. The files are committed: building or running
# tifa needs neither npm nor the network. Usage: update-vendor.sh [VERSION]
set -euo pipefail
cd "$(dirname "$0")"
version="${1:-1.6.32}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "uplot@${version}" >/dev/null && tar xzf uplot-*.tgz)
dst=static/vendor
mkdir -p "$dst"
cp "$tmp/package/dist/uPlot.iife.min.js" "$dst/uPlot.iife.min.js"
cp "$tmp/package/dist/uPlot.min.css" "$dst/uPlot.min.css"
cp "$tmp/package/LICENSE" "$dst/uPlot.LICENSE"
echo "uPlot ${version}" > "$dst/VERSIONS"
echo "vendored uPlot ${version} into internal/web/$dst"
