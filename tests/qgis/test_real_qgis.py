"""The real QGIS application under Xvfb, with the plugin installed from its zip into a fresh
profile: the plugin loads, its docks and provider exist, and screenshots are saved."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from qgis.PyQt.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "qgis_smoke"
sys.path.insert(0, str(ROOT / "scripts"))

import package  # noqa: E402
import qgis_smoke  # noqa: E402


def _distinct_colours(path: Path) -> int:
    image = QImage(str(path))
    assert not image.isNull(), path
    step = 7
    return len({image.pixel(x, y) for x in range(0, image.width(), step)
                for y in range(0, image.height(), step)})


@pytest.mark.real_qgis
def test_real_qgis_loads_the_zip_and_shows_the_docks(tmp_path):
    plugin_zip = package.build(tmp_path / "dist")
    marker = qgis_smoke.run(plugin_zip, ARTIFACTS, timeout=240, torch=True)
    assert marker["class"] == "ThawSlumpMapperPlugin", marker  # not the setup stub
    assert marker["loaded_from_profile"], marker
    assert marker["docks"] == ["ThawSlumpMapperInferenceDock", "ThawSlumpMapperReviewDock"]
    assert marker["visible_docks"] == marker["docks"]
    assert marker["tabified"] == marker["docks"]
    assert marker["provider"] is True
    assert "Inference panel" in marker["actions"]
    assert "Thaw Slump Mapper" in marker["log_tabs"]  # our log handler reached the log panel
    assert "Python error" not in marker["log_tabs"]
    # the stack computes correctly inside the application itself
    assert marker["stack"] == {"shapely_area": 6.0, "shapely_geojson_ok": True, "onnx_conv_mean": 6.0,
                               "smp_output_shape": [1, 1, 64, 64]}, marker["stack"]
    assert marker["returncode"] == 0
    for shot in ("qgis_inference.png", "qgis_review.png"):
        path = ARTIFACTS / shot
        assert QImage(str(path)).width() >= 1200
        assert _distinct_colours(path) > 20  # a rendered window, not a blank frame


@pytest.mark.real_qgis
def test_real_qgis_in_chinese(tmp_path):
    plugin_zip = package.build(tmp_path / "dist")
    marker = qgis_smoke.run(plugin_zip, ARTIFACTS.with_name("qgis_smoke_zh_CN"), timeout=240, lang="zh_CN")
    assert marker["class"] == "ThawSlumpMapperPlugin"
    assert marker["dock_titles"] == ["热融滑塌审核", "热融滑塌推理"]
    assert "推理面板" in marker["actions"]


@pytest.mark.real_qgis
def test_real_qgis_without_the_packages_shows_the_setup_stub_not_a_traceback(tmp_path):
    # No plugin environment: QGIS's own Python has neither onnxruntime nor shapely 2.
    plugin_zip = package.build(tmp_path / "dist")
    marker = qgis_smoke.run(plugin_zip, ARTIFACTS.with_name("qgis_smoke_stub"), timeout=240, env_dir="")
    assert marker["class"] == "StubPlugin", marker
    assert marker["docks"] == []
    assert "Python error" not in marker["log_tabs"]
    (message,) = [m for m in marker["message_bar"] if "Missing or broken Python packages" in m]
    assert "onnxruntime" in message


@pytest.mark.real_qgis
def test_real_qgis_runs_the_model_then_reviews_by_keyboard(tmp_path):
    plugin_zip = package.build(tmp_path / "dist")
    out = ARTIFACTS.with_name("qgis_review")
    marker = qgis_smoke.run(plugin_zip, out, timeout=300, scenario="review")
    assert marker["class"] == "ThawSlumpMapperPlugin"
    assert marker["candidates"] > 0, marker["status"]
    assert "candidates" in marker["status"] and marker["progress"] == "done"
    assert not [m for m in marker["plugin_log"] if m.startswith("ERROR")]
    assert marker["returncode"] == 0
    # 20 key presses, 20 decisions committed: 8 accept (A), 8 reject (1 water, 4 bare rock), 4 unsure (U)
    assert marker["review_keys"] == 20
    status = marker["review_status"]
    assert (status["accepted"], status["rejected"], status["unsure"]) == (8, 8, 4)
    assert marker["review_counters"].startswith("20 of ")
    assert _distinct_colours(out / "qgis_review.png") > 50
