#!/usr/bin/env sh
# The worker container's start: wait until the database is migrated (the web container does
# it), then run the task engine's worker (collecting from feeds: docs/collecting.md). Any
# number of these, on any number of machines, share the queue in PostgreSQL.
set -eu
: "${DATABASE_URL:?DATABASE_URL must point at PostgreSQL}"
# A production start, as docker/start.sh: no .env, no DEBUG, a real secret key.
export DJANGO_PRODUCTION=1
PYTHON="${PYTHON:-python}"
until "$PYTHON" manage.py migrate --check >/dev/null 2>&1; do
  echo "worker: waiting for the database to be migrated"
  sleep 3
done
# SIGTERM (docker stop) lets the running jobs finish for up to 30 s; a job cut short later
# (SIGKILL) is given back to the queue by the other workers (archive.tasks.retry_stalled_jobs).
exec "$PYTHON" manage.py procrastinate worker --shutdown-graceful-timeout 30
