# Stepgate — every target installs what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt clients/python/pyproject.toml | sha256sum | cut -c1-16)
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1

.PHONY: help venv synth test test-deployed test-fast parity run deploy diff lint bench lock clean

help:
	@echo "make run            serve the stack on http://127.0.0.1:3000 (AWS endpoint on :4566)"
	@echo "make test           every test, offline"
	@echo "make parity         the VTL renderer against the AWS-recorded corpus (prints P/N and each failure)"
	@echo "make synth          write cdk.out (no AWS credentials needed)"
	@echo "make deploy         cdk deploy with the pinned CDK CLI"
	@echo "make diff           cdk diff with the pinned CDK CLI"
	@echo "make test-deployed  HTTP contract tests against the deployed stage (or STEPGATE_URL)"
	@echo "make bench          local cloud benchmark"

venv: $(STAMP)

$(STAMP): requirements.txt clients/python/pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e clients/python
	@rm -f $(VENV)/.installed-* && touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

synth: venv
	$(PY) -m localcloud synth

test: venv
	$(PY) -m pytest -n 2 --dist loadgroup

# The ground-truth VTL corpus (tests/parity/cases); also part of make test.
parity: venv
	$(PY) -m tests.parity.report

# The stage is resolved before pytest starts; without one, a one-line reason and exit 2.
test-deployed:
	@$(MAKE) --no-print-directory -s venv
	@$(PY) -m tests.e2e.deployed $(PYTEST_ARGS)

run: venv
	$(PY) -m localcloud run

deploy: venv node_modules/.installed
	npx --no-install cdk deploy --app "$(PY) app.py"

diff: venv node_modules/.installed
	npx --no-install cdk diff --app "$(PY) app.py"

bench: venv
	$(PY) bench/local_cloud.py

# Re-resolve the pins from requirements.in (needs the network).
lock:
	rm -rf /tmp/stepgate-lock && $(PYTHON) -m venv /tmp/stepgate-lock
	/tmp/stepgate-lock/bin/pip install --quiet -r requirements.in
	/tmp/stepgate-lock/bin/pip freeze > requirements.txt

clean:
	rm -rf cdk.out .localcloud .pytest_cache
