# The two set-up commands of the README: `make demo` and `make test`. Both build .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed

.PHONY: demo test soak lint format bench bench-quick bench-pi bench-pi-quick clean messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/pybabel -q compile -D till -d till/locale
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/till demo

test: $(STAMP)
	$(BIN)/pytest -q -n 3

FUZZ_SECONDS ?= 120
FUZZ_TARGETS = scan scanner csv config push pull search

soak: $(STAMP)
	$(BIN)/pytest -q -m soak
	TILL_FUZZ=soak $(BIN)/pytest -q -n 2 tests/fuzz
	@mkdir -p data/fuzz
	@if $(BIN)/python -m pip install -q atheris; then \
		for target in $(FUZZ_TARGETS); do \
			echo "atheris: $$target, $(FUZZ_SECONDS) s"; \
			timeout --kill-after=10 $$(( $(FUZZ_SECONDS) + 60 )) \
				$(BIN)/python -m tests.fuzz.atheris_harness $$target \
				-max_total_time=$(FUZZ_SECONDS) -artifact_prefix=data/fuzz/$$target- || exit 1; \
		done; \
	else echo "atheris does not install here: the coverage-guided fuzzing is left out"; fi

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench.run

# Every figure at small sizes in minutes, into the "Quick run" section of docs/performance.md.
bench-quick: $(STAMP)
	$(BIN)/python -m bench.run --quick

# The Pi-class budget (as root, cgroup v1): one core, 512 MB, beside an unconstrained run.
bench-pi: $(STAMP)
	$(BIN)/python -m bench.run --pi

bench-pi-quick: $(STAMP)
	$(BIN)/python -m bench.run --quick --pi

# The translations (docs/languages.md): the messages of the code into till/locale/till.pot,
# new ones into each language's .po (translate them there), then the .mo the till reads.
messages: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg --project=till --no-location --sort-output \
		-k plural:2,3 -k Binding:3 -k NC_:1c,2 -k Count:2,3 -o till/locale/till.pot till storage devices sync
	$(BIN)/pybabel -q update -D till -i till/locale/till.pot -d till/locale --no-fuzzy-matching
	$(BIN)/pybabel -q compile -D till -d till/locale

clean:
	rm -rf $(VENV) data
