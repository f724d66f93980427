# Thaw Slump Mapper. The two commands of the README: `make demo` and `make test`.
# Every target sets up what is missing first (scripts/setup.sh is idempotent and fast).

VENV ?= .venv
PY := $(VENV)/bin/python
VERSION := $(shell sed -n 's/^version=//p' metadata.txt)
ZIP := dist/thaw_slump_mapper-$(VERSION).zip
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup test test-unit test-qgis lint demo package install i18n clean starter-model

setup:
	@scripts/setup.sh

lint: setup
	$(VENV)/bin/ruff check .

test-unit: setup
	$(PY) -m pytest -p no:qgis tests/unit

test-qgis: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests/qgis

# The whole suite, headless: lint, pure unit tests (no QGIS), QGIS tests (offscreen, plus the
# real qgis binary under Xvfb). Two pytest runs because a process holds one QgsApplication.
test: lint test-unit test-qgis

package: setup
	@$(PY) scripts/package.py

# The main job on an embedded default (a SYNTHETIC three-year scene and the bundled starter
# model): installs the plugin into your default QGIS profile, then opens QGIS with a demo project
# when there is a display, or runs inference, automatic review and inventory export headless.
demo: package
	@echo "Installing Thaw Slump Mapper into the default QGIS profile:"
	@$(PY) scripts/install_plugin.py --zip $(ZIP)
	@$(PY) scripts/demo.py

# Reproduce the bundled model and its model card (CPU is enough: minutes, not hours).
# STARTER_RECIPE=lite0-aug trains the best pretrained-encoder candidate so far (not bundled: see
# docs/measurements/starter_candidates.json); `lite0` is the first round's.
STARTER_RECIPE ?= starter-0.1
starter-model: setup
	$(PY) scripts/train_starter.py --recipe $(STARTER_RECIPE)
	$(PY) scripts/evaluate_starter.py --recipe $(STARTER_RECIPE)
	$(PY) scripts/model_card.py

install: demo

i18n: setup
	$(PY) scripts/i18n.py update
	$(PY) scripts/i18n.py compile

clean:
	rm -rf dist build artifacts .pytest_cache .ruff_cache i18n/*.qm
