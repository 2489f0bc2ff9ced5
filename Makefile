# Slide Studio: `make run` serves the studio with demo slides; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SLIDES_DIR ?= var/slides
DEMO_USER ?= demo
DEMO_PASSWORD ?= demo-slides
WORKERS ?= 1
# The tests of what the studio does with a tile server: run again against a remote one.
STUDIO_TESTS := tests/studio tests/panels tests/sharing

export SLIDES_DIR

.PHONY: run test lint format bench install browser engines demo clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,postgres]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.installed

# Debian's chromium for the browser tests; installed when missing and we are root.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else \
			echo "chromium is missing: run 'sudo apt-get install chromium'"; exit 1; \
		fi; \
	fi

# Debian's PostgreSQL, Redis and nginx for the scale-out tests, and wrk for the benchmark;
# installed when missing and we are root.
engines:
	@missing=""; \
	[ -n "$$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null)" ] || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "missing:$$missing: run 'sudo apt-get install$$missing'"; exit 1; \
		fi; \
	fi

demo: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py make_demo_slides $(SLIDES_DIR)
	$(PY) manage.py ensure_demo_user $(DEMO_USER) $(DEMO_PASSWORD)

run: demo
	@echo ""
	@echo "  Slide Studio: http://$(HOST):$(PORT)/"
	@echo "  demo login:   $(DEMO_USER) / $(DEMO_PASSWORD)"
	@echo ""
	$(PY) manage.py serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: install browser engines
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(call pytest,-m 'not browser' -n 2 --dist loadfile)
	$(call pytest,$(STUDIO_TESTS) -m 'not browser' -n 2 --dist loadfile --tile-server=remote)
	$(call scale_out,tests/studio tests/sharing -m 'not browser' -n 2 --dist loadfile)
	$(call pytest,-m browser -n 2 --dist loadfile)
	$(call pytest,-m browser -n 2 --dist loadfile --tile-server=remote)

# pytest exits 5 when it collects nothing: an empty run is a broken suite, not a pass.
# Browser journeys run apart: sync Playwright keeps an event loop in its thread, which
# async tests sharing a worker with it would trip over. Two workers, each with its own
# live studio (and tile server), one journey file at a time each.
define pytest
$(PY) -m pytest $(1); rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest $(1): no tests collected"; exit 1; fi; exit $$rc
endef

# The same, on PostgreSQL and Redis started for the run (tests/scale_out.py), one process.
define scale_out
$(PY) -m tests.scale_out $(1); rc=$$?; if [ $$rc -eq 5 ]; then echo "scale-out $(1): no tests collected"; exit 1; fi; exit $$rc
endef

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: demo engines browser
	$(PY) bench/tiles.py
	$(PY) bench/tiles.py --remote
	$(PY) bench/memory.py
	$(PY) bench/collaboration.py
	$(PY) bench/annotations.py

clean:
	rm -rf var staticfiles
