# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1
# The PostgreSQL pass of the suite; override to point at another server.
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# The Redis the PostgreSQL pass runs its workers on (each run under a queue of its own).
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: install run migrate demo demo-reset test test-sqlite test-postgres lint typecheck check-migrations lock clean bench messages

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(BIN)/alembic upgrade head
	$(BIN)/citygate reindex --missing

demo: migrate
	$(BIN)/citygate load-demo

# The demo database, its broker, mail and audit checkpoints, emptied and loaded afresh
# (.venv stays).
demo-reset: $(STAMP)
	rm -f var/citygate.db var/citygate.db-wal var/citygate.db-shm var/audit-checkpoints.jsonl
	rm -f var/broker.db var/broker.db-wal var/broker.db-shm
	rm -rf var/mail
	$(MAKE) demo

# The API, one Celery worker and beat; Ctrl-C stops all three.
run: demo
	$(BIN)/citygate run --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy app workflows workers tests bench

test-sqlite: $(STAMP)
	$(BIN)/pytest

test-postgres: $(STAMP)
	CITYGATE_TEST_DATABASE_URL=$(TEST_POSTGRES_URL) CITYGATE_TEST_REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/pytest

check-migrations: $(STAMP)
	rm -f var/migrations-check.db
	DATABASE_URL=sqlite:///var/migrations-check.db $(BIN)/alembic upgrade head
	DATABASE_URL=sqlite:///var/migrations-check.db $(BIN)/alembic check

# The two passes run side by side (each prints its report when it ends): most of a
# pass waits on workers, servers and databases, so two fit on two cores.
test: lint typecheck check-migrations
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# The benchmark (bench/README.md); BENCH_ARGS="--scale small" for the quick table.
BENCH_ARGS ?=
bench: $(STAMP)
	command -v wrk >/dev/null || apt-get install -y wrk
	$(BIN)/python -m bench $(BENCH_ARGS)

# Translatable text of mails (and pages) into app/locale/messages.pot and each catalogue.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k plural:2,3 -k t -k translate:2 --no-location --omit-header \
		-o app/locale/messages.pot .
	$(BIN)/pybabel update -i app/locale/messages.pot -d app/locale --no-fuzzy-matching

# Re-pin after changing dependencies in pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^citygate' > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .hypothesis
