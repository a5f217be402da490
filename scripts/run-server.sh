#!/usr/bin/env bash
# Builds Countersign and runs the server on its embedded default: SQLite in ./data, development
# mode (linked to a local provider), ready for `countersign-phone` to pair.
# COUNTERSIGN_DATA and COUNTERSIGN_LISTEN change the folder and address; other arguments pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-system-packages.sh

swift build --product countersign
swift build --product countersign-phone
exec .build/debug/countersign server --dev \
  --data "${COUNTERSIGN_DATA:-./data}" \
  --listen "${COUNTERSIGN_LISTEN:-127.0.0.1:8180}" "$@"
