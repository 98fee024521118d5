#!/usr/bin/env bash
# Starts (or stops) a throw-away PostgreSQL and MariaDB server for the tests: Debian's own
# server binaries, on loopback, data in STATE_DIR, fsync off. `start` writes STATE_DIR/env
# with the connection URIs the tests read; `stop` stops both and removes STATE_DIR.
# ctest runs `start` as a fixture set-up and `stop` as its clean-up.
#
# Usage: tests/support/db_servers.sh start|stop STATE_DIR
set -euo pipefail
action=${1:?start or stop}
state=${2:?state directory}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_pg() {
  # PostgreSQL refuses to run as root: drop to the postgres user the package created.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

stop() {
  if [ -f "$state/pg/postmaster.pid" ]; then as_pg "$pg_bin/pg_ctl" -D "$state/pg" -m immediate stop >/dev/null 2>&1 || true; fi
  if [ -f "$state/maria.pid" ]; then
    local pid
    pid=$(cat "$state/maria.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$state"
}

if [ "$action" = stop ]; then stop; exit 0; fi
[ "$action" = start ] || { echo "db_servers.sh: want start or stop" >&2; exit 2; }
[ -n "$pg_bin" ] || { echo "db_servers.sh: no PostgreSQL server (apt-get install postgresql)" >&2; exit 1; }
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || { echo "db_servers.sh: no MariaDB server (apt-get install mariadb-server)" >&2; exit 1; }

stop
mkdir -p "$state"
chmod 755 "$state"

# ---- PostgreSQL ----
pg_port=$(free_port)
mkdir -p "$state/pg" "$state/pgsock"
[ "$(id -u)" = 0 ] && chown postgres: "$state/pg" "$state/pgsock"
# Trust over the socket for the set-up below; passwords over TCP, as the tests connect.
as_pg "$pg_bin/initdb" -D "$state/pg" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$state/pg-init.log" 2>&1 ||
  { cat "$state/pg-init.log" >&2; exit 1; }
as_pg "$pg_bin/pg_ctl" -D "$state/pg" -l "$state/pg/server.log" -w -t 60 \
  -o "-p $pg_port -k $state/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >/dev/null ||
  { cat "$state/pg/server.log" >&2; exit 1; }
psql_() { as_pg "$pg_bin/psql" -h "$state/pgsock" -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
psql_ -c "CREATE ROLE canary LOGIN PASSWORD 'canary-secret'" -c "CREATE DATABASE people OWNER canary ENCODING 'UTF8'"

# ---- MariaDB ----
maria_port=$(free_port)
mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$state/maria" --auth-root-authentication-method=normal \
  --skip-test-db >"$state/maria-init.log" 2>&1 || { cat "$state/maria-init.log" >&2; exit 1; }
/usr/sbin/mariadbd --no-defaults --user="$(id -un)" --datadir="$state/maria" --port="$maria_port" \
  --bind-address=127.0.0.1 --socket="$state/maria.sock" --pid-file="$state/maria.pid" --skip-log-bin \
  --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=64M >"$state/maria.log" 2>&1 &
for _ in $(seq 300); do
  mariadb-admin --no-defaults --socket="$state/maria.sock" -uroot ping >/dev/null 2>&1 && break
  sleep 0.1
done
mariadb --no-defaults --socket="$state/maria.sock" -uroot -e "
  CREATE DATABASE people CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
  CREATE USER 'canary'@'127.0.0.1' IDENTIFIED BY 'canary-secret';
  GRANT ALL ON people.* TO 'canary'@'127.0.0.1';" || { cat "$state/maria.log" >&2; exit 1; }

cat >"$state/env" <<ENV
CT_TEST_PG_URI=postgresql://canary:canary-secret@127.0.0.1:$pg_port/people
CT_TEST_MYSQL_URI=mysql://canary:canary-secret@127.0.0.1:$maria_port/people
CT_TEST_PG_BIN=$pg_bin
CT_TEST_PG_PORT=$pg_port
CT_TEST_MYSQL_PORT=$maria_port
ENV
echo "db_servers.sh: PostgreSQL on 127.0.0.1:$pg_port, MariaDB on 127.0.0.1:$maria_port"
