# Kernmonitor. `make run` starts the dashboard, `make test` runs every test.
# Needs only Python 3.11 and make: everything else is installed into .venv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8

.PHONY: run test lint seed bench clean

run: $(VENV)/.installed-run
	$(BIN)/python -m dashboard seed --if-empty
	$(BIN)/streamlit run dashboard/app.py

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

seed: $(VENV)/.installed-run
	$(BIN)/python -m dashboard seed

# Speed and memory at Flanders scale (1.5 million units); see "Performance" in the README.
bench: $(VENV)/.installed-run
	$(BIN)/python -m benchmarks

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# uv installs the pinned stack in seconds; plain pip is the fallback.
define install
	($(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) && \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python -r $(1)) || \
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r $(1)
endef

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(call install,requirements.txt)
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(call install,requirements-dev.txt)
	touch $@ $(VENV)/.installed-run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
