#!/usr/bin/env bash
# Runs the whole test suite: unit tests, HTTP tests on loopback, and end-to-end tests that start
# the real server and phone simulator processes.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNTERSIGN_FOR_TESTS=1 ./scripts/ensure-system-packages.sh
# From PyPI, in a venv of the suite's own: a RADIUS client (pyrad, which checks the replies'
# Message-Authenticator) and an OpenAPI fuzzer (schemathesis, which checks docs/openapi.yaml against
# a running server).
if ! .build/python/bin/python -c 'import pyrad' 2>/dev/null || [ ! -x .build/python/bin/st ]; then
  python3 -m venv .build/python
  .build/python/bin/pip install --quiet 'pyrad==2.6.0' 'schemathesis==4.32.5'
fi

swift build --build-tests

# A throwaway PostgreSQL server for the run, on a free port, stopped and deleted however the run ends:
# the store contract runs against it as well as SQLite, and so do the cluster's end-to-end tests.
postgres_folder=$(mktemp -d /tmp/countersign-postgres-XXXXXX)
trap './scripts/postgres-throwaway.sh stop "$postgres_folder"' EXIT
COUNTERSIGN_TEST_POSTGRES_URL=$(./scripts/postgres-throwaway.sh start "$postgres_folder")
# The same server's Unix socket is in its folder: one cluster node connects through that.
export COUNTERSIGN_TEST_POSTGRES_URL COUNTERSIGN_REQUIRE_POSTGRES=1 COUNTERSIGN_TEST_POSTGRES_SOCKET="$postgres_folder"

swift test --skip-build "$@"

# schemathesis against a running server, on its own: beside the rest of the suite its CPU made
# timing-sensitive tests late. A run narrowed with arguments leaves it out.
if [ $# -eq 0 ]; then
  COUNTERSIGN_SCHEMATHESIS=$PWD/.build/python/bin/st swift test --skip-build --filter SchemathesisEndToEndTests
fi
