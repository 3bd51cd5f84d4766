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

.PHONY: help install demo demo-data serve bench test lint format migrations-check check clean

help:
	@echo "make demo              set up and serve the demo at http://$(HOST):$(PORT)"
	@echo "make test              run the whole test suite (DATABASE_URL selects PostgreSQL)"
	@echo "make serve             production-like: gunicorn, DEBUG off, compressed hashed static files"
	@echo "make bench             benchmark (PostgreSQL; see benchmarks/README.md)"
	@echo "make lint | format     ruff check | ruff format"
	@echo "make migrations-check  fail if models and migrations disagree"

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

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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

clean:
	rm -rf $(VENV) var
