#!/usr/bin/env bash
# Benchmarks at national scale (docs/PERFORMANCE.md), with the production settings (plus the bench commands):
#   1. generate N cases into a database of their own (once: a later run reuses it),
#   2. roll up the KPIs as the nightly task does (timed),
#   3. measure the heaviest pages in-process: p50/p95, queries, peak memory (the board dashboard with this month's
#      rollup fresh and stale),
#   4. a load run against gunicorn: the bare /livez view, the control page (fortunes) and the working-day mix, with
#      the server's CPU per request (gunicorn and PostgreSQL, from their own accounting) and the mix/control ratio.
# The machine's load average is printed beside every figure: on a shared machine it says how far to trust them.
#   scripts/bench.sh              100,000 cases
#   scripts/bench.sh 1000000      1 million cases
# Settings from the environment: ROLLUP=1 (roll up again on a reused database), REPEATS (30), LOAD_SECONDS (30), LOAD_USERS (16), WORKERS (4), PORT (8010),
# BENCH_DATABASE_URL (else a database ohwb_bench_<N> on the local server, or a throwaway one).
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-100000}
REPEATS=${REPEATS:-30}
LOAD_SECONDS=${LOAD_SECONDS:-30}
LOAD_USERS=${LOAD_USERS:-16}
WORKERS=${WORKERS:-4}
PORT=${PORT:-8010}
bash scripts/setup.sh >/dev/null
export PATH="$(pwd)/.venv/bin:$PATH"
# Never generate into the database of a running portal: only BENCH_DATABASE_URL is honoured.
unset DATABASE_URL
[ -n "${BENCH_DATABASE_URL:-}" ] && export DATABASE_URL=$BENCH_DATABASE_URL
source scripts/services.sh
server=""
finish() {
  [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
  ohwb_stop_throwaway_services
}
trap finish EXIT
ensure_postgres "ohwb_bench_$cases"
ensure_redis
# The production settings with the benchmark commands and the control page (ohwb_portal/settings/bench.py).
export DJANGO_SETTINGS_MODULE=ohwb_portal.settings.bench
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-$(python -c 'import secrets; print(secrets.token_urlsafe(64))')}
export DJANGO_SECURE_SSL_REDIRECT=false OHWB_LOCAL_HTTP=true OHWB_BASE_URL=${OHWB_BASE_URL:-http://127.0.0.1:$PORT}
mkdir -p var/bench

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(psql --version 2>/dev/null || true)"
python manage.py migrate --noinput >/dev/null
python manage.py collectstatic --noinput >/dev/null
have=$(python manage.py shell -v 0 -c "from referrals.models import Referral; print(Referral.objects.count())")
if [ "$have" = 0 ]; then
  echo "== generate_load --cases $cases ($(uptime | sed 's/.*load/load/'))"
  python manage.py generate_load --cases "$cases"
  ROLLUP=1
elif [ "$have" -lt "$cases" ]; then
  echo "The benchmark database holds $have cases, not $cases: drop it to generate again." >&2
  exit 1
fi
if [ "${ROLLUP:-0}" = 1 ]; then  # after generating, or when asked: ROLLUP=1 scripts/bench.sh
  echo "== nightly KPI rollup ($(uptime | sed 's/.*load/load/'))"
  python manage.py rollup_kpis
fi
echo "== this month's rollup (what the 10-minute task does; dashboards read it while fresh) ($(uptime | sed 's/.*load/load/'))"
python manage.py rollup_kpis --months 1
echo "   done ($(uptime | sed 's/.*load/load/'))"
echo "== pages, in-process ($REPEATS timed requests each)"
python manage.py benchmark --repeats "$REPEATS"
echo "== load run: gunicorn, $WORKERS workers, on 127.0.0.1:$PORT"
gunicorn ohwb_portal.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --error-logfile var/bench/gunicorn.log &
server=$!
for _ in $(seq 30); do curl -sf "http://127.0.0.1:$PORT/livez" >/dev/null && break; sleep 1; done
python manage.py load_run --url "http://127.0.0.1:$PORT" --seconds "$LOAD_SECONDS" --users "$LOAD_USERS"
