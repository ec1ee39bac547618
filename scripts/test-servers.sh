#!/usr/bin/env bash
# Throwaway Redis and PostgreSQL servers for the shared-storage tests, on 127.0.0.1
# only, on free ports, with their data in one temporary folder. Installs nothing:
# it needs redis-server on PATH and PostgreSQL's initdb/pg_ctl (PG_BIN, or the
# newest /usr/lib/postgresql/*/bin).
#
#   eval "$(scripts/test-servers.sh start)"   # exports TEST_REDIS_URL, TEST_POSTGRES_URL, TEST_SERVERS_DIR
#   npx vitest run
#   scripts/test-servers.sh stop              # reads TEST_SERVERS_DIR, or takes the folder as its argument
#
# Both servers require a password (random per start), so the tests can check that
# one never shows in a message. Neither keeps anything on disk it would need
# again: Redis saves nothing, PostgreSQL runs with fsync off.
set -euo pipefail

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

pg_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then echo "$PG_BIN"; return; fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -z "$found" ]] && command -v pg_config >/dev/null; then found=$(pg_config --bindir); fi
  [[ -n "$found" && -x "$found/initdb" ]] || { echo "test-servers: PostgreSQL's initdb not found (set PG_BIN)" >&2; exit 1; }
  echo "$found"
}

# PostgreSQL refuses to run as root: as root, its commands run as the postgres user.
as_pg() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  command -v redis-server >/dev/null || { echo "test-servers: redis-server not found (Debian: apt-get install redis-server)" >&2; exit 1; }
  local bin dir password redis_port pg_port
  bin=$(pg_bin)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/sourcing-bot-servers-XXXXXX")
  chmod 755 "$dir"
  # A start that fails halfway stops what it did start.
  trap 'stop "$dir" >/dev/null 2>&1' EXIT
  password=$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')

  redis_port=$(free_port)
  mkdir "$dir/redis"
  # Many databases: each test harness takes one of its own (see tests/support/storage-backends.ts).
  redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$dir/redis" --save '' --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --requirepass "$password" --databases 1000 >/dev/null
  echo "$redis_port" >"$dir/redis.port"

  pg_port=$(free_port)
  mkdir "$dir/pg" "$dir/pg-socket"
  printf '%s\n' "$password" >"$dir/pg-password"
  if [[ $(id -u) == 0 ]]; then chown postgres "$dir/pg" "$dir/pg-socket" "$dir/pg-password"; fi
  as_pg "$bin/initdb" -D "$dir/pg/data" -U postgres -A scram-sha-256 --pwfile="$dir/pg-password" -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_pg "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $dir/pg-socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/pg/server.log" >&2; exit 1; }

  # Wait for Redis too (it daemonizes before it listens).
  for _ in $(seq 50); do
    redis-cli -p "$redis_port" --no-auth-warning -a "$password" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done

  cat >"$dir/env" <<EOF
export TEST_SERVERS_DIR='$dir'
export TEST_REDIS_URL='redis://:$password@127.0.0.1:$redis_port'
export TEST_POSTGRES_URL='postgresql://postgres:$password@127.0.0.1:$pg_port/postgres'
EOF
  trap - EXIT
  cat "$dir/env"
}

stop() {
  local dir=${1:-${TEST_SERVERS_DIR:-}}
  [[ -n "$dir" && -d "$dir" ]] || { echo "test-servers: no server folder to stop (give it or set TEST_SERVERS_DIR)" >&2; exit 1; }
  if [[ -f "$dir/redis.pid" ]]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
  if [[ -d "$dir/pg/data" ]]; then as_pg "$(pg_bin)/pg_ctl" -D "$dir/pg/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  # Redis removes its pid file as it exits.
  for _ in $(seq 50); do [[ -f "$dir/redis.pid" ]] || break; sleep 0.1; done
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop [folder]" >&2; exit 2 ;;
esac
