# Kovablik: `make run` serves the demo, `make test` runs the whole suite. Both set up everything they need.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# pip before 26.2 passes PIP_CONSTRAINT into isolated build environments, newer pip reads PIP_BUILD_CONSTRAINT.
PIP := PIP_CONSTRAINT=$(CURDIR)/constraints.txt PIP_BUILD_CONSTRAINT=$(CURDIR)/constraints.txt \
  PIP_DISABLE_PIP_VERSION_CHECK=1 $(VENV)/bin/pip
# `make run` is the laptop set-up: SQLite and eager Celery whatever the shell exports.
LAPTOP_ENV := env -u DATABASE_URL -u CELERY_BROKER_URL -u CELERY_RESULT_BACKEND
# Two test processes for the two cores; tests with a real Celery worker stay together on one of them.
TEST_PROCESSES ?= 2
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev system-deps system-deps-test messages lint format bench clean

run: install system-deps
	$(LAPTOP_ENV) $(PY) manage.py migrate --noinput
	$(LAPTOP_ENV) $(PY) manage.py compilemessages --ignore=.venv >/dev/null
	$(LAPTOP_ENV) $(PY) manage.py seed_demo
	$(LAPTOP_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev system-deps-test
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist loadgroup $(PYTEST_ARGS)

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"' \
	  || { echo "Install Python 3.11 (apt-get install python3 python3-venv)"; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "Install python3-venv (apt-get install python3-venv)"; exit 1; }
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml constraints.txt
	$(PIP) install -q -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install -q -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

system-deps:
	@bash scripts/system-deps.sh run

system-deps-test:
	@bash scripts/system-deps.sh test

messages: install-dev
	$(PY) manage.py makemessages -l id --ignore=.venv --ignore=tests --ignore=bench --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# National-scale benchmark on this machine's Postgres and Redis (db 5); drops and recreates kovablik_bench.
# Prints one JSON document and writes bench/results/latest.json; docs/performance.md explains it.
bench: install-dev system-deps
	@command -v wrk >/dev/null || { echo "Installing wrk (the load tool)"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null \
	  || { $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	       --no-install-recommends wrk >/dev/null; } \
	  || { echo "Install wrk: apt-get install wrk" >&2; exit 1; }; }
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null
	$(PY) -m bench

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache
