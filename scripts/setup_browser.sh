#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright (no browser download: it is not possible here), and
# read the PDFs they download with poppler's pdfinfo and pdftotext (is it tagged, what does it say).
# Installs the missing Debian packages when we are root (CI is); otherwise names the packages to install.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdfinfo >/dev/null && command -v pdftotext >/dev/null || missing+=(poppler-utils)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing ${missing[*]} for the browser tests..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Browser tests need: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
