# `make run` and `make test` work on a fresh clone: the first use builds .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONFIG ?= complaintdesk.toml

.PHONY: run test lint typecheck imports unit bench clean messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@test -f $(CONFIG) || $(BIN)/complaintdesk init --config $(CONFIG)
	$(BIN)/complaintdesk run --config $(CONFIG)

test: lint typecheck imports unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/report_100k.py
	$(BIN)/python benchmarks/report_100k.py --backend postgresql
	$(BIN)/python benchmarks/telegram_inbound.py
	$(BIN)/python benchmarks/telegram_inbound.py --backend postgresql
	$(BIN)/python benchmarks/outbox_delivery.py
	$(BIN)/python benchmarks/outbox_delivery.py --backend postgresql
	$(BIN)/python benchmarks/watcher_tick.py
	$(BIN)/python benchmarks/watcher_tick.py --backend postgresql
	$(BIN)/python benchmarks/memory_conversations.py
	$(BIN)/python -m benchmarks.crash_kill --backend sqlite --customers 30 --kills 10
	$(BIN)/python -m benchmarks.crash_kill --backend postgresql --customers 30 --kills 10
	$(BIN)/python benchmarks/fuzz.py --count 20000 --seed 11
	$(BIN)/python benchmarks/fuzz.py --count 20000 --seed 11 --backend postgresql

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Re-extract gettext messages and merge them into the three catalogs; then translate the
# new entries (tests/conversations/test_translations.py fails until every one is done).
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k g -k t --no-location --omit-header --sort-output \
		--width 100 -o conversations/locale/messages.pot .
	$(BIN)/pybabel update -i conversations/locale/messages.pot -d conversations/locale \
		--no-fuzzy-matching --ignore-obsolete --width 100
