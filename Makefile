# PainGuide: every target creates and uses .venv itself, so a fresh clone needs only `make run`
# or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
NODE_STAMP := node_modules/.installed

.PHONY: run test test-fast test-min build validate lint format typecheck lock schema readability eval golden bench hostile lighthouse clean

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

# pytest-xdist: the site builds are made once per run and shared by the workers
# (tests/conftest.py); tests marked `serial` run afterwards, alone. The real corpus's strict validation runs
# inside the suite (tests/test_cli.py).
# One worker more than CPUs: while one worker waits on a shared build's lock or on Chromium, the others still have
# work (2 CPUs, warm, idle machine: `make test` took 4 min 40 s with -n 2 and 4 min 8 s with -n 3).
WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
MIN_VENV := .venv-min

test: $(STAMP) $(NODE_STAMP)  ## lint, types and the whole suite (browser and slow tests included), on every CPU
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n $(WORKERS) -m "not serial"
	$(BIN)/python -m pytest -q -m serial

test-fast: $(STAMP)  ## the quick tests: no browser, no real-site build (markers derived in tests/conftest.py)
	$(BIN)/python -m pytest -q -n auto -m "not slow and not browser"

# Every dependency at pyproject.toml's lower bound (requirements-min.txt, checked by tests/test_dependencies.py)
# in its own .venv-min: the bounds we publish are versions we ran. Less one test: guidelines/schema.json is
# rendered by the locked pydantic, and pydantic 2.7 writes a one-value Literal differently (not a content fault).
test-min:  ## the quick tests against the lowest versions pyproject.toml allows
	test -x $(MIN_VENV)/bin/python || $(PYTHON) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/python -m pip install --quiet -r requirements-min.txt
	$(MIN_VENV)/bin/python -m pip install --quiet --no-deps -e .
	$(MIN_VENV)/bin/python -m pytest -q -n auto -m "not slow and not browser" \
		--deselect tests/test_docs.py::test_schema_json_is_current

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

hostile: $(STAMP)  ## security review 2's hostile build: every string field poisoned, built, every page opened served and from disk
	$(BIN)/python bench/hostile.py

lighthouse: $(STAMP) $(NODE_STAMP)  ## Lighthouse scores for home and an entry page
	$(BIN)/python bench/lighthouse.py

clean:
	rm -rf build .pytest_cache .mypy_cache $(MIN_VENV)
