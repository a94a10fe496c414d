#!/usr/bin/env bash
# Builds (once), starts and bootstraps the real Immich server(s) of ../shared/immich-server
# for the end-to-end suite. Idempotent and fast when they already run. Needs root and apt
# the first time (the build installs PostgreSQL, Redis and ffmpeg).
#   IMMICH_E2E_VERSIONS="3.0.3 2.7.5"   which releases (default: both; the e2e suite runs on each)
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER=../shared/immich-server
[ -x "$SERVER/build.sh" ] || { echo "$SERVER/build.sh is missing: the e2e suite needs ../shared beside the repository" >&2; exit 1; }

# The ports a release listens on (Immich, PostgreSQL, Redis), as its common.sh sets them.
ports_of() {
  IMMICH_VERSION="$1" bash -c '. "$0/common.sh"; echo "$IMMICH_PORT $PG_PORT $REDIS_PORT"' "$SERVER"
}

# A service cannot listen on a port that a closed client connection still holds in TIME_WAIT
# (up to 60 s): the kernel hands out client ports from the same range as these (32768-60999),
# and the unit suite opens thousands of loopback connections. Wait until nothing holds them.
wait_until_free() {
  local port waited=0
  for port in "$@"; do
    [ -z "$(ss -Hltn "sport = :$port")" ] || continue  # already listening: the service runs
    while [ -n "$(ss -Htan "sport = :$port")" ]; do
      [ "$waited" -gt 0 ] || echo "waiting for port $port, still held by a closed connection" >&2
      waited=$((waited + 1))
      [ "$waited" -le 90 ] || { echo "port $port is still in use after 90 s:" >&2; ss -tanp "sport = :$port" >&2; exit 1; }
      sleep 1
    done
  done
}

for version in ${IMMICH_E2E_VERSIONS:-3.0.3 2.7.5}; do
  export IMMICH_VERSION="$version"
  "$SERVER/build.sh" >/dev/null
  # shellcheck disable=SC2046  # three port numbers, split on purpose
  wait_until_free $(ports_of "$version")
  "$SERVER/start.sh" >/dev/null
  python3 "$SERVER/bootstrap.py" >/dev/null
  echo "Immich $version is up"
done
