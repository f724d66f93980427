# Thaw Slump Mapper. The two commands of the README: `make demo` and `make test`.
# Every target sets up what is missing first (scripts/setup.sh is idempotent and fast).

VENV ?= .venv
PY := $(VENV)/bin/python
VERSION := $(shell sed -n 's/^version=//p' metadata.txt)
ZIP := dist/thaw_slump_mapper-$(VERSION).zip
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup test test-fast test-unit test-slow test-qgis lint demo package install i18n clean starter-model

setup:
	@scripts/setup.sh

lint: setup
	$(VENV)/bin/ruff check .

# The unit suite (minutes on 2 cores) and, apart, the unit tests marked slow by nature (whole
# runs in subprocesses, Dask clusters, the review-and-fine-tune loop at full size).
test-unit: setup
	$(PY) -m pytest -p no:qgis -m "not slow" tests/unit

test-slow: setup
	$(PY) -m pytest -p no:qgis -m slow tests/unit

test-qgis: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests/qgis

# The whole suite, headless: lint, pure unit tests (no QGIS), the slow ones, QGIS tests
# (offscreen, plus the real qgis binary under Xvfb). Separate pytest runs because a process
# holds one QgsApplication. CI (.ci/run) runs all of it.
test: lint test-unit test-slow test-qgis

# For developers: lint and the unit suite without the slow tests.
test-fast: lint test-unit

package: setup
	@$(PY) scripts/package.py

# The main job on an embedded default (a SYNTHETIC three-year scene and the bundled starter
# model): installs the plugin into your default QGIS profile, then opens QGIS with a demo project
# when there is a display, or runs inference, automatic review and inventory export headless.
demo: package
	@echo "Installing Thaw Slump Mapper into the default QGIS profile:"
	@$(PY) scripts/install_plugin.py --zip $(ZIP)
	@$(PY) scripts/demo.py

# Reproduce the bundled model and its model card on CPU: cross-validation (which also chooses the
# threshold and minimum area), the final training with that choice, the scores of the trained model
# (HOLDOUT, and the 16 real tiles for a cyber2a recipe), then MODEL_CARD.md.
STARTER_RECIPE ?= cyber2a
STARTER_DIR := models/tsm_starter
starter-model: setup
	$(PY) scripts/evaluate_starter.py --recipe $(STARTER_RECIPE) --cv-only --out $(STARTER_DIR)/evaluation.json
	$(PY) scripts/train_starter.py --recipe $(STARTER_RECIPE) --from-cv $(STARTER_DIR)/evaluation.json
	$(PY) scripts/evaluate_starter.py --recipe $(STARTER_RECIPE) --skip-cv --out $(STARTER_DIR)/evaluation.json
	$(PY) scripts/model_card.py

install: demo

i18n: setup
	$(PY) scripts/i18n.py update
	$(PY) scripts/i18n.py compile

clean:
	rm -rf dist build artifacts .pytest_cache .ruff_cache i18n/*.qm
