#!/usr/bin/env bash
# Installs the Debian packages Countersign builds against, when any is missing.
# Sourced by run-server.sh and test.sh; safe to run again.
set -euo pipefail

needed=(libsqlite3-dev libcurl4-openssl-dev libssl-dev)
# The test suite drives countersign-phone's interactive prompt in a real terminal through tmux.
# The report test reads CSV back with Python's standard csv module, a reader independent of ours.
# The RADIUS tests use FreeRADIUS's radclient as the VPN, FreeRADIUS as the first-factor server and
# radsecproxy to reach RadSec. The PostgreSQL backend is tested against a throwaway server from
# Debian's postgresql package.
if [ "${COUNTERSIGN_FOR_TESTS:-0}" = 1 ]; then
  needed+=(tmux python3 freeradius-utils freeradius radsecproxy postgresql)
fi
missing=()
for package in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "Installing system packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"
fi

if ! command -v swift >/dev/null; then
  echo "error: the Swift toolchain (6.1 or later) is not on PATH" >&2
  exit 1
fi
