#!/usr/bin/env bash
# nginx and tinyproxy from apt, for tests/network (which starts them itself, on loopback
# ports, with configurations of its own). Idempotent: does nothing when both are there.
# Installs tinyproxy-bin (the program alone) rather than tinyproxy, which adds a system
# service.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
if command -v nginx >/dev/null && command -v tinyproxy >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "tests/network needs nginx and tinyproxy: run 'apt-get install -y nginx tinyproxy-bin' as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get install -y -qq nginx tinyproxy-bin >/dev/null 2>&1 \
  || { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq nginx tinyproxy-bin >/dev/null; }
command -v nginx >/dev/null && command -v tinyproxy >/dev/null
