# Two commands for a newcomer: `make demo` serves the seed's content, `make test` runs every test.
# Both create what they need: the virtual environment, the dependencies, the database.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# `make serve` runs as production does (DEBUG off, secure cookies, a second factor for staff); a local
# secret key is made once and kept in var/. Over plain HTTP on your own machine, and only there:
# SECURE_COOKIES=0 make serve (see README, "Security").
SERVE_ENV = DEBUG=0 SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret_key)}

.PHONY: help install demo demo-data serve bench test test-fast chromium mutation lint format migrations-check check messages clean

help:
	@echo "make demo              set up and serve the demo at http://$(HOST):$(PORT)"
	@echo "make test              run the whole test suite (DATABASE_URL selects PostgreSQL)"
	@echo "make test-fast         the tests not marked slow (no browser, no servers), in under a minute"
	@echo "make mutation          mutation testing of the pure domain code against its unit tests"
	@echo "make serve             production-like: gunicorn, DEBUG off, compressed hashed static files"
	@echo "make bench             benchmark (PostgreSQL; see benchmarks/README.md)"
	@echo "make lint | format     ruff check | ruff format"
	@echo "make migrations-check  fail if models and migrations disagree"
	@echo "make messages          refresh and compile the translation catalogues (needs GNU gettext)"

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

demo-data: install
	DEBUG=1 $(MANAGE) migrate --noinput
	DEBUG=1 $(MANAGE) load_demo
	DEBUG=1 $(MANAGE) create_demo_accounts

demo: demo-data
	@echo "Serving the demo at http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

serve: install var/secret_key
	$(SERVE_ENV) $(MANAGE) migrate --noinput
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	@echo "Serving with gunicorn at http://$${BIND:-127.0.0.1:8000}/ (DEBUG off)"
	$(SERVE_ENV) $(BIN)/gunicorn -c python:knowledgebase.gunicorn

bench: install var/secret_key
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# The browser tests drive Debian's Chromium: installed here when it is missing and this is a Debian machine
# run as root (as CI), otherwise `make test` stops and says what to run.
CHROMIUM_PATH ?= /usr/bin/chromium

chromium:
	@if [ ! -x "$(CHROMIUM_PATH)" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's Chromium for the browser tests: apt-get install -y chromium"; \
	  apt-get install -y chromium >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; } || true; \
	fi
	@test -x "$(CHROMIUM_PATH)" || { echo "Chromium is missing at $(CHROMIUM_PATH), and the browser tests need it: run apt-get install -y chromium (as root), then make test again." >&2; exit 1; }

test: install chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(BIN)/python -m pytest tests/loadtest --ds=tests.settings_loadtest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

# Mutants of the modules listed in pyproject.toml's [tool.mutmut], each run against their unit tests; the
# survivors are listed at the end (results are kept in mutants/ and only what changed runs again).
mutation: install
	$(BIN)/mutmut run
	$(BIN)/mutmut results

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run

check: install
	DEBUG=1 $(MANAGE) check

# The translation catalogues of locale/, refreshed from the code and templates and compiled (both committed,
# so that `make demo` needs no gettext tools). tests/test_translations.py extracts with the same --ignore.
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=benchmarks --ignore=test-artifacts --ignore=static/vendor \
	--ignore=var --ignore=mutants

messages: install
	DEBUG=1 $(MANAGE) makemessages --all $(MESSAGES_IGNORE)
	DEBUG=1 $(MANAGE) compilemessages --ignore=$(VENV)

clean:
	rm -rf $(VENV) var
