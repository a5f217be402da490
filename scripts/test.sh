#!/usr/bin/env bash
# Runs the whole test suite: unit tests, HTTP tests on loopback, and end-to-end tests that start
# the real server and phone simulator processes.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNTERSIGN_FOR_TESTS=1 ./scripts/ensure-system-packages.sh
# A RADIUS client from PyPI (pyrad, which checks the replies' Message-Authenticator), in its own venv.
if ! .build/python/bin/python -c 'import pyrad' 2>/dev/null; then
  python3 -m venv .build/python
  .build/python/bin/pip install --quiet 'pyrad==2.6.0'
fi

swift build --build-tests
swift test --skip-build "$@"
