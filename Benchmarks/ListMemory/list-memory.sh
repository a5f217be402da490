#!/usr/bin/env bash
# What serving a long list costs the server: imports N hardware tokens into a development server,
# lists them all M times through the CLI (which follows the pages), and prints the server's
# resident memory (VmRSS, VmHWM from /proc) and CPU per listing (utime+stime from /proc).
set -euo pipefail

usage() {
  cat <<'TEXT'
Usage: Benchmarks/ListMemory/list-memory.sh [--tokens N] [--calls M] [--page-size P] [--bin DIR]

Starts `countersign server --dev` on a free port with a fresh data folder, imports N tokens
(default 100000) from a generated CSV, then runs `countersign token list --format json` M times
(default 15), each reading every page of P tokens (default 1000, the server's default; at most 10000).
Prints the server's memory before and after, and its CPU per listing. --bin is the folder holding
the `countersign` executable (default .build-release/release, else .build/debug).
TEXT
}

tokens=100000 calls=15 page=1000 bin=""
while [ $# -gt 0 ]; do
  case "$1" in
    --tokens) tokens=$2; shift 2 ;;
    --calls) calls=$2; shift 2 ;;
    --page-size) page=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "list-memory: unknown argument '$1'" >&2; usage >&2; exit 64 ;;
  esac
done
for n in "$tokens" "$calls" "$page"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "list-memory: '$n' is not a positive whole number" >&2; exit 64; }
done
if [ -z "$bin" ]; then
  if [ -x .build-release/release/countersign ]; then bin=.build-release/release; else bin=.build/debug; fi
fi
cs="$bin/countersign"
[ -x "$cs" ] || { echo "list-memory: no executable at $cs; build it first" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
work=$(mktemp -d)
port=$(free_port) gateway=$(free_port) control=$(free_port)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

echo "Running $tokens tokens, $calls listings, pages of $page, with $cs"
"$cs" server --dev --data "$work/data" --listen "127.0.0.1:$port" --gateway-port "$gateway" \
  --gateway-control-port "$control" --log-level warning >"$work/server.log" 2>&1 &
server_pid=$!
# Development mode serves TLS with its own CA, as run-server.sh does.
export COUNTERSIGN_SERVER="https://127.0.0.1:$port" COUNTERSIGN_CA_FILE="$work/data/tls/ca.pem"
for _ in $(seq 1 100); do
  [ -s "$work/data/admin-token" ] && curl -sf --cacert "$COUNTERSIGN_CA_FILE" "$COUNTERSIGN_SERVER/health" >/dev/null && break
  sleep 0.2
done
COUNTERSIGN_TOKEN=$(cat "$work/data/admin-token")
export COUNTERSIGN_TOKEN

python3 - "$tokens" >"$work/tokens.csv" <<'PY'
import base64, os, sys
for i in range(int(sys.argv[1])):
    print(f"BENCH{i:07d},{base64.b32encode(os.urandom(20)).decode()},30")
PY
clock_ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
memory() { awk '/^VmRSS|^VmHWM/ {printf "%s %d MB  ", $1, $2 / 1024}' "/proc/$server_pid/status"; }

echo "before the import:       $(memory)"
import_before=$(cpu_ticks)
import_start=$(date +%s.%N)
# The command line's own peak memory, when GNU time is there to tell it.
timer=() && [ -x /usr/bin/time ] && timer=(/usr/bin/time -f "%M" -o "$work/import.rss")
"${timer[@]}" "$cs" token import "$work/tokens.csv" >/dev/null 2>"$work/import.log" \
  || { cat "$work/import.log" >&2; exit 1; }
[ -s "$work/import.rss" ] && echo "import (command line):   peak RSS $(( $(tail -1 "$work/import.rss") / 1024 )) MB"
python3 - "$import_before" "$(cpu_ticks)" "$clock_ticks" "$tokens" "$import_start" "$(date +%s.%N)" <<'PY'
import sys
before, after, hz, tokens, start, end = map(float, sys.argv[1:])
print(f"import:                  wall {end - start:.1f} s, server CPU {(after - before) / hz:.1f} s "
      f"({(after - before) / hz / tokens * 1e6:.1f} µs per token)")
PY
echo "after the import:        $(memory)"
before=$(cpu_ticks)
start=$(date +%s.%N)
for _ in $(seq 1 "$calls"); do
  count=$("$cs" token list --format json --page-size "$page" | grep -c '"serial"')
  [ "$count" -eq "$tokens" ] || { echo "list-memory: a listing returned $count tokens, not $tokens" >&2; exit 1; }
done
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
after=$(cpu_ticks)
echo "after $calls listings:      $(memory)"
python3 - "$before" "$after" "$clock_ticks" "$calls" "$tokens" "$elapsed" <<'PY'
import sys
before, after, hz, calls, tokens, elapsed = map(float, sys.argv[1:])
cpu = (after - before) / hz
print(f"server CPU per listing:  {cpu / calls * 1000:.0f} ms ({cpu / calls / tokens * 1e6:.2f} µs per token), "
      f"wall {elapsed / calls:.2f} s per listing")
PY
