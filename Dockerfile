FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY config ./config
COPY archive ./archive
RUN pip install .

COPY . .
# Static files are collected at build time and served by whitenoise.
RUN DJANGO_SECRET_KEY=build-only DATABASE_URL=postgres://unused/unused \
    python manage.py collectstatic --noinput

RUN useradd --create-home archive && chown -R archive /app
USER archive
EXPOSE 8000
CMD ["./docker/start.sh"]
