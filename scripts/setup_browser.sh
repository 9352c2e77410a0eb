#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright (no browser download: it is not possible here).
# Installs the chromium package when it is missing and we are root; otherwise names the package to install.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Browser tests need Chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi
