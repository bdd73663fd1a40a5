#!/usr/bin/env bash
# Installs Debian's clickhouse-server, which the ClickHouse engine's test
# (internal/clickhouse) starts twice on loopback as a two-shard cluster.
# Does nothing when clickhouse-server is there. The package's service is
# not started (the test runs its own servers). Needs root (as on CI);
# without it, prints what to run and carries on, so the test skips locally
# and fails under CI=true.
set -euo pipefail
if command -v clickhouse-server >/dev/null 2>&1 || [ -x /usr/sbin/clickhouse-server ] || [ -x /usr/bin/clickhouse-server ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-clickhouse: clickhouse-server is missing; run as root: apt-get install clickhouse-server" >&2
  exit 0
fi
echo "== installing clickhouse-server (Debian package) for the ClickHouse engine test"
export DEBIAN_FRONTEND=noninteractive
# No service start from the package's scripts.
if ! apt-get install -y -q --no-install-recommends clickhouse-server >/dev/null 2>&1; then
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends clickhouse-server >/dev/null
fi
ls -l /usr/sbin/clickhouse-server
