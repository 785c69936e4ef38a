# The two commands: `make demo` renders a deck, `make test` runs the tests.
# Both set up what they need first (the .venv, and as root the Debian packages).

VENV      := .venv
PY        := $(VENV)/bin/python
PACKAGES  := libs/common libs/cli services/api services/dispatcher services/scripter \
             services/voice services/avatar services/composer
DEMO_DECK ?= examples/slidespeaker-intro.pptx

.PHONY: install system-deps demo test test-corpus lint web web-types bench clean

$(VENV)/.installed: $(foreach p,$(PACKAGES),$(p)/pyproject.toml) requirements-dev.txt constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip "setuptools>=70"
	$(PY) -m pip install -q -c constraints.txt --config-settings editable_mode=compat \
		$(foreach p,$(PACKAGES),-e $(p))
	$(PY) -m pip install -q -c constraints.txt -r requirements-dev.txt
	touch $@

install: system-deps $(VENV)/.installed

system-deps:
	@scripts/system-deps.sh

demo: install
	$(VENV)/bin/slidespeaker render $(DEMO_DECK) --out out/demo

test: lint web
	$(VENV)/bin/python -m pytest -m "not corpus" -n 2 --dist loadgroup

test-corpus: install
	$(VENV)/bin/python -m pytest -m corpus

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy libs services tests bench examples

# The web client: install its packages (again only when the lock changes), type-check, build
# web/dist (which the API serves at /) and run its component tests.
web/node_modules/.installed: web/package.json $(wildcard web/package-lock.json)
	cd web && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	touch $@

web: web/node_modules/.installed
	cd web && npm run build && npm test

# The web client's types from the API's OpenAPI and AsyncAPI documents (commit what it writes;
# tests/web/test_generated_types.py fails while they are stale).
web-types: install web/node_modules/.installed
	$(PY) scripts/gen-web-types

bench: install
	$(PY) -m pip install -q -c constraints.txt -r bench/requirements.txt
	$(PY) bench/compose_bench.py
	$(PY) bench/render_bench.py
	$(PY) bench/reliability_bench.py
	$(PY) bench/voice/voice_bench.py

clean:
	rm -rf $(VENV) .slidespeaker out
