# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
NPM ?= npm
HOST ?= 127.0.0.1
PORT ?= 8000
# pip-compile, only for `make lock`; pinned so two people's lock files agree.
PIP_TOOLS := pip-tools==7.6.2
PIP_COMPILE = $(PY) -m piptools compile --quiet --generate-hashes --strip-extras \
	--no-emit-index-url --no-emit-find-links $(LOCK_ARGS)

.PHONY: run worker test test-fast setup install db lint lock bench clean-db backup restore

# Exactly the versions (and hashes) of requirements/dev.txt: main, dev and embedded.
# The project itself goes on top without dependencies, so nothing unpinned slips in.
$(VENV)/.installed: requirements/dev.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

install: $(VENV)/.installed

# The benchmark's load tool (locust), for `make bench` only: requirements/bench.txt is
# dev.txt with the `bench` extra, at the same pins.
$(VENV)/.bench-installed: requirements/bench.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --require-hashes -r requirements/bench.txt
	@touch $@

# Prettier, at the version of package-lock.json: `npm ci` whenever the lock is newer.
node_modules/.package-lock.json: package-lock.json
	$(NPM) ci --no-audit --no-fund
	@touch $@

.env:
	cp .env.example .env

# Migrate, then load the fixtures only when the archive is empty.
db: install .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_initial_data

setup: db

# The web server and, beside it, a worker of the task engine (collecting from feeds: see
# docs/collecting.md). Stopping `make run` (Ctrl-C) stops the worker too: a background job of
# a script ignores Ctrl-C, so the trap ends it, letting its running job finish (at most 30 s).
run: setup
	@$(PY) manage.py procrastinate worker --shutdown-graceful-timeout 30 & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# A worker alone (more of them, here or on other machines, share the queue in PostgreSQL).
worker: setup
	$(PY) manage.py procrastinate worker

# The suite on every core: pytest-xdist workers, each on a test database of its own
# (TEST_WORKERS=0: one process). The HTML and accessibility checkers (vnu-jar, axe-core)
# come from npm when it is here.
TEST_WORKERS ?= logical
test: install .env $(if $(shell command -v $(NPM)),node_modules/.package-lock.json)
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The inner loop: the suite without Chromium, servers of its own or generated corpora.
test-fast: install .env
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not browser and not slow and not corpus" $(PYTEST_ARGS)

lint: install .env node_modules/.package-lock.json
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	node_modules/.bin/prettier --check static/archive
	node_modules/.bin/eslint static/archive static/js

# Rewrite the lock files from pyproject.toml, keeping every pin that still fits; newer
# versions with LOCK_ARGS=--upgrade (or --upgrade-package NAME). base.txt starts from
# dev.txt, and dev.txt from bench.txt (all extras), so the files pin the same versions of
# what they share.
lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet '$(PIP_TOOLS)'
	$(PIP_COMPILE) --extra dev --extra embedded --extra bench -o requirements/bench.txt pyproject.toml
	cp requirements/bench.txt requirements/dev.txt
	$(PIP_COMPILE) --extra dev --extra embedded -o requirements/dev.txt pyproject.toml
	cp requirements/dev.txt requirements/base.txt
	$(PIP_COMPILE) -o requirements/base.txt pyproject.toml

# Builds its own databases (bench_archive_<size>) and writes benchmarks/RESULTS.md.
# SIZES: the article counts, e.g. `make bench SIZES="1000 100000"` (default 1,000, 10,000
# and 100,000; a million is `SIZES=1000000`, see the README); BENCH_ARGS: more options.
bench: install .env $(VENV)/.bench-installed
	$(PY) benchmarks/bench.py $(if $(strip $(SIZES)),--sizes "$(strip $(SIZES))") $(BENCH_ARGS)
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
