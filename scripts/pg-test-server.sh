#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: `start` runs initdb in a temporary folder
# (as the postgres user when run as root: initdb refuses root), starts it on a free port of
# 127.0.0.1 with trust authentication and the C locale, and prints the URL to export as
# TRACKER_TEST_PG; `stop DIR` (or `stop` with $TRACKER_PG_DIR) stops it and removes the folder.
# Two roles are the exception to trust: `tracker_pw` and `tracker_pw_cli` (the wrong-password
# tests create them, each with a password of its own) must give their password (scram-sha-256).
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "pg-test-server: no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/tracker-pg.XXXXXX)
    chmod 755 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-locale -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # pg_hba.conf is read top down, first match wins: this line goes before initdb's trust lines.
    as_owner sed -i '1i host all tracker_pw,tracker_pw_cli 127.0.0.1/32 scram-sha-256' "$dir/data/pg_hba.conf"
    as_owner "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
      -l "$dir/log" -w start >/dev/null || { cat "$dir/log" >&2; exit 1; }
    echo "TRACKER_PG_DIR=$dir"
    echo "TRACKER_TEST_PG=postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir=${2:-${TRACKER_PG_DIR:-}}
    [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "pg-test-server: stop needs the folder start printed" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir"
    ;;
  *) echo "usage: scripts/pg-test-server.sh start | stop DIR" >&2; exit 2 ;;
esac
