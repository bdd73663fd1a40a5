#!/usr/bin/env bash
# Installs the peers that are not Go modules: ripgrep and PostgreSQL (with
# pg_trgm, which Debian ships in the server package), from Debian packages,
# when they are missing. The Go peers (Bleve, SQLite via mattn/go-sqlite3,
# DuckDB via duckdb-go with its prebuilt static library, pgx) come with
# `go build`; the cgo ones need gcc/g++.
set -euo pipefail
need=()
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then need+=(postgresql); fi
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v g++ >/dev/null 2>&1 || need+=(g++)
if ((${#need[@]})); then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "install-peers: installing ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# PostgreSQL refuses to run as root: the harness runs the server as the
# 'postgres' user that the package creates (as itself when not root).
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "install-peers: no 'postgres' user; reinstall the postgresql package" >&2; exit 1
fi
echo "install-peers: $(rg --version 2>/dev/null | sed -n 1p), $(ls -d /usr/lib/postgresql/*/bin | sed -n '$p')" >&2
