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
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
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


def _model_error(path):
    from thaw_slump_mapper.core.engine.models import load_model
    from thaw_slump_mapper.core.errors import ModelError

    with pytest.raises(ModelError) as err:
        load_model(path)
    return err.value


def test_model_loading_errors_speak_chinese(tmp_path):
    import json

    from tsm_testkit import bare_soil_model

    from thaw_slump_mapper.adapters.messages import error_text

    missing = _model_error(tmp_path / "gone.onnx")
    text_file = tmp_path / "notes.onnx"
    text_file.write_text("not a model", encoding="utf-8")
    not_onnx = _model_error(text_file)
    model = bare_soil_model(tmp_path / "bare.onnx")
    sidecar = model.with_name(model.name + ".json")
    description = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.is_file() else {}
    sidecar.write_text(json.dumps({**description, "bands": ["blue", "green", "red", "nir"], "value_domain": "sr16",
                                   "gsd_m": 3.0, "activation": "relu"}), encoding="utf-8")
    activation = _model_error(model)
    unknown = tmp_path / "model.h5"
    unknown.write_text("x", encoding="utf-8")
    form = _model_error(unknown)
    # English without a translator, word for word what the command line prints
    assert error_text(missing) == str(missing) == (f"The model file {tmp_path / 'gone.onnx'} does not exist. "
                                                   "Check the path, or add the model again.")
    assert error_text(activation) == str(activation)
    assert "has activation 'relu'; expected one of sigmoid, softmax, none." in str(activation)
    translator = i18n.install_translator("zh_CN")
    try:
        assert error_text(missing) == f"模型文件 {tmp_path / 'gone.onnx'} 不存在。请检查路径，或重新添加模型。"
        text = error_text(not_onnx)
        assert text.startswith("notes.onnx 不是有效的 ONNX 模型（") and "请重新复制或导出" in text, text
        text = error_text(activation)
        assert f"模型描述（{sidecar}）中的 activation 为“relu”；应为以下之一：sigmoid, softmax, none。" in text, text
        assert "附属 JSON 文件" in text and "expected" not in text
        assert error_text(form).startswith("model.h5 不是插件可读取的模型格式。"), error_text(form)
        # nested messages: where the description came from, and no description at all
        from thaw_slump_mapper.core.engine.model_spec import parse_description

        with pytest.raises(Exception) as err:
            parse_description({"bands": ["nir"]}, "")
        assert error_text(err.value).startswith("模型描述（未找到）缺少 value_domain, gsd_m, activation"), \
            error_text(err.value)
    finally:
        i18n.remove_translator(translator)
    assert error_text(not_onnx) == str(not_onnx)


def test_a_model_that_is_no_model_is_explained_in_chinese_in_the_dock(qgis_app, fake_iface, tmp_path):
    from thaw_slump_mapper.ui.inference.controller import InferenceController
    from thaw_slump_mapper.ui.inference.dock import InferenceDock

    text_file = tmp_path / "readme.onnx"
    text_file.write_text("this is a text file", encoding="utf-8")
    translator = i18n.install_translator("zh_CN")
    dock = InferenceDock()
    controller = InferenceController(fake_iface, dock)
    try:
        controller.add_model_path(str(text_file))
        assert not controller.validate()
        text = dock.fit_label.text()
        assert text.startswith("readme.onnx 不是有效的 ONNX 模型"), text
        assert "not a valid" not in text
    finally:
        controller.unload()
        i18n.remove_translator(translator)


def test_the_package_report_speaks_chinese(provider):
    """The environment box's details and Processing's environment check: package lines in Chinese."""
    import processing

    from thaw_slump_mapper.adapters.messages import localize
    from thaw_slump_mapper.adapters.processing.provider import PROVIDER_ID
    from thaw_slump_mapper.core import deps

    torch = next(r for r in deps.REQUIREMENTS if r.module == "torch")
    ghost = deps.Requirement("tsm_ghost_zh", "tsm-ghost-zh", "", torch.purpose, False)
    (line,) = deps.report([deps.check(ghost)])
    translator = i18n.install_translator("zh_CN")
    try:
        assert localize(line) == "tsm-ghost-zh（可选，训练与 Torch 模型）：未安装"
        report = processing.run(f"{PROVIDER_ID}:checkenvironment", {})["REPORT"]
    finally:
        i18n.remove_translator(translator)
    assert "numpy（必需，数组运算）：" in report and "onnxruntime（必需，运行 ONNX 模型）：" in report
    assert "(required" not in report


def test_a_damaged_geopackage_and_a_date_that_is_none_are_explained_in_chinese(tmp_path):
    from thaw_slump_mapper.adapters.messages import error_text
    from thaw_slump_mapper.core.engine.raster import parse_mosaic_arg
    from thaw_slump_mapper.core.errors import TsmError
    from thaw_slump_mapper.core.store.gpkg import connect

    path = tmp_path / "c.gpkg"
    conn = connect(path)
    conn.executescript("CREATE TABLE t (a); INSERT INTO t VALUES (zeroblob(20000));")
    conn.close()
    with open(path, "r+b") as f:  # 8 KB of noise after the first page
        f.seek(4096)
        f.write(bytes((i * 37 + 11) % 256 for i in range(8192)))
    errors = []
    for call in (lambda: connect(path, create=False), lambda: parse_mosaic_arg("m.tif@2021-13-40")):
        with pytest.raises(TsmError) as err:
            call()
        errors.append(err.value)
    damaged, date = errors
    assert error_text(damaged) == str(damaged) and str(damaged).startswith("The GeoPackage c.gpkg is damaged (")
    translator = i18n.install_translator("zh_CN")
    try:
        text = error_text(damaged)
        assert text.startswith("GeoPackage c.gpkg 已损坏（") and "sqlite3 c.gpkg" in text, text
        assert error_text(date) == ("'m.tif@2021-13-40' 中最后一个 @ 之后的 '2021-13-40' 不是日期。请写成 PATH@YYYY、"
                                    "PATH@YYYY-MM 或 PATH@YYYY-MM-DD，日期须真实存在，例如 m.tif@2021-07-15。")
    finally:
        i18n.remove_translator(translator)
