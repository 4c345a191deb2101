#!/usr/bin/env bash
# Load test on this machine: PostgreSQL (database "loadtest", recreated), Redis db 14, gunicorn with
# 4 workers and one Celery worker on 127.0.0.1; 50 users for 60 s, then verify and tear down.
#   USERS=50 DURATION=60s PORT=8765 scripts/loadtest.sh
# DB and REDIS_DB name another database and Redis db, so two runs on one machine do not collide.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${USERS:-50}
DURATION=${DURATION:-60s}
PORT=${PORT:-8765}
WORKERS=${WORKERS:-4}
PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432}
RUN=${RUN:-$(mktemp -d /tmp/loadtest.XXXXXX)}
PY=.venv/bin/python
DB=${DB:-loadtest}
REDIS_DB=${REDIS_DB:-14}

export DATABASE_URL="$PGURL/$DB" REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB" DEBUG=0 LOG_LEVEL=WARNING
export LOADTEST_RUN_DIR="$RUN" PYTHONUNBUFFERED=1

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "== database $DB and Redis db $REDIS_DB (run directory $RUN)"
psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $DB" -qc "CREATE DATABASE $DB"
redis-cli -n "$REDIS_DB" flushdb >/dev/null
$PY manage.py migrate -v0
$PY manage.py load_demo >/dev/null
$PY scripts/loadtest.py setup --users "$USERS" --out "$RUN"

echo "== gunicorn ($WORKERS workers) and a Celery worker"
.venv/bin/gunicorn config.wsgi -w "$WORKERS" -b "127.0.0.1:$PORT" --timeout 60 \
  --access-logfile "$RUN/access.log" --error-logfile "$RUN/gunicorn.log" &
pids+=($!)
.venv/bin/celery -A config worker -c 4 -l warning -n "loadtest-$$@%h" >"$RUN/worker.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.5
done

echo "== $USERS users for $DURATION"
.venv/bin/locust -f scripts/loadtest.py --headless -u "$USERS" -r "$USERS" -t "$DURATION" \
  --host "http://127.0.0.1:$PORT" --stop-timeout 30 --only-summary --loglevel WARNING >"$RUN/locust.log" 2>&1 || true
tail -n 40 "$RUN/locust.log"

echo "== verify"
status=0
$PY scripts/loadtest.py verify --run "$RUN" || status=$?
echo "server errors in gunicorn's log: $(grep -c '" 5[0-9][0-9] ' "$RUN/access.log" || true)"
exit $status
