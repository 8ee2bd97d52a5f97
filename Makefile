# authplatform: build, run and test entry points.
#
#   make run     install if needed (system packages too), start PostgreSQL + Redis under var/,
#                migrate, load the demo data, start web + workers (+ chain)
#   make test    install if needed (system packages too), run pytest against a throwaway
#                PostgreSQL + Redis
#   make coverage  the same suite measured by pytest-cov: per file and per app in the terminal,
#                HTML in test-artifacts/coverage/html/ (slower than make test, which stays bare)
#   make bench   speed figures: AI pre-screen, anchoring, the API, both verifiers and the points
#                and quota ledgers (bench/*.py)
#   make lint    ruff check + ruff format --check, the dependency contracts, mypy (all non-test
#                source, with django-stubs)
#   make lock    regenerate constraints.txt from pyproject.toml
#   make clean   remove var/ and test artefacts (keeps .venv and node_modules)
#
# Recipes are plain POSIX sh, one shell per line (no .ONESHELL).

SHELL := /bin/sh

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python

PORT ?= 8000
CHAIN_PORT ?= 8545
PYTEST_ARGS ?=

# Installs are skipped while these stamps exist; their names change with the inputs.
SHA256 := $(shell command -v sha256sum >/dev/null 2>&1 && echo sha256sum || echo 'shasum -a 256')
PY_HASH := $(shell cat pyproject.toml constraints.txt 2>/dev/null | $(SHA256) | cut -c1-12)
NODE_HASH := $(shell cat package-lock.json 2>/dev/null | $(SHA256) | cut -c1-12)
PY_STAMP := $(VENV)/.stamp-$(PY_HASH)
NODE_STAMP := node_modules/.stamp-$(NODE_HASH)

.PHONY: install run test coverage lint lock clean bench system-run system-test

install: $(PY_STAMP) $(NODE_STAMP)

# Debian packages, from the one list in scripts/system-packages.txt: installed with apt-get
# as root or with `sudo -n`; otherwise the script prints the command to run and exits 2.
system-run:
	sh scripts/system-packages.sh app services

system-test:
	sh scripts/system-packages.sh app services test

$(PY_STAMP):
	@test -n "$(PYTHON)" || { echo "python3.11 (or python3) not found on PATH" >&2; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.stamp-*
	touch $@

# npm ci starts from an empty node_modules, so the stamp is written after it.
$(NODE_STAMP):
	npm ci
	touch $@

# scripts/runlocal.py starts PostgreSQL and Redis under var/ (unless DATABASE_URL / REDIS_URL
# name servers of your own), runs the setup steps, then starts and watches the processes:
# one that dies is restarted, and Ctrl-C stops everything. The demo model is trained beside
# them on the first start, so the site serves meanwhile (cases wait for the model). The chain (a local ganache) runs
# only when ETH_RPC_URL does not name a real node; ETH_RPC_URL then points at the local one.
run: system-run install
	@procs="web worker anchorer"; \
	if [ -z "$${ETH_RPC_URL:-}" ]; then \
		procs="web worker anchorer chain"; \
		ETH_RPC_URL="http://127.0.0.1:$(CHAIN_PORT)"; export ETH_RPC_URL; \
	fi; \
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH"; \
	CHAIN_PORT="$(CHAIN_PORT)"; \
	export SITE_URL PATH CHAIN_PORT; \
	exec $(PY) scripts/runlocal.py --port "$(PORT)" \
		--setup "python manage.py migrate --noinput" \
		--setup "python manage.py load_demo" \
		--setup "echo; echo '  authplatform is running at http://127.0.0.1:$(PORT)/  (Ctrl-C stops everything)'; echo" \
		--background-setup "python manage.py ensure_demo_model" \
		$$procs

test: system-test install
	$(PY) scripts/testenv.py -- $(PY) -m pytest $(PYTEST_ARGS)

# [tool.coverage.*] in pyproject.toml says what is measured (the apps, subprocesses too). A
# process that saves its data after pytest-cov combined (a server stopped last) is combined
# before the per-app figures, which are printed even when a test fails; the exit status stays
# pytest's.
COVERAGE_APPS := appraisals passports members community disputes provenance ml events api \
	webhooks authplatform
coverage: system-test install
	rm -rf test-artifacts/coverage
	@status=0; \
	$(PY) scripts/testenv.py -- $(PY) -m pytest --cov --cov-report=term:skip-covered \
		--cov-report=html $(PYTEST_ARGS) || status=$$?; \
	$(VENV)/bin/coverage combine --append --quiet 2>/dev/null; \
	echo "Coverage per app (statements):"; \
	for app in $(COVERAGE_APPS); do \
		test -d "$$app" || continue; \
		printf '  %-13s %s%%\n' "$$app" "$$($(VENV)/bin/coverage report --include="$$app/*" \
			--format=total 2>/dev/null || echo '-')"; \
	done; \
	printf '  %-13s %s%%\n' total "$$($(VENV)/bin/coverage report --format=total)"; \
	exit $$status

# Speed figures quoted in closing notes come from here (PostgreSQL and Redis are started
# the same way as for the tests).
bench: system-test install
	$(PY) scripts/testenv.py -- $(PY) bench/ml_inference.py $(BENCH_ARGS)
	$(PY) scripts/testenv.py -- $(PY) bench/provenance.py
	$(PY) scripts/testenv.py -- $(PY) bench/api.py
	$(PY) scripts/testenv.py -- $(PY) bench/verifiers.py
	$(PY) scripts/testenv.py -- $(PY) bench/ledgers.py

# mypy takes its scope and plugins from pyproject.toml ([tool.mypy]). The Django plugin loads
# authplatform/settings/typecheck.py, which gives base.py a placeholder DATABASE_URL (nothing
# connects), so plain `mypy` runs anywhere, an editor included, without a database.
# tests/test_it_type_checks_all_source.py runs it in `make test` and CI too.
lint: $(PY_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) scripts/depgraph.py --check
	$(VENV)/bin/mypy

# Resolves pyproject.toml afresh in a scratch venv, so removed dependencies drop out too.
lock:
	@test -n "$(PYTHON)" || { echo "python3.11 (or python3) not found on PATH" >&2; exit 1; }
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --disable-pip-version-check -e '.[dev]'
	.venv-lock/bin/python -m pip freeze --disable-pip-version-check --exclude-editable \
		> .venv-lock/freeze.txt
	{ \
		echo "# Fully pinned lock of every Python package the project installs (runtime + dev extras)."; \
		echo "# Every install goes through it: pip install -c constraints.txt -e '.[dev]'."; \
		echo "# Regenerate after changing pyproject.toml with: make lock"; \
		echo "# (a scratch venv installs '.[dev]' from pyproject.toml without constraints, then"; \
		echo "#  pip freeze --exclude-editable records it, minus the project itself)."; \
		grep -v -i '^authplatform[ =@]' .venv-lock/freeze.txt; \
	} > constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf .venv-lock
	@echo "constraints.txt regenerated; the next make run/test reinstalls from it."

clean:
	rm -rf var test-artifacts .pytest_cache .ruff_cache .mypy_cache .venv-lock constraints.txt.new
	find . -path ./.venv -prune -o -path ./node_modules -prune -o \
		-name __pycache__ -type d -exec rm -rf {} +
