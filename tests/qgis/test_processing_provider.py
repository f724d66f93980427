"""The Processing provider's algorithms run through processing.run, as in batch and the modeller."""

from __future__ import annotations

import pytest
from qgis.core import QgsApplication, QgsProcessingFeedback

from thaw_slump_mapper.qgis_bridge.processing.provider import PROVIDER_ID, Provider


@pytest.fixture
def provider(qgis_processing):
    provider = Provider()
    QgsApplication.processingRegistry().addProvider(provider)
    yield provider
    QgsApplication.processingRegistry().removeProvider(provider)


def test_check_environment_reports_every_package(provider):
    import processing

    feedback = QgsProcessingFeedback()
    result = processing.run(f"{PROVIDER_ID}:checkenvironment", {"IMPORT_OPTIONAL": True}, feedback=feedback)
    assert result["READY"] is True
    assert result["TRAINING"] is True
    report = result["REPORT"]
    for package in ("numpy", "onnxruntime", "shapely", "rasterio", "torch", "segmentation-models-pytorch"):
        assert f"\n{package} (" in "\n" + report
    assert "not installed" not in report


def test_check_environment_honours_cancel(provider):
    import processing

    feedback = QgsProcessingFeedback()
    feedback.cancel()
    result = processing.run(f"{PROVIDER_ID}:checkenvironment", {}, feedback=feedback)
    assert result["REPORT"] == ""
    assert result["TRAINING"] is False
