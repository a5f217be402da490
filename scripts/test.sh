#!/usr/bin/env bash
# Runs the whole test suite: unit tests, HTTP tests on loopback, and end-to-end tests that start
# the real server and phone simulator processes.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNTERSIGN_FOR_TESTS=1 ./scripts/ensure-system-packages.sh

swift build --build-tests
swift test --skip-build "$@"
