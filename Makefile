# Two commands do all set-up on a fresh machine:  `make demo`  and  `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench system-deps install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: system-deps $(STAMP)

system-deps:
	bash scripts/install-system-deps.sh

test: install
	$(BIN)/python -m pytest -q

demo: install
	$(BIN)/nianbao demo

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) demo-data
