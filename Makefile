# Liaison: `make demo` ingests the sample corpus; `make test` runs the tests.
# Both set up the environment in .venv first when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= liaison.db
SHARED ?= ../shared
export LIAISON_DATA ?= $(if $(wildcard $(SHARED)/data),$(SHARED)/data,)

.PHONY: setup demo test eval bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock package.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip >/dev/null
	$(BIN)/python -m pip install -q --upgrade pip uv
	$(BIN)/uv pip install -q -p $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q -p $(BIN)/python --no-deps -e .
	npm install --no-audit --no-fund --loglevel=error
	touch $@

HOST ?= 127.0.0.1
PORT ?= 8000

demo: setup
	$(BIN)/liaison ingest data/sample --db $(DB)
	$(BIN)/liaison serve --db $(DB) --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest -q

eval: setup
	$(BIN)/liaison extract $(SHARED)/seeds -o .eval-seeds.jsonl
	$(BIN)/liaison extract $(SHARED)/eval/dev/articles -o .eval-dev.jsonl
	@echo "== seeds (5 articles the rules were first written against)"
	$(BIN)/python $(SHARED)/eval/score.py $(SHARED)/eval/seeds.gold.json .eval-seeds.jsonl
	@echo "== development set (25 other real articles)"
	$(BIN)/python $(SHARED)/eval/score.py $(SHARED)/eval/dev/dev.gold.json .eval-dev.jsonl
	@echo "== the record: seeds and development set ingested together, events scored across documents"
	rm -f .eval-record.db
	$(BIN)/liaison ingest $(SHARED)/seeds $(SHARED)/eval/dev/articles --db .eval-record.db --quiet >/dev/null
	$(BIN)/python eval/score_events.py .eval-record.db $(SHARED)/eval/seeds.gold.json $(SHARED)/eval/dev/dev.gold.json --errors

bench: setup
	$(BIN)/python benchmarks/ingest_throughput.py
	$(BIN)/python benchmarks/firehose_throughput.py
	$(BIN)/python benchmarks/memory_scale.py
	$(BIN)/python benchmarks/long_document.py
	$(BIN)/python benchmarks/cli_startup.py
	$(BIN)/python benchmarks/resolution_scale.py
	$(BIN)/python benchmarks/resolution_incremental.py
	$(BIN)/python benchmarks/api_latency.py
	$(BIN)/python benchmarks/api_load.py

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm $(DB).key $(DB).resolve-lock .pytest_cache .eval-seeds.jsonl .eval-dev.jsonl
