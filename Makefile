# The two commands of the README: `make demo` and `make test`. Everything else is set up inside them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# What the local nodes download and build (Maven jars, launchers) stays in the checkout.
export LOGLAKE_CACHE := $(CURDIR)/.cache

.PHONY: demo test lint unit suite bench bench-opensearch opensearch-node clean layer stack

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/loglake demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The tests' OpenSearch node: its jars come from Maven Central once (.cache/opensearch), Java 17 runs it.
OPENSEARCH_STAMP := .cache/opensearch/ready
$(OPENSEARCH_STAMP): loglake/nodes/opensearch/pom.xml loglake/nodes/opensearch/LocalNode.java $(STAMP)
	$(BIN)/loglake opensearch fetch

opensearch-node: $(OPENSEARCH_STAMP)

# The tests' Trino node: trino-server-core and the Hive connector from Maven Central once (~450 MB,
# .cache/trino); Java 24+ runs it (found in JAVA_HOME, on PATH or under /usr/lib/jvm).
TRINO_STAMP := .cache/trino/ready
$(TRINO_STAMP): loglake/nodes/trino/pom.xml $(STAMP)
	$(BIN)/loglake trino fetch

trino-node: $(TRINO_STAMP)

# The fast tier: no Java (OpenSearch, Trino), no Chromium, no stack build, no wheel (tests/conftest.py marks those).
unit: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadgroup -m "not opensearch and not trino and not browser and not stack and not wheel"

# Everything, on both cores; each node's tests run on one worker, so one node starts per run.
suite: $(STAMP) $(OPENSEARCH_STAMP) $(TRINO_STAMP)
	$(BIN)/pytest -n 2 --dist loadgroup

test: lint stack suite

# The deployable stack (serverless.yml), checked without AWS: `serverless package` from the npm
# registry's serverless@3 (pinned in package-lock.json) with dummy credentials and no AWS call, then
# cfn-lint on the template; tests/infra/test_stack.py reads the same template. A variant with other
# params goes to a folder of its own: `make stack STACK_PARAMS="--param tracing=Active" STACK_DIR=...`.
NPM_STAMP := node_modules/.installed
LAYER_DIR := build/layers/deps
LAYER_STAMP := $(LAYER_DIR)/.built
STACK_DIR ?= .serverless
STACK_PARAMS ?=
TEMPLATE := $(STACK_DIR)/cloudformation-template-update-stack.json
SLS_ENV := AWS_ACCESS_KEY_ID=loglake-ci-dummy AWS_SECRET_ACCESS_KEY=loglake-ci-dummy AWS_SESSION_TOKEN= \
	AWS_PROFILE= AWS_EC2_METADATA_DISABLED=true SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off LOGLAKE_OFFLINE_PACKAGE=1

$(NPM_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

# PyYAML, google-re2 and opensearch-py as a Lambda layer: wheels for the functions' platform (CPython 3.12, arm64).
# The python3.12 runtime is Amazon Linux 2023 (glibc 2.34): wheels built for glibc 2.28 (google-re2's) run there.
$(LAYER_STAMP): layers/deps/requirements.txt $(STAMP)
	rm -rf $(LAYER_DIR)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-compile --only-binary=:all: \
		--platform manylinux2014_aarch64 --platform manylinux_2_28_aarch64 --implementation cp --python-version 3.12 \
		--target $(LAYER_DIR)/python -r layers/deps/requirements.txt
	touch $(LAYER_STAMP)

layer: $(LAYER_STAMP)

stack: $(STAMP) $(NPM_STAMP) $(LAYER_STAMP)
	$(SLS_ENV) node_modules/.bin/serverless package --stage ci --region eu-west-1 --package $(STACK_DIR) $(STACK_PARAMS)
	$(BIN)/cfn-lint $(TEMPLATE)

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

bench-opensearch: $(OPENSEARCH_STAMP)
	$(BIN)/python bench/opensearch.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
