#!/usr/bin/env bash
# Start (or stop) a throw-away PostgreSQL server on a loopback port for the test suite.
#   tools/pg_test_server.sh start   -> prints the SQLAlchemy URL to use as KPIDESK_TEST_PG_URL
#   tools/pg_test_server.sh stop
# initdb refuses to run as root, so the server runs as the `postgres` user.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
DATA=${KPIDESK_PG_DATA:-/tmp/kpidesk-pg}
PORT=${KPIDESK_PG_PORT:-54329}
as_pg() { if [ "$(id -u)" = "0" ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }

case "${1:-start}" in
  start)
    if [ ! -s "$DATA/PG_VERSION" ]; then
      mkdir -p "$DATA"
      [ "$(id -u)" = "0" ] && chown postgres "$DATA"
      as_pg "$PGBIN/initdb -D $DATA -U kpidesk --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
    fi
    as_pg "$PGBIN/pg_ctl -D $DATA -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off' -l $DATA/server.log -w start" >/dev/null
    echo "postgresql+psycopg://kpidesk@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    as_pg "$PGBIN/pg_ctl -D $DATA -m fast -w stop" >/dev/null || true
    ;;
esac
