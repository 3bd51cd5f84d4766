# Two commands for a newcomer: `make demo` serves the seed's content, `make test` runs every test.
# Both create what they need: the virtual environment, the dependencies, the database. `make demo` installs
# what the site needs to run (requirements.txt); the tests and tools add requirements-dev.txt.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements
DEV_STAMP := $(VENV)/.installed-requirements-dev
PIP_INSTALL := $(BIN)/pip install --quiet --disable-pip-version-check
MANAGE := $(BIN)/python manage.py
# make demo HOST=0.0.0.0 PORT=8123: where runserver listens (the accounts command prints the same address).
HOST ?= 127.0.0.1
PORT ?= 8000
# make demo RESET_ACCOUNTS=1: new passwords for the demo accounts (otherwise each run prints the same ones).
RESET_ACCOUNTS ?=
comma := ,
# A specific address (not 127.0.0.1, localhost or every interface) is allowed as a host name too, unless
# ALLOWED_HOSTS is set.
DEMO_ALLOWED_HOSTS := 127.0.0.1,localhost$(if $(filter-out 127.0.0.1 localhost 0.0.0.0 0 :: [::],$(HOST)),$(comma)$(HOST))
DEMO_ENV = DEBUG=1 ALLOWED_HOSTS=$${ALLOWED_HOSTS:-$(DEMO_ALLOWED_HOSTS)}

# `make serve` runs as production does (DEBUG off, secure cookies, a second factor for staff); a local
# secret key is made once and kept in var/. Over plain HTTP on your own machine, and only there:
# SECURE_COOKIES=0 make serve (see README, "Security").
SERVE_ENV = DEBUG=0 SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret_key)}

.PHONY: help install install-dev demo demo-data serve bench test test-fast chromium mutation lint format migrations-check check messages clean

help:
	@echo "make demo              set up and serve the demo at http://$(HOST):$(PORT) (HOST=, PORT=, RESET_ACCOUNTS=1)"
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
	$(PIP_INSTALL) -r requirements.txt
	touch $(STAMP)

# The tests, linting, mutation testing and the benchmarks' tools, on top of what the site runs on.
$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

demo-data: install
	$(DEMO_ENV) $(MANAGE) migrate --noinput
	$(DEMO_ENV) $(MANAGE) load_demo
	$(DEMO_ENV) $(MANAGE) create_demo_accounts --host "$(HOST)" --port "$(PORT)"$(if $(filter-out 0 no false,$(RESET_ACCOUNTS)), --reset)

demo: demo-data
	@echo "Serving the demo at http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(DEMO_ENV) $(MANAGE) runserver "$(HOST):$(PORT)"

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

serve: install var/secret_key
	$(SERVE_ENV) $(MANAGE) migrate --noinput
	$(SERVE_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	@echo "Serving with gunicorn at http://$${BIND:-127.0.0.1:8000}/ (DEBUG off)"
	$(SERVE_ENV) $(BIN)/gunicorn -c python:knowledgebase.gunicorn

bench: install-dev var/secret_key
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

test: install-dev chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(BIN)/python -m pytest tests/loadtest --ds=tests.settings_loadtest $(PYTEST_ARGS)

test-fast: install-dev
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

# Mutants of the modules listed in pyproject.toml's [tool.mutmut], each run against their unit tests; the
# survivors are listed at the end (results are kept in mutants/ and only what changed runs again).
mutation: install-dev
	$(BIN)/mutmut run
	$(BIN)/mutmut results

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
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
