#!/usr/bin/env bash
# Builds (once), starts and bootstraps the real Immich server(s) of ../shared/immich-server
# for the end-to-end suite. Idempotent and fast when they already run. Needs root and apt
# the first time (the build installs PostgreSQL, Redis and ffmpeg).
#   IMMICH_E2E_VERSIONS="3.0.3 2.7.5"   which releases (default: both; the e2e suite runs on each)
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER=../shared/immich-server
[ -x "$SERVER/build.sh" ] || { echo "$SERVER/build.sh is missing: the e2e suite needs ../shared beside the repository" >&2; exit 1; }
for version in ${IMMICH_E2E_VERSIONS:-3.0.3 2.7.5}; do
  export IMMICH_VERSION="$version"
  "$SERVER/build.sh" >/dev/null
  "$SERVER/start.sh" >/dev/null
  python3 "$SERVER/bootstrap.py" >/dev/null
  echo "Immich $version is up"
done
