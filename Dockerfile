FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# Exactly the versions and hashes of the lock, without the dev and embedded extras: the
# image always has DATABASE_URL, so it needs no PostgreSQL binaries of its own (pgserver).
COPY requirements/base.txt ./requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt
COPY pyproject.toml README.md ./
COPY config ./config
COPY archive ./archive
RUN pip install --no-deps .

COPY . .
# Static files are collected at build time and served by whitenoise.
RUN DJANGO_SECRET_KEY=build-only DATABASE_URL=postgres://unused/unused \
    python manage.py collectstatic --noinput

RUN useradd --create-home archive && chown -R archive /app
USER archive
EXPOSE 8000
CMD ["./docker/start.sh"]
