# Straight Choice: `make run` serves the site, `make test` runs the whole suite. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
WEB_THREADS ?= 32

# Debian packages, pinned to bookworm's versions. Chromium is left unpinned on purpose: Debian's security
# updates replace old builds in the archive, so a pin would stop installing within weeks.
SYSTEM_PACKAGES := tesseract-ocr=5.3.0-2 tesseract-ocr-eng=1:4.1.0-2 tesseract-ocr-osd=1:4.1.0-2 \
	fonts-dejavu-core=2.37-6 fonts-liberation=1:1.07.4-11
# The OCR pipeline's English word list (ocr/dictionary.py): tells words from gibberish.
SYSTEM_PACKAGES += wbritish=2020.12.07-2
# Fonts only the OCR benchmark's held-out layouts use (and the test that renders them).
BENCH_SYSTEM_PACKAGES := fonts-open-sans=1.11-2 fonts-crosextra-carlito=20220224-1
TEST_SYSTEM_PACKAGES := chromium $(BENCH_SYSTEM_PACKAGES)
APT_GET := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: run test deps test-deps system-deps test-system-deps db demo bench bench-ocr bench-search sweep clean
.PHONY: bench-compare

run: deps db
	@if [ "$$($(FLASK) leaflet-count)" = "0" ]; then echo "Empty archive: adding demo leaflets (flask demo-data)"; $(FLASK) demo-data; fi
	@echo "Straight Choice on http://$(HOST):$(PORT)/"
	@# load: WEB_WORKERS web processes and OCR_WORKERS OCR processes (default: the CPU count), stopped
	@# together by Ctrl-C (docs/running.md)
	HOST=$(HOST) PORT=$(PORT) WEB_THREADS=$(WEB_THREADS) $(PY) -m leaflets.serve

test: test-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# scale (issue 13): the PostgreSQL half of the suite again, on the scale engines (PostgreSQL search, Celery OCR
# queue on Redis); see tests/conftest.py _scale_engines and docs/deploy.md
.PHONY: test-scale
test-scale: test-deps
	TEST_SCALE_ENGINES=1 $(PY) -m pytest -m "postgres and not browser" $(PYTEST_ARGS)

deps: system-deps $(VENV)/.requirements-installed

test-deps: deps dev-deps test-system-deps node_modules/.installed

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' "$${p%%=*}" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing Debian packages:$$missing"; $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends $$missing; fi

test-system-deps:
	@missing=""; for p in $(TEST_SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' "$${p%%=*}" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing Debian packages:$$missing"; $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends $$missing; fi

# Hashed lock files compiled from requirements.in and requirements-dev.in (CONTRIBUTING.md, "Dependencies"):
# `make run` installs the runtime set only; tests and lint install the dev set, which includes it.
$(VENV)/.requirements-installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

.PHONY: dev-deps
dev-deps: $(VENV)/.dev-requirements-installed

$(VENV)/.dev-requirements-installed: requirements-dev.txt $(VENV)/.requirements-installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

db: deps
	$(FLASK) db upgrade
	$(FLASK) load-reference-data

demo: db
	$(FLASK) demo-data

# Each benchmark has its own arguments: BENCH_OCR_ARGS, BENCH_SEARCH_ARGS, BENCH_STATS_ARGS, BENCH_COMPARE_ARGS.
bench: bench-ocr bench-search bench-stats bench-compare

bench-ocr: deps bench-system-deps
	$(PY) -m bench.ocr $(BENCH_OCR_ARGS)

.PHONY: bench-system-deps
bench-system-deps:
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES="$(BENCH_SYSTEM_PACKAGES)"

bench-search: deps
	$(PY) -m bench.search $(BENCH_SEARCH_ARGS)

# findings: /stats at 10,000 and 100,000 generated leaflets with ratings (BENCH_STATS_ARGS="--quick" for a try)
.PHONY: bench-stats
bench-stats: deps
	$(PY) -m bench.stats $(BENCH_STATS_ARGS)

bench-compare: deps
	$(PY) -m bench.compare $(BENCH_COMPARE_ARGS)

# scale (issue 13): page p95 at 100,000 leaflets on SQLite and PostgreSQL, 1 and 8 clients
# (BENCH_PAGES_ARGS="--size 10000 --databases sqlite" for a try)
.PHONY: bench-pages
bench-pages: deps
	$(PY) -m bench.pages $(BENCH_PAGES_ARGS)

# neardup: the photo fingerprint lookup at 10,000 and 100,000 against a full scan (docs/near-duplicates.md)
# upload CPU: one upload request's steps in-process on the load photos, against the path before load5
.PHONY: bench-upload-cpu
bench-upload-cpu: deps
	$(PY) -m bench.upload_cpu $(BENCH_UPLOAD_CPU_ARGS)

.PHONY: bench-near-duplicates
bench-near-duplicates: deps
	$(PY) -m bench.near_duplicates $(BENCH_NEAR_DUPLICATES_ARGS)

# load: uploaders and readers at once against the app as `make run` starts it (BENCH_LOAD_ARGS="--quick")
.PHONY: bench-load
bench-load: deps
	$(PY) -m bench.load $(BENCH_LOAD_ARGS)

sweep: deps
	$(FLASK) sweep-uploads

# house (issue 14): the declared checks (config in pyproject.toml; line length 110)
.PHONY: lint
lint: dev-deps
	$(VENV)/bin/ruff check
	$(VENV)/bin/ruff format --check
	$(VENV)/bin/mypy leaflets/ ocr/ search/ bench/

clean:
	rm -rf $(VENV) node_modules .pytest_cache
