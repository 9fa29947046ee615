# The two commands: `make run` (serve the portal on embedded defaults) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first Python >= 3.11 on PATH (3.13, 3.12, then 3.11).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { command -v $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: help run test lint format worker beat messages translations migrate demo superuser e2e bench clean

help:
	@echo "make run        install, migrate, load the FAQ and demo data, serve http://$(HOST):$(PORT)/"
	@echo "make test       the whole test suite (SQLite and in-process tasks unless DATABASE_URL/REDIS_URL are set)"
	@echo "make lint       ruff lint and format check, and the layers' import contracts"
	@echo "make worker     a Celery worker (needs REDIS_URL)"
	@echo "make beat       Celery beat, the periodic jobs (needs REDIS_URL)"
	@echo "make e2e        only the browser tests (Chromium)"
	@echo "make bench      the benchmark on PostgreSQL, Redis, gunicorn and wrk (~25 min; BENCH_ARGS=--quick)"
	@echo "make messages   extract translatable strings into locale/"
	@echo "make superuser  create a staff login for /admin/"

$(STAMP): requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed on PATH." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

translations: $(STAMP)
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(MANAGE) compilemessages --ignore=$(VENV) --verbosity 0; \
	else \
		$(PY) -c "import glob, polib; [polib.pofile(p).save_as_mofile(p[:-2] + 'mo') for p in glob.glob('locale/*/LC_MESSAGES/*.po')]"; \
	fi

migrate: $(STAMP)
	$(MANAGE) migrate --no-input --verbosity 1

demo: migrate
	$(MANAGE) load_demo_data

run: translations demo
	@echo
	@echo "  The portal:       http://$(HOST):$(PORT)/  (Japanese /ja/, English /en/)"
	@echo "  The back office:  http://$(HOST):$(PORT)/admin/"
	@echo "  A staff login:    run 'make superuser' in another terminal (or $(MANAGE) createsuperuser)"
	@echo "  Emails are printed here; tasks run in-process; data is in db.sqlite3."
	@echo
	$(MANAGE) runserver $(HOST):$(PORT)

test: $(STAMP) translations
	$(PY) -m pytest $(PYTEST_ARGS)

e2e: $(STAMP) translations
	$(PY) -m pytest -m e2e $(PYTEST_ARGS)

# Needs PostgreSQL on 127.0.0.1:5432 (user postgres; it drops and creates portal_bench) and
# Redis on 127.0.0.1:6379 (databases 12 and 13). Prints a table; exits 1 on a missed target.
bench: $(STAMP) translations
	$(PY) -m bench $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: $(STAMP)
	$(VENV)/bin/celery -A harassment_portal worker --loglevel INFO

beat: $(STAMP)
	@mkdir -p var
	$(VENV)/bin/celery -A harassment_portal beat --loglevel INFO --schedule var/celerybeat-schedule

messages: $(STAMP)
	$(MANAGE) makemessages --locale ja --ignore=$(VENV) --ignore=staticfiles --no-obsolete

superuser: migrate
	$(MANAGE) createsuperuser

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
