#!/usr/bin/env sh
# The web container's start: migrate, load fixtures into an empty archive, then serve.
# Runs as well outside Docker (tests/test_deploy.py) against any PostgreSQL in DATABASE_URL.
set -eu
: "${DATABASE_URL:?DATABASE_URL must point at PostgreSQL}"
# A production start: the settings then never read a checkout's .env, and refuse to run
# with DJANGO_DEBUG on or without a real DJANGO_SECRET_KEY in the environment.
export DJANGO_PRODUCTION=1
PYTHON="${PYTHON:-python}"
# The image collects static files at build time; a plain checkout does it here.
[ -f "${DJANGO_STATIC_ROOT:-staticfiles}/staticfiles.json" ] || "$PYTHON" manage.py collectstatic --noinput -v 0
"$PYTHON" manage.py migrate --noinput
"$PYTHON" manage.py load_initial_data
exec "$PYTHON" -m gunicorn config.wsgi:application \
  --bind "${BIND:-0.0.0.0:8000}" \
  --workers "${WEB_CONCURRENCY:-3}" \
  --access-logfile - \
  --timeout 30
