#!/usr/bin/env bash
# Sourced by scripts/test.sh and scripts/stack.sh: makes sure PostgreSQL and Redis answer and
# exports DATABASE_URL and REDIS_URL.
#   1. use DATABASE_URL / REDIS_URL if set and answering;
#   2. else the local default ports (127.0.0.1:5432, 127.0.0.1:6379) if they answer;
#   3. else start throwaway servers from the binaries on PATH (removed on exit);
#   4. else stop and name the Debian package to install.

OHWB_VAR_DIR="${OHWB_VAR_DIR:-$(pwd)/var}"
OHWB_THROWAWAY_PIDS=()

_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

_pg_bin() {
  local name=$1
  command -v "$name" 2>/dev/null && return
  ls /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1
}

_pg_answers() { # url
  python3 - "$1" <<'PY' >/dev/null 2>&1
import sys, psycopg2
psycopg2.connect(sys.argv[1], connect_timeout=2).close()
PY
}

_redis_answers() { # url
  python3 - "$1" <<'PY' >/dev/null 2>&1
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
PY
}

ohwb_stop_throwaway_services() {
  for cmd in "${OHWB_THROWAWAY_PIDS[@]}"; do eval "$cmd" >/dev/null 2>&1 || true; done
  OHWB_THROWAWAY_PIDS=()
}

ensure_postgres() {
  local dbname=${1:-ohwb}
  if [ -n "${DATABASE_URL:-}" ]; then
    _pg_answers "$DATABASE_URL" && return 0
    echo "DATABASE_URL is set but PostgreSQL does not answer there: $DATABASE_URL" >&2
    return 1
  fi
  local url
  for user in "${PGUSER:-postgres}" root; do
    url="postgres://$user@127.0.0.1:5432/postgres"
    if _pg_answers "$url"; then
      python3 - "$url" "$dbname" <<'PY'
import sys, psycopg2
conn = psycopg2.connect(sys.argv[1]); conn.autocommit = True
cur = conn.cursor()
cur.execute("SELECT 1 FROM pg_database WHERE datname=%s", (sys.argv[2],))
if not cur.fetchone():
    cur.execute(f'CREATE DATABASE "{sys.argv[2]}"')
PY
      export DATABASE_URL="postgres://$user@127.0.0.1:5432/$dbname"
      echo "PostgreSQL: using the server on 127.0.0.1:5432"
      return 0
    fi
  done
  local initdb pg_ctl
  initdb=$(_pg_bin initdb); pg_ctl=$(_pg_bin pg_ctl)
  if [ -z "$initdb" ] || [ -z "$pg_ctl" ]; then
    echo "PostgreSQL is not running and its binaries are not installed." >&2
    echo "Install it with: sudo apt-get install postgresql   (or set DATABASE_URL)" >&2
    return 1
  fi
  local port dir run_as=()
  port=$(_free_port)
  dir=$(mktemp -d /tmp/ohwb-pg-XXXXXX)
  if [ "$(id -u)" = 0 ]; then  # PostgreSQL refuses to run as root
    chown postgres "$dir"; run_as=(runuser -u postgres --)
  fi
  "${run_as[@]}" "$initdb" -D "$dir/data" -U postgres -A trust >/dev/null
  "${run_as[@]}" "$pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" -l "$dir/log" -w start >/dev/null
  OHWB_THROWAWAY_PIDS+=("${run_as[*]} $pg_ctl -D $dir/data -m immediate stop; rm -rf $dir")
  "${run_as[@]}" "$(_pg_bin createdb)" -h 127.0.0.1 -p "$port" -U postgres "$dbname"
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/$dbname"
  echo "PostgreSQL: started a throwaway server on 127.0.0.1:$port"
}

ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then
    _redis_answers "$REDIS_URL" && return 0
    echo "REDIS_URL is set but Redis does not answer there: $REDIS_URL" >&2
    return 1
  fi
  if _redis_answers "redis://127.0.0.1:6379/0"; then
    export REDIS_URL="redis://127.0.0.1:6379/${OHWB_REDIS_DB:-1}"
    echo "Redis: using the server on 127.0.0.1:6379"
    return 0
  fi
  if ! command -v redis-server >/dev/null; then
    echo "Redis is not running and redis-server is not installed." >&2
    echo "Install it with: sudo apt-get install redis-server   (or set REDIS_URL)" >&2
    return 1
  fi
  local port dir
  port=$(_free_port)
  dir=$(mktemp -d /tmp/ohwb-redis-XXXXXX)
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/log" >/dev/null
  for _ in $(seq 50); do _redis_answers "redis://127.0.0.1:$port/0" && break; sleep 0.1; done
  OHWB_THROWAWAY_PIDS+=("kill \$(cat $dir/redis.pid); rm -rf $dir")
  export REDIS_URL="redis://127.0.0.1:$port/0"
  echo "Redis: started a throwaway server on 127.0.0.1:$port"
}
