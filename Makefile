# Jiliang: `make run` serves the demo, `make test` runs the whole suite on SQLite and PostgreSQL.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run install test test-sqlite test-postgres lint format messages bench clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# Links in e-mails, certificates and QR codes point at the port served, unless the site's address
# is set.
run: export JILIANG_SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP)
	$(BIN)/jiliang migrate --no-input -v 0
	$(BIN)/jiliang demo
	@# The background-job consumer (imports, reminders) lives as long as the web server.
	$(BIN)/jiliang run_huey --quiet & consumer=$$!; trap 'kill $$consumer 2>/dev/null' EXIT INT TERM; \
		printf '\n  Jiliang: %s  (demo users, e.g. demo-enterprise, password jiliang-demo)\n\n' "$$JILIANG_SITE_URL"; \
		$(BIN)/jiliang runserver 127.0.0.1:$(PORT)

# The two databases' passes run side by side (one core each); their output is shown per pass.
test: lint
	$(MAKE) --no-print-directory --output-sync=target -j2 test-sqlite test-postgres

test-sqlite: $(STAMP)
	$(BIN)/pytest --durations=30 --output test-results/sqlite

# A throw-away PostgreSQL cluster (Debian's pg_virtualenv); on CI its absence is a failure.
# The browser tests run in the SQLite pass only: what they check is the pages, not the database.
test-postgres: $(STAMP)
	@if command -v pg_virtualenv >/dev/null; then \
		pg_virtualenv -o 'fsync=off' sh -c 'JILIANG_DATABASE_URL="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/$$PGDATABASE" $(BIN)/pytest -m "not browser" --durations=30 --output test-results/postgres'; \
	elif [ "$$CI" = "true" ]; then \
		echo "pg_virtualenv (Debian postgresql-common) is required on CI" >&2; exit 1; \
	else \
		echo "SKIPPED: PostgreSQL tests need pg_virtualenv (apt-get install postgresql)"; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/jiliang makemigrations --check --dry-run -v 1

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate translations (needs GNU gettext) after changing user-facing strings.
messages: $(STAMP)
	$(BIN)/jiliang makemessages -l zh_Hans --no-obsolete --ignore=.venv/* --ignore=var/* --ignore=test-results/*
	$(BIN)/jiliang compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var

# Benchmarks print ratios against a baseline measured in the same run (see bench/).
bench: $(STAMP)
	$(BIN)/python bench/scoping.py
	$(BIN)/python bench/ledger.py
	$(BIN)/python bench/import.py
	$(BIN)/python bench/remind.py
	$(BIN)/python bench/orders.py
	$(BIN)/python bench/rollup.py
	$(BIN)/python bench/documents.py
	$(BIN)/python bench/enterprises.py
	$(BIN)/python bench/needs.py
	$(BIN)/python bench/knowledge.py
	@if command -v pg_virtualenv >/dev/null; then \
		pg_virtualenv -o 'fsync=off' sh -c 'JILIANG_DATABASE_URL="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/$$PGDATABASE" $(BIN)/python bench/scoping.py && JILIANG_DATABASE_URL="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/$$PGDATABASE" $(BIN)/python bench/ledger.py && JILIANG_DATABASE_URL="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/$$PGDATABASE" $(BIN)/python bench/import.py && JILIANG_DATABASE_URL="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/$$PGDATABASE" $(BIN)/python bench/remind.py && JILIANG_DATABASE_URL="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/$$PGDATABASE" $(BIN)/python bench/orders.py && JILIANG_DATABASE_URL="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/$$PGDATABASE" $(BIN)/python bench/rollup.py && JILIANG_DATABASE_URL="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/$$PGDATABASE" $(BIN)/python bench/enterprises.py && JILIANG_DATABASE_URL="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/$$PGDATABASE" $(BIN)/python bench/needs.py && JILIANG_DATABASE_URL="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/$$PGDATABASE" $(BIN)/python bench/knowledge.py'; \
	else \
		echo "SKIPPED: PostgreSQL benchmark needs pg_virtualenv"; \
	fi
