"""With QGIS set to Simplified Chinese, the plugin's interface is Chinese."""

from __future__ import annotations

import pytest
from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QEvent
from qgis.PyQt.QtWidgets import QApplication

import thaw_slump_mapper
from thaw_slump_mapper.adapters import i18n


@pytest.mark.parametrize("locale", ["zh_CN", "zh-Hans", "zh-CN", "zh"])
def test_zh_cn_locale_translates_the_actions_and_docks(fake_iface, locale):
    # 'zh-Hans' is what choosing 简体中文 in QGIS 3.22's Settings ▸ Options stores
    assert i18n.qm_path("zh_CN") is not None, "run `python scripts/i18n.py compile`"
    settings = QgsSettings()
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", locale)
    plugin = thaw_slump_mapper.classFactory(fake_iface)
    try:
        plugin.initGui()
        texts = [a.text() for a in plugin.actions]
        assert "推理面板" in texts and "审核面板" in texts and "设置…" in texts
        assert plugin.docks["inference"].windowTitle() == "热融滑塌推理"
    finally:
        plugin.unload()
        settings.remove("locale/overrideFlag")
        settings.remove("locale/userLocale")
        QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
        QApplication.processEvents()
    # the translator is gone with the plugin: English again
    assert i18n.tr("Inference panel") == "Inference panel"


def test_english_locale_keeps_the_source_strings(fake_iface):
    settings = QgsSettings()
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "en_US")
    plugin = thaw_slump_mapper.classFactory(fake_iface)
    try:
        plugin.initGui()
        assert plugin.translator is None
        assert "Inference panel" in [a.text() for a in plugin.actions]
    finally:
        plugin.unload()
        settings.remove("locale/overrideFlag")
        settings.remove("locale/userLocale")


def test_traditional_chinese_is_not_taken_for_simplified():
    assert i18n.normalise_locale("zh-Hant") == "zh_TW" and i18n.normalise_locale("zh_TW") == "zh_TW"
    assert i18n.qm_path("zh-Hant") is None


def test_the_check_column_speaks_chinese_too(tmp_path):
    import numpy as np
    from tsm_testkit import write_raster

    from thaw_slump_mapper.core.engine.raster import MosaicSpec, inspect_mosaic
    from thaw_slump_mapper.ui.inference.controller import mosaic_summary

    info = inspect_mosaic(MosaicSpec(str(write_raster(tmp_path / "m.tif", np.ones((4, 8, 8), np.uint16) * 900))))
    assert mosaic_summary(info) == "4 bands B,G,R,N · 16-bit SR · 3.0 m · EPSG:32646"
    translator = i18n.install_translator("zh-Hans")
    try:
        assert mosaic_summary(info) == "4 个波段 B,G,R,N · 16 位地表反射率 · 3.0 米 · EPSG:32646"
    finally:
        i18n.remove_translator(translator)


def test_every_core_message_has_its_english_text_in_the_catalogue():
    from thaw_slump_mapper.adapters.messages import catalogue
    from thaw_slump_mapper.core.messages import TEXTS

    assert catalogue() == TEXTS  # no translator installed: tr() gives the source back


def test_core_warnings_and_errors_reach_the_check_column_in_chinese(qgis_app, fake_iface, tmp_path):
    import numpy as np
    from qgis.core import QgsProject, QgsRasterLayer
    from tsm_testkit import bare_soil_model, write_raster

    from thaw_slump_mapper.ui.inference.controller import InferenceController
    from thaw_slump_mapper.ui.inference.dock import COL_CHECK, InferenceDock

    project = QgsProject.instance()
    project.removeAllMapLayers()
    project.removeEntry("thaw_slump_mapper", "mosaics")
    # 16-bit values that never pass 255, and no date in the name: two warnings from core
    values = np.random.default_rng(1).integers(1, 250, (4, 64, 64)).astype(np.uint16)
    path = write_raster(tmp_path / "scene.tif", values)
    layer = QgsRasterLayer(str(path), "scene")
    project.addMapLayer(layer)
    translator = i18n.install_translator("zh_CN")
    dock = InferenceDock()
    controller = InferenceController(fake_iface, dock)
    try:
        controller.add_model_path(str(bare_soil_model(tmp_path / "bare.onnx")))
        dock.set_mosaic_used(layer.id(), True, "")
        controller.validate()
        text = dock.table.item(0, COL_CHECK).text()
        assert "看起来像 8 位影像" in text and "scene.tif 没有日期" in text, text
        assert "look like" not in text and "no date" not in text
        # an InputError (a mask that is no mask) with its fix, in Chinese
        dock.set_mask(0, str(path))
        assert not controller.validate()
        text = dock.table.item(0, COL_CHECK).text()
        assert "掩膜 scene.tif 有 4 个波段" in text and "而不是影像本身" in text, text
        # a band mapping core cannot read: the fit line under the model
        dock.set_mask(0, "")
        dock.band_map.setText("nir=four")
        assert not controller.validate()
        assert dock.fit_label.text().startswith("无法读取波段映射"), dock.fit_label.text()
    finally:
        controller.unload()
        i18n.remove_translator(translator)
        project.removeAllMapLayers()
        project.removeEntry("thaw_slump_mapper", "mosaics")
