#!/usr/bin/env bash
# Installs nhsuk-frontend and accessible-autocomplete from npm and copies their built CSS, JS and images into
# build/static/nhsuk and build/static/accessible-autocomplete,
# which Django's collectstatic and WhiteNoise serve. Nothing from node_modules is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/nhsuk-frontend ] || [ ! -d node_modules/accessible-autocomplete ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error  # also axe-core, for the browser tests
fi
src=node_modules/nhsuk-frontend/dist/nhsuk
dest=build/static/nhsuk
rm -rf "$dest" && mkdir -p "$dest"
# The source maps too: the files name them, and the manifest storage checks every reference.
cp "$src"/nhsuk-frontend.min.css{,.map} "$src"/nhsuk-frontend.min.js{,.map} "$dest/"
cp -r "$src/assets" "$dest/assets"

src=node_modules/accessible-autocomplete/dist
dest=build/static/accessible-autocomplete
rm -rf "$dest" && mkdir -p "$dest"
cp "$src"/accessible-autocomplete.min.css{,.map} "$src"/accessible-autocomplete.min.js{,.map} "$dest/"
