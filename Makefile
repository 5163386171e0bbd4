# Trainfer: `make run` starts the app, `make test` runs the whole suite headless.
# Both create .venv when it is missing. The venv sees the system's site-packages, so a
# torch that is already installed there is used as it is, not downloaded again.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
TEST_WORKERS ?= 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint bench package clean

$(BIN)/python:
	$(PYTHON) -m venv --system-site-packages $(VENV)

$(VENV)/.installed: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-package: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[package]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/trainfer

# 0) style (ruff), types (mypy) and the import contracts between layers (lint-imports),
# 1) the engine's tests with Qt made unimportable (the engine must run without it),
# 2) everything else with Qt offscreen. Two pytest-xdist workers: much of a test's time is
# spent waiting for a run process or a Qt timer (TEST_WORKERS=0 runs them in one process).
test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	TRAINFER_BLOCK_QT=1 $(BIN)/python -m pytest -q -n $(TEST_WORKERS) -p no:pytest-qt -W ignore::pytest.PytestConfigWarning tests/engine
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --ignore=tests/engine tests

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# The one-folder app in dist/trainfer/ (packaging/README.md): PyInstaller, several minutes.
package: $(VENV)/.installed-package
	$(BIN)/pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller packaging/trainfer.spec

bench: $(VENV)/.installed
	$(BIN)/python bench/overhead.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache build dist
