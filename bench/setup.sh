#!/usr/bin/env bash
# Installs what the benchmark harness needs and nothing it already has.
# Safe to run again: apt is only called for missing packages, `npm ci` is cheap when node_modules matches.
set -euo pipefail

cd "$(dirname "$0")"

missing=()
for pkg in redis-server nginx-light libnginx-mod-nchan; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # policy-rc.d-free way to keep package scripts from leaving services up: stop them right after.
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
  # The harness starts its own nginx and redis on ports 20000-20999; the system services would only
  # take port 80 / 6379 and CPU from the measurement, so they are stopped and kept from starting at boot.
  for svc in nginx redis-server; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
      $sudo_cmd systemctl disable --now "$svc" >/dev/null 2>&1 || true
    else
      $sudo_cmd service "$svc" stop >/dev/null 2>&1 || true
    fi
  done
fi

# Package scripts may have started daemons without systemd (containers): stop any still running.
for pidfile in /run/nginx.pid /run/redis/redis-server.pid; do
  if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
  fi
done

npm ci --no-audit --no-fund --loglevel=error
