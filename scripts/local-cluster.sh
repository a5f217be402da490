#!/usr/bin/env bash
# Starts a local cluster for trying several nodes: a throwaway PostgreSQL and N countersign server
# nodes on loopback ports (default 3), all on one database with one master key. The last node runs
# --dev: it links the database to the local provider and hosts the gateway emulator phones use.
# Ctrl-C stops every node and deletes the database.
#   scripts/local-cluster.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${1:-3}
if ! [[ "$nodes" =~ ^[1-9]$ ]]; then echo "usage: scripts/local-cluster.sh [1-9 nodes]" >&2; exit 2; fi
./scripts/ensure-system-packages.sh
dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q "install ok installed" \
  || COUNTERSIGN_FOR_TESTS=1 ./scripts/ensure-system-packages.sh
swift build --product countersign --product countersign-phone
bin=$(swift build --show-bin-path)

folder=$(mktemp -d /tmp/countersign-cluster-XXXXXX)
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ./scripts/postgres-throwaway.sh stop "$folder/postgres"
  rm -rf "$folder"
}
trap stop EXIT

url=$(./scripts/postgres-throwaway.sh start "$folder/postgres")
COUNTERSIGN_MASTER_KEY=$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
export COUNTERSIGN_MASTER_KEY COUNTERSIGN_DATABASE_URL=$url

for index in $(seq "$nodes" -1 1); do
  port=$((8180 + index))
  extra=()
  [ "$index" -eq "$nodes" ] && extra=(--dev --dev-plain-http)
  "$bin/countersign" server --data "$folder/node$index" --listen "127.0.0.1:$port" --node-name "node$index" \
    "${extra[@]}" >"$folder/node$index.log" 2>&1 &
  pids+=($!)
  until grep -q "Countersign is listening" "$folder/node$index.log" 2>/dev/null; do
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$folder/node$index.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "node$index: http://127.0.0.1:$port (log: $folder/node$index.log)"
done
echo
echo "Admin token: $(cat "$folder/node$nodes/admin-token")"
echo "Try: COUNTERSIGN_SERVER=http://127.0.0.1:8181 COUNTERSIGN_TOKEN=… $bin/countersign status"
echo "Ctrl-C stops the cluster and deletes its database."
wait
