#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 server, for the storage
# tests: starts the server on a unix socket in a fresh temp directory (port
# 54329, no TCP listener), creates the database hipcoach_test, exports
# HIPCOACH_TEST_POSTGRES_URL for it, runs "$@", then always stops the server
# and removes its directory. Exits with the command's status.
# As root, the server runs as the postgres user (runuser); otherwise as the
# current user.
#   scripts/with-postgres.sh build/tests/storage/storage_test
set -euo pipefail

if (($# == 0)); then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PORT=${HIPCOACH_TEST_POSTGRES_PORT:-54329}
if [[ ! -x $PGBIN/pg_ctl ]]; then
  echo "with-postgres: $PGBIN/pg_ctl not found; install Debian's postgresql package" >&2
  exit 1
fi

as_server() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/hipcoach-pg-XXXXXX")
started=0
cleanup() {
  if ((started)); then
    as_server "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$dir/sock"
if ((EUID == 0)); then
  chown -R postgres:postgres "$dir"
fi
# The server's user needs to reach the directory.
chmod 755 "$dir"

if ! as_server "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
  --no-sync >"$dir/initdb.log" 2>&1; then
  echo "with-postgres: initdb failed:" >&2
  cat "$dir/initdb.log" >&2
  exit 1
fi
started=1
if ! as_server "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories=$dir/sock -p $PORT -c fsync=off" \
  start >/dev/null; then
  echo "with-postgres: the server did not start:" >&2
  cat "$dir/server.log" >&2
  exit 1
fi
"$PGBIN/psql" -X -q "host=$dir/sock port=$PORT user=postgres dbname=postgres" \
  -c 'CREATE DATABASE hipcoach_test'

export HIPCOACH_TEST_POSTGRES_URL="postgresql:///hipcoach_test?host=$dir/sock&port=$PORT&user=postgres"
status=0
"$@" || status=$?
exit "$status"
