#!/usr/bin/env bash
# Installs Debian's chromium, which the web page's end-to-end tests drive
# headless (internal/web). Does nothing when /usr/bin/chromium is there.
# Needs root (as on CI); without it, prints what to run and carries on, so
# the tests skip the browser locally and fail under CI=true.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-chromium: /usr/bin/chromium is missing; run as root: apt-get install chromium" >&2
  exit 0
fi
echo "== installing chromium (Debian package) for the browser tests"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends chromium fonts-wqy-microhei >/dev/null 2>&1; then
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends chromium fonts-wqy-microhei >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null
