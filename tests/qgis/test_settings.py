"""One typed settings record, stored in QgsSettings and edited on the Options page."""

from __future__ import annotations

from qgis.core import QgsSettings

from thaw_slump_mapper.adapters import settings
from thaw_slump_mapper.core.preferences import Preferences
from thaw_slump_mapper.ui.options_page import OptionsPage


def _clear():
    QgsSettings().remove("thaw_slump_mapper")


def test_round_trip_keeps_every_field(qgis_app):
    _clear()
    prefs = Preferences(threshold=0.35, min_area_m2=2500, batch_size=8, device="cpu", cache_dir="/tmp/c",
                        backend="openvino", cache_limit_mb=100, reviewer="Xia", debug_log=True,
                        user_models=("/a.onnx", "/b.pt"))
    settings.save(prefs)
    assert settings.load() == prefs
    _clear()
    assert settings.load() == Preferences()


def test_hand_edited_garbage_falls_back_to_valid_values(qgis_app):
    _clear()
    qs = QgsSettings()
    qs.setValue("thaw_slump_mapper/threshold", "not a number")
    qs.setValue("thaw_slump_mapper/batch_size", -4)
    qs.setValue("thaw_slump_mapper/device", "quantum")
    qs.setValue("thaw_slump_mapper/backend", "tensorrt")
    loaded = settings.load()
    assert loaded.threshold == Preferences().threshold
    assert loaded.batch_size == 0  # automatic
    assert loaded.device == "auto" and loaded.backend == "auto"
    _clear()


def test_options_page_shows_and_applies_preferences(qgis_app):
    _clear()
    settings.save(Preferences(threshold=0.6, reviewer="Huang", user_models=("/m.onnx",)))
    page = OptionsPage()
    assert page.threshold.value() == 0.6 and page.reviewer.text() == "Huang"
    page.threshold.setValue(0.25)
    page.batch_size.setValue(16)
    page.device.setCurrentIndex(page.device.findData("cuda"))
    assert [page.backend.itemData(i) for i in range(page.backend.count())] == [
        "auto", "onnxruntime", "openvino", "openvino-bf16"]
    page.backend.setCurrentIndex(page.backend.findData("onnxruntime"))
    page.apply()
    loaded = settings.load()
    assert (loaded.threshold, loaded.batch_size, loaded.device, loaded.backend) == (0.25, 16, "cuda", "onnxruntime")
    assert loaded.user_models == ("/m.onnx",)  # not on the page, must survive an apply
    _clear()
