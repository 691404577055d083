# Acquis — the two README commands: `make run` and `make test`.
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
ACQUIS := $(VENV)/bin/acquis
HOST ?= 127.0.0.1:8000
SITE_URL ?= http://$(HOST)

# `acquis` defaults to the production settings: the development server says so explicitly,
# and its public address (QR codes, signed PDFs, e-mails, calendar files) follows HOST.
run: export DJANGO_SETTINGS_MODULE = config.settings.dev
run: export SITE_URL := $(SITE_URL)

.PHONY: run install test test-browser lint bench bench-load demo clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv>=0.5,<1"

install: $(UV)
	$(UV) sync --frozen --quiet
	@# The independent badge verifier of the tests (tests/vc_verifier, Node): npm ci from the
	@# registry when its lock file changed; without npm its tests are skipped (CI: failed).
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(VC_VERIFIER)/node_modules/.package-lock.json; \
	else echo "npm introuvable : le vérificateur de badges de référence ne sera pas installé (apt-get install nodejs npm)."; fi

VC_VERIFIER := tests/vc_verifier
$(VC_VERIFIER)/node_modules/.package-lock.json: $(VC_VERIFIER)/package-lock.json $(VC_VERIFIER)/package.json
	cd $(VC_VERIFIER) && npm ci --no-audit --no-fund --loglevel=error

run: install
	$(ACQUIS) migrate --no-input -v0
	$(ACQUIS) credentials_key
	$(ACQUIS) credentials keygen
	$(ACQUIS) demo
	$(ACQUIS) maintenance --schedule
	@echo "Acquis sur $(SITE_URL)/ (avec un processus de traitement des lots de délivrance ; santé : $(SITE_URL)/sante/pret/)"
	@# The worker runs beside the server; both stop together (Ctrl-C, or the server ending).
	@# A background job of a non-interactive shell ignores SIGINT: the trap stops it.
	@# SIGTERM twice: the worker stops at once, even inside a batch (marked interrupted:
	@# "Reprendre" continues it, nothing issued twice).
	@$(ACQUIS) db_worker --no-reload --interval 0.5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; sleep 0.3; kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(ACQUIS) runserver $(HOST)

# The whole suite (browser tests included when /usr/bin/chromium exists; otherwise they
# are skipped and counted; ACQUIS_REQUIRE_BROWSER=1, set by CI, turns the skip into a failure).
# The files are shared among one worker per core (pytest-xdist, a file stays on one worker:
# its module-scoped fixtures are built once); TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= auto
test: install
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/djlint --check acquis/www/templates
	$(VENV)/bin/djlint --lint acquis/www/templates
	$(VENV)/bin/djlint --profile=jinja --check acquis/www/jinja2
	$(VENV)/bin/djlint --profile=jinja --lint acquis/www/jinja2
	DJANGO_SETTINGS_MODULE=config.settings.test $(ACQUIS) makemigrations --check --dry-run
	$(VENV)/bin/mypy

# Every benchmark runs; the target exits non-zero if one of them missed its target.
BENCHES := bench/bench_servers.py bench/bench_pages.py bench/bench_rncp_import.py bench/bench_candidates_import.py bench/bench_candidate_list.py bench/bench_grid_autosave.py bench/bench_deliberation.py bench/bench_accrochage.py bench/bench_certificates.py
bench: install
	@status=0; for b in $(BENCHES); do $(VENV)/bin/python $$b || status=1; done; exit $$status

# Not in `make bench`: it needs a local PostgreSQL server (BENCH_DATABASE_URL, the bench's own
# database, created and dropped by the bench).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/acquis_bench_load
bench-load: install
	$(VENV)/bin/python bench/bench_load.py --database $(BENCH_DATABASE_URL)

clean:
	rm -rf var/acquis.sqlite3* var/static
