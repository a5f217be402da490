#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a free loopback port, for the test suite and for trying a
# cluster of nodes by hand.
#   scripts/postgres-throwaway.sh start FOLDER   prints the database URL; the cluster lives in FOLDER
#   scripts/postgres-throwaway.sh stop FOLDER    stops it and deletes FOLDER
#   scripts/postgres-throwaway.sh halt FOLDER    stops the server but keeps its data (an outage)
#   scripts/postgres-throwaway.sh resume FOLDER  starts it again on the same port
# For tests the server skips fsync (COUNTERSIGN_PG_FSYNC=on keeps it, as a benchmark must).
# COUNTERSIGN_PG_TLS=1 turns TLS on, with a certificate for 127.0.0.1 and localhost from a CA of
# its own, FOLDER/tls/ca.pem.
# PostgreSQL refuses to run as root, so under root (as in CI) it runs as the postgres user.
set -euo pipefail
action=${1:?usage: postgres-throwaway.sh start|stop|halt|resume FOLDER}
folder=${2:?usage: postgres-throwaway.sh start|stop|halt|resume FOLDER}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then echo "error: PostgreSQL's server is not installed (Debian package postgresql)" >&2; exit 1; fi

if [ "$(id -u)" -eq 0 ]; then as_owner=(runuser -u postgres --); else as_owner=(); fi

start_server() {
  local extra=""
  [ -f "$folder/options" ] && extra=$(cat "$folder/options")
  # The server outlives this script: it must not keep open any descriptor the caller handed down
  # (a caller that waits for those to close, as Foundation's Process does, would wait for ever).
  for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
  "${as_owner[@]}" "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 30 \
    -o "-p $1 -k $folder -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=${COUNTERSIGN_PG_FSYNC:-off} -c shared_buffers=64MB $extra" \
    start >/dev/null || { cat "$folder/server.log" >&2; exit 1; }
}

case "$action" in
start)
  mkdir -p "$folder"
  [ "$(id -u)" -eq 0 ] && chown postgres "$folder"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  printf '%s\n' "$password" >"$folder/.password"
  [ "$(id -u)" -eq 0 ] && chown postgres "$folder/.password"
  "${as_owner[@]}" "$bin/initdb" -D "$folder/data" -U countersign --pwfile="$folder/.password" \
    --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$folder/initdb.log" 2>&1 \
    || { cat "$folder/initdb.log" >&2; exit 1; }
  echo "$port" >"$folder/port"
  if [ "${COUNTERSIGN_PG_TLS:-0}" = 1 ]; then
    tls="$folder/tls"
    mkdir -p "$tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tls/ca.key" -out "$tls/ca.pem" \
      -days 2 -subj "/CN=Countersign test database CA" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tls/server.key" -out "$tls/server.csr" \
      -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$tls/server.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
      -out "$tls/server.crt" -days 2 -extfile "$tls/server.ext" 2>/dev/null
    chmod 600 "$tls/server.key"
    [ "$(id -u)" -eq 0 ] && chown -R postgres "$tls"
    echo "-c ssl=on -c ssl_cert_file=$tls/server.crt -c ssl_key_file=$tls/server.key" >"$folder/options"
  fi
  start_server "$port"
  PGPASSWORD=$password "$bin/createdb" -w -h 127.0.0.1 -p "$port" -U countersign countersign </dev/null
  echo "postgres://countersign:$password@127.0.0.1:$port/countersign?sslmode=disable"
  ;;
stop)
  if [ -d "$folder/data" ]; then "${as_owner[@]}" "$bin/pg_ctl" -D "$folder/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$folder"
  ;;
halt) "${as_owner[@]}" "$bin/pg_ctl" -D "$folder/data" -m fast -w stop >/dev/null ;;
resume) start_server "$(cat "$folder/port")" ;;
*) echo "usage: postgres-throwaway.sh start|stop|halt|resume FOLDER" >&2; exit 2 ;;
esac
