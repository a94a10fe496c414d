# Two commands on a fresh machine:  `make demo` runs the quick start, `make test` the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The package and its command line only (what `make demo` needs), then the development
# tools on top of them (tests, linters, the code generator).
RUNTIME := $(VENV)/.runtime
STAMP := $(VENV)/.installed

.PHONY: demo test unit e2e check lint typecheck docs generate bench clean network-tools

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[cli,speedups]"
	touch $(RUNTIME)

$(STAMP): $(RUNTIME)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[cli,speedups]" --group dev
	touch $(STAMP)

demo: $(RUNTIME)  ## the quick start: against IMMICH_URL/IMMICH_API_KEY, or a built-in fake server
	$(BIN)/python examples/quickstart.py
	@echo
	@echo "The immich command is in $(BIN)/: run $(BIN)/immich --help, or activate the"
	@echo "environment first (. $(BIN)/activate) to type just immich."

test: unit e2e  ## every test: the unit suite, then the end-to-end suite on the real server

unit: $(STAMP) .tools/.installed network-tools  ## the unit suite, both clients, against fakes (no server needed)
	$(BIN)/python -m pytest -q

e2e: $(STAMP)  ## start the real Immich server (../shared/immich-server) and run the e2e suite on it
	scripts/e2e_server.sh
	$(BIN)/python -m pytest -q -m e2e

# Node.js 22 and the official @immich/cli, which a test runs against FakeImmich.
.tools/.installed: scripts/install_node_tools.sh
	scripts/install_node_tools.sh >/dev/null
	touch $@

# nginx and tinyproxy from apt, which tests/network starts on loopback ports (quick when installed).
network-tools:
	scripts/network_tools.sh

check: lint typecheck  ## generated code fresh, lint, types, the wheel as generated
	$(BIN)/python -m codegen --check
	$(BIN)/python scripts/check_wheel.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

docs: $(STAMP)  ## the documentation site into site/ (strict)
	$(BIN)/nox -s docs

generate: $(STAMP)  ## regenerate models, API groups and the sync tree from the spec
	$(BIN)/python -m codegen $(if $(SPEC),--spec $(SPEC))

clean:
	rm -rf $(VENV) .nox .pytest_cache .mypy_cache .ruff_cache dist build
