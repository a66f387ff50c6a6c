# Civitas: the verbs README and CI use. `make run` and `make test` set up everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
# gunicorn workers, each of four threads (gunicorn.conf.py): one per core.
WORKERS ?= 2
PG_URL ?= postgres://postgres@127.0.0.1:5432/civitas
export DJANGO_SETTINGS_MODULE := civitas.settings

.PHONY: help setup run serve worker test test-postgres test-browser backup lint format typecheck migrations-check seed bench messages assets clean

help:
	@echo "make run            set up, migrate, seed the demo city once, serve on http://127.0.0.1:$(PORT)"
	@echo "make test           set up and run the whole suite on SQLite"
	@echo "make test-postgres  the same suite on PostgreSQL ($(PG_URL) unless DATABASE_URL is set)"
	@echo "make test-browser   Playwright journeys in headless Chromium"
	@echo "make lint           ruff, the missing-migrations check"
	@echo "make backup         back up the database to var/backups (manage.py restore puts one back)"
	@echo "make seed SCALE=small   build a city of that size in an empty database"
	@echo "make bench SCALE=medium DB=sqlite   the benchmark suite (bench/)"

# The virtualenv is rebuilt only when the lock file changes.
$(BIN)/.installed: requirements.lock pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -q --disable-pip-version-check --upgrade pip >/dev/null
	@$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	@touch $@

setup: $(BIN)/.installed

run: setup
	@$(PY) manage.py migrate --no-input -v0
	@$(PY) manage.py collectstatic --no-input -v0
	@$(PY) manage.py seed --scale demo --if-empty
	@$(PY) manage.py demo_signins
	@$(PY) manage.py send_due_reminders --schedule
	@echo "Serving Civitas on http://127.0.0.1:$(PORT) (Ctrl-C stops the server and the worker)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py db_worker --queue-name '*' >var/worker.log 2>&1 & \
	  $(BIN)/gunicorn civitas.wsgi:application --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
	    --access-logfile - --timeout 60 --no-control-socket

worker: setup
	$(PY) manage.py send_due_reminders --schedule
	$(PY) manage.py db_worker --queue-name '*'

test: setup
	$(BIN)/pytest -m "not browser" -n 2 --create-db $(PYTEST_ARGS)

test-postgres: setup
	@DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" $(PY) -m civitas.core.wait_for_database
	DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" $(BIN)/pytest -m "not browser" -n 2 --create-db $(PYTEST_ARGS)

# Screenshots of every step are kept in var/screenshots as the run's artifacts.
test-browser: setup
	@$(PY) -m civitas.core.browser_check
	@mkdir -p var/screenshots
	$(BIN)/pytest -m browser -p no:xdist --create-db $(PYTEST_ARGS)

backup: setup
	$(PY) manage.py backup

lint: setup
	$(BIN)/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: setup
	$(BIN)/mypy civitas

migrations-check: setup
	$(PY) manage.py makemigrations --check --dry-run

SCALE ?= demo
DB ?= sqlite
seed: setup
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py seed --scale $(SCALE)

bench: setup
	$(PY) -m bench --scale $(SCALE) --db $(DB) $(BENCH_ARGS)

messages: setup
	cd civitas && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete --ignore 'core/static/vendor/*'
	cd civitas && ../$(PY) ../manage.py compilemessages -l zh_Hans

# Refresh the vendored front-end packages (needs npm); the copies in civitas/core/static/vendor are committed.
assets:
	cd assets && npm ci --silent
	cp assets/node_modules/htmx.org/dist/htmx.min.js assets/node_modules/echarts/dist/echarts.min.js civitas/core/static/vendor/
	cp assets/node_modules/leaflet/dist/leaflet.js assets/node_modules/leaflet/dist/leaflet.js.map assets/node_modules/leaflet/dist/leaflet.css civitas/core/static/vendor/leaflet/

clean:
	rm -rf $(VENV) var/static
