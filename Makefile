# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup install db lint bench clean-db backup restore

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

.env:
	cp .env.example .env

# Migrate, then load the fixtures only when the archive is empty.
db: install .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_initial_data

setup: db

run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install .env
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

bench: db
	$(PY) benchmarks/bench_scale.py
	$(PY) benchmarks/bench_matcher.py

# A timestamped pg_dump (custom format) in backups/; restore one into an empty database.
backup: install .env
	$(PY) manage.py backup

restore: install .env
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/archive-….dump"; exit 2; }
	$(PY) manage.py restore "$(FILE)"
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py verify_fixity

# Stop the embedded PostgreSQL and delete its data (it is recreated on next use).
clean-db:
	-$(PY) -m config.embedded stop
	rm -rf .pgdata .pgdata.lock
