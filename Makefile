# `make up` runs the whole system; `make test` runs every test. Both set themselves up first.
# `make up REPLICAS=2` (or REPLICAS=payments-worker=2,orders-gateway=2) runs replicas: docs/replicas.md
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install up test test-unit test-timeshift down clean

$(STAMP): requirements/dev.txt requirements/constraints.txt shared/pyproject.toml tools/pyproject.toml services/*/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -r requirements/dev.txt
	$(BIN)/python -m ardoise_tools.devservers.pdf_libraries
	@touch $(STAMP)

install: $(STAMP)

up: install
	$(BIN)/ardoise up $(if $(REPLICAS),--replicas $(REPLICAS))

# The e2e tier and the access matrix run once, with the whole system's clock moved
# (tests/timeshift.py, its SELECTION); every other test at the real time, before them.
SHIFTED := tests/e2e tests/reliability/test_access_matrix.py

test: install
	$(BIN)/python -m pytest $(addprefix --ignore=,$(SHIFTED))
	$(BIN)/python tests/timeshift.py $(SHIFTED)

test-unit: install
	$(BIN)/python -m pytest -m unit

test-timeshift: install
	$(BIN)/python tests/timeshift.py --all tests/e2e tests/reliability

down: install
	$(BIN)/ardoise servers down
	$(BIN)/ardoise servers down --instance test
	$(BIN)/ardoise servers down --instance shifted

clean: down
	rm -rf .run $(VENV)
