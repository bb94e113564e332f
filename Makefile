# PainGuide: every target creates and uses .venv itself, so a fresh clone needs only `make run`
# or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
NODE_STAMP := node_modules/.installed

.PHONY: run test test-fast build validate lint format typecheck lock schema readability eval golden bench lighthouse clean

# The exact versions CI tested (requirements.lock, from `make lock`), then the project itself.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# axe-core and lighthouse from npm; no browser download (Debian's chromium is used).
$(NODE_STAMP): package.json
	CHROMEDRIVER_SKIP_DOWNLOAD=true PUPPETEER_SKIP_DOWNLOAD=true npm install --no-audit --no-fund --silent
	touch $(NODE_STAMP)

run: $(STAMP)  ## build (if needed) and serve site + API on http://$(HOST):$(PORT)
	$(BIN)/painguide build
	$(BIN)/painguide serve --host $(HOST) --port $(PORT)

test: $(STAMP) $(NODE_STAMP)  ## the whole suite, browser and slow tests included
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/painguide validate --strict
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)  ## the quick tests only (no browser, no site builds)
	$(BIN)/python -m pytest -q -m "not slow and not browser"

build: $(STAMP)
	$(BIN)/painguide build

validate: $(STAMP)  ## schema, references and the editorial rules (language, reading level, quiz balance)
	$(BIN)/painguide validate --strict

lint: $(STAMP)  ## fails on any lint, format or type problem
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: $(STAMP)  ## re-resolve requirements.lock from pyproject.toml's bounds (commit the result)
	$(BIN)/pip-compile --quiet --upgrade --no-emit-index-url --no-emit-find-links --extra dev --strip-extras --output-file requirements.lock pyproject.toml

schema: $(STAMP)  ## rewrite guidelines/schema.json from the pydantic models
	$(BIN)/python scripts/export_schema.py

readability: $(STAMP)  ## Flesch-Kincaid, SMOG and Dale-Chall for every patient layer (textstat 0.7.8)
	$(BIN)/python scripts/readability.py

eval: $(STAMP) $(NODE_STAMP)  ## search quality (MRR@10, recall@3, top-1): API, header box served and offline, old lunr box
	$(BIN)/python bench/search_eval.py

golden: $(STAMP) $(NODE_STAMP)  ## re-record tests/search_eval/golden.json (both engines' top 3 and MRR@10) after a reviewed ranking change; prints the diff
	$(BIN)/python bench/search_eval.py --no-lunr --golden tests/search_eval/golden.json

bench: $(STAMP)  ## our search next to FTS5 and tantivy; speed and memory (index, queries, HTTP); load and faults; the header box in Chromium
	$(BIN)/python bench/engines.py
	$(BIN)/python bench/run.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/search_browser.py

lighthouse: $(STAMP) $(NODE_STAMP)  ## Lighthouse scores for home and an entry page
	$(BIN)/python bench/lighthouse.py

clean:
	rm -rf build .pytest_cache .mypy_cache
