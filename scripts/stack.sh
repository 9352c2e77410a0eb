#!/usr/bin/env bash
# The production stack on this machine: PostgreSQL and Redis (found or started by scripts/services.sh),
# migrations, static files, gunicorn on 127.0.0.1:8000, a Celery worker and Celery beat, all with the
# production settings, on the runtime dependencies only. Ctrl-C (or SIGTERM) stops every process it started.
#   scripts/stack.sh           run until stopped
#   scripts/stack.sh --check   start everything, wait until /healthz is all ok, print it, stop
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
# The runtime set alone (requirements.txt, hash-checked), as a server has it: a venv of its own under var/venvs/,
# so the development .venv is left as it is.
runtime_venv=$(bash scripts/venv_for.sh requirements.txt)
export PATH="$runtime_venv/bin:$PATH"
source scripts/services.sh
mkdir -p var
pids=()
stop_all() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  ohwb_stop_throwaway_services
  echo "Stack stopped."
}
trap stop_all EXIT
trap 'exit 130' INT TERM

ensure_postgres ohwb_stack
ensure_redis
export DJANGO_SETTINGS_MODULE=ohwb_portal.settings.production
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  [ -s var/secret_key ] || python -c 'import secrets; print(secrets.token_urlsafe(64))' > var/secret_key
  DJANGO_SECRET_KEY=$(cat var/secret_key); export DJANGO_SECRET_KEY
fi
# Plain http on localhost: no HTTPS redirect and no Secure-only cookies names, which need TLS.
export DJANGO_SECURE_SSL_REDIRECT=${DJANGO_SECURE_SSL_REDIRECT:-false}
export OHWB_LOCAL_HTTP=${OHWB_LOCAL_HTTP:-true}
PORT=${PORT:-8000}
# Links in e-mails point at this local stack unless told otherwise.
export OHWB_BASE_URL=${OHWB_BASE_URL:-http://127.0.0.1:$PORT}

python manage.py migrate --noinput >/dev/null
python manage.py collectstatic --noinput >/dev/null
# The operators' metrics scrape (/ops/metrics) needs a token; one is made for this machine like the secret key.
if [ -z "${OHWB_METRICS_TOKEN:-}" ]; then
  [ -s var/metrics_token ] || python -c 'import secrets; print(secrets.token_urlsafe(32))' > var/metrics_token
  OHWB_METRICS_TOKEN=$(cat var/metrics_token); export OHWB_METRICS_TOKEN
fi
# gunicorn's workers share their request-latency figures through this directory (emptied at each start).
rm -rf var/prometheus && mkdir -p var/prometheus
PROMETHEUS_MULTIPROC_DIR="$(pwd)/var/prometheus" \
  gunicorn ohwb_portal.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 --access-logfile var/gunicorn-access.log \
  --error-logfile var/gunicorn.log --capture-output & pids+=($!)
# Celery's --logfile is only used when Celery owns the root logger; ours goes to stderr with request ids
# (settings LOGGING), so each process's output is appended to its log file.
celery -A ohwb_portal worker --loglevel INFO --concurrency 2 >>var/celery-worker.log 2>&1 & pids+=($!)
celery -A ohwb_portal beat --loglevel INFO --schedule var/celerybeat-schedule >>var/celery-beat.log 2>&1 & pids+=($!)
echo "Portal (production settings): http://127.0.0.1:$PORT/   health: http://127.0.0.1:$PORT/healthz"
echo "Metrics: curl -H \"Authorization: Bearer \$(cat var/metrics_token)\" http://127.0.0.1:$PORT/ops/metrics"
echo "Logs in var/. Create users with: DATABASE_URL=$DATABASE_URL python manage.py seed_demo"

if [ "$mode" = "--check" ]; then
  for _ in $(seq 60); do
    body=$(curl -s "http://127.0.0.1:$PORT/healthz" || true)
    if echo "$body" | grep -q '"status": "ok"'; then echo "healthz: $body"; exit 0; fi
    sleep 1
  done
  echo "The stack did not become healthy in 60 s: ${body:-no answer}" >&2
  exit 1
fi
wait -n "${pids[@]}"
