#!/usr/bin/env bash
# Runs a command with Node >= 22 first on PATH (see use-node.sh): what every npm script goes through,
# so `npm run demo` and `npm test` work on a host whose own node is older.
set -euo pipefail
source "$(dirname "$0")/use-node.sh"
exec "$@"
