# One entry point for people, the README and CI. `make help` lists the targets.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
DEMO_CASES ?= 300
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: help install run worker celery test test-sqlite test-postgres test-browser lint format typecheck bench clean messages prod-smoke

help:
	@echo "make run    install everything, prepare the embedded database with demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   install everything, lint, type-check, run the whole suite on SQLite and PostgreSQL, the browser journeys once"
	@echo "make test-sqlite | test-postgres (everything but the journeys) | test-browser (redalert/e2e, headless Chromium)"
	@echo "make worker (outbox worker without Redis) | celery (Celery worker and beat on Redis)"
	@echo "make prod-smoke  start the production stack of deploy/ here (temporary database, Varnish, replica, Celery,"
	@echo "                 SMTP), walk intake to Red Alert to withdrawal through the cache, stop it all (docs/deploy.md)"
	@echo "make lint | typecheck | format | bench | messages | clean"

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt constraints.txt scripts/bootstrap
	PYTHON=$(PYTHON) scripts/bootstrap
	@touch $(STAMP)

run: install
	@echo "Preparing the embedded database in ./var (SQLite)…"
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_places
	$(BIN)/python manage.py seed_demo --if-empty --cases $(DEMO_CASES)
	$(BIN)/python manage.py demo_logins --url http://$(HOST):$(PORT)/
	scripts/serve-dev $(HOST):$(PORT)

worker: install
	$(BIN)/python manage.py run_worker --processes 2

celery: install
	$(BIN)/celery -A redalert.celery worker --beat -l info

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=redalert.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install
	$(BIN)/mypy redalert

# The browser journeys (redalert/e2e/, every @pytest.mark.browser test) are part of `make test` but run once, on
# SQLite, in test-browser: test-sqlite and test-postgres run everything else.
test: lint typecheck test-sqlite test-postgres test-browser

test-sqlite: install
	scripts/ensure-redis
	scripts/ensure-varnish
	$(BIN)/pytest --ignore=redalert/e2e

test-postgres: install
	scripts/ensure-varnish
	scripts/ensure-postgres "$(PG_URL)"
	@# The streaming replica of redalert/tests/test_replica.py (issue 19); its absence fails only with REQUIRE_REPLICA=1.
	PRIMARY_URL="$(PG_URL)" scripts/replica start >/dev/null || [ "$${REQUIRE_REPLICA:-0}" != 1 ]
	DATABASE_URL="$(PG_URL)" $(BIN)/pytest --ignore=redalert/e2e

test-browser: install
	scripts/ensure-browser
	$(BIN)/pytest redalert/e2e

# Run from the project root: inside redalert/ the app redalert/statistics would hide Python's own statistics module.
MESSAGES_IGNORE := --ignore=.venv --ignore=bench --ignore=staticfiles --ignore=var --ignore=test-artifacts
messages: install
	$(BIN)/python manage.py makemessages -l es -l en -l pt --no-obsolete $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages $(MESSAGES_IGNORE)

# The production stack of deploy/ on this machine, walked from intake to a withdrawal purged from the cache; it stops
# everything it started and drops its database (scripts/prod-smoke, docs/deploy.md "Smoke test of the production stack").
prod-smoke: install
	$(BIN)/python scripts/prod-smoke

bench: install
	scripts/ensure-varnish
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
