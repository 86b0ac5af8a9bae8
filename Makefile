# Stepgate — every target installs what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt clients/python/pyproject.toml | sha256sum | cut -c1-16)
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1

.PHONY: help venv browser synth test test-deployed test-fast parity run deploy diff lint bench capacity bench-polling lock clean

# `make help` prints each target's `##` line: a target without one fails tests/unit/test_makefile.py.
help: ## this list
	@grep -hE '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  make \1\t/' | expand -t 22
	@echo
	@echo "make run reads: SEARCH_LATENCY_MS (supplier latency, ms), STATUS_CACHE_SECONDS (status stage cache TTL, 0 = off), STEPGATE_STAGE, STEPGATE_API_KEY, PORT, AWS_PORT, WS_PORT (WebSocket events, default 3001)"
	@echo "  LOCALCLOUD_STATE=.localcloud/state (keep state across restarts), LOCALCLOUD_FAULTS=SearchOffers:0.3 (+ LOCALCLOUD_FAULTS_SEED),"
	@echo "  LOCALCLOUD_JOBS_TEST_CASE=<test case in SFN_MOCK_CONFIG>, LOCALCLOUD_WEBSOCKET=off (eventsUrl offered, nothing listens: clients poll);"
	@echo "  the README's local cloud table lists them all"
	@echo "make capacity reads: RATE (jobs/s, 10), MODE (poll), POLLERS (1), JOBS (jobs measured per kind, 5), CACHE_SECONDS (10)"
	@echo "make bench-polling reads: MODES (poll,cache,websocket), JOBS (1000), KIND (search), POLLERS (1)"

venv: $(STAMP) ## the virtualenv with the pinned requirements

$(STAMP): requirements.txt clients/python/pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e clients/python
	@rm -f $(VENV)/.installed-* && touch $@

# The pinned npm packages: the CDK CLI (deploy, diff) and the console's cytoscape + cytoscape-dagre (run, test).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The console's browser test needs Debian's chromium and chromedriver; without them it is skipped, saying why.
browser: ## chromium + chromedriver for the console's browser test (apt-get install when missing)
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium chromium-driver; } \
	    > .apt-chromium.log 2>&1; then echo "installed chromium and chromium-driver"; rm -f .apt-chromium.log; \
	else echo "chromium could not be installed (.apt-chromium.log): the console's browser test will be skipped"; fi

synth: venv ## write cdk.out (no AWS credentials needed)
	$(PY) -m localcloud synth

test: venv browser node_modules/.installed ## every test, offline
	$(PY) -m pytest -n 2 --dist loadgroup

test-fast: venv ## every test but the e2e ones (no local cloud started)
	$(PY) -m pytest -n 2 --dist loadgroup -m "not e2e"

lint: venv ## ruff on the Python sources, cfn-lint on the synthesized template
	$(PY) -m ruff check .
	$(PY) -m localcloud synth
	$(VENV)/bin/cfn-lint $${STEPGATE_CDK_OUT:-cdk.out}/Stepgate.template.json

# The ground-truth VTL corpus (tests/parity/cases); also part of make test.
parity: venv ## the VTL renderer against the AWS-recorded corpus (prints P/N and each failure)
	$(PY) -m tests.parity.report

# The stage is resolved before pytest starts; without one, a one-line reason and exit 2.
test-deployed: ## HTTP contract tests against the deployed stage (or STEPGATE_URL)
	@$(MAKE) --no-print-directory -s venv
	@$(PY) -m tests.e2e.deployed $(PYTEST_ARGS)

run: venv node_modules/.installed ## serve the stack on http://127.0.0.1:3000 (AWS endpoint on :4566); knobs below
	$(PY) -m localcloud run

deploy: venv node_modules/.installed ## cdk deploy with the pinned CDK CLI
	npx --no-install cdk deploy --app "$(PY) app.py"

diff: venv node_modules/.installed ## cdk diff with the pinned CDK CLI
	npx --no-install cdk diff --app "$(PY) app.py"

bench: venv ## local cloud benchmark (re-synthesizes first if sources changed, and says so)
	$(PY) bench/local_cloud.py

# Offline: real jobs on an in-process local cloud, priced and limited by bench/capacity/{prices,quotas}.py.
capacity: venv ## cost per million jobs per kind, and the quota RATE= jobs/s meets first in MODE=poll|cache|websocket|callback
	$(PY) -m bench.capacity

# Not a timed test: 1,000 jobs polled at once with AWS's default quotas; prints 5xx (must be 0), 429s, finished.
bench-polling: venv ## JOBS=1000 concurrently polled jobs per mode (MODES=poll,cache,websocket), local quotas on
	$(PY) bench/polling_at_scale.py

lock: ## re-resolve requirements.txt from requirements.in (needs the network)
	rm -rf /tmp/stepgate-lock && $(PYTHON) -m venv /tmp/stepgate-lock
	/tmp/stepgate-lock/bin/pip install --quiet -r requirements.in
	/tmp/stepgate-lock/bin/pip freeze > requirements.txt

clean: ## remove cdk.out, .localcloud and caches
	rm -rf cdk.out .localcloud .pytest_cache
