"""metadata.txt is what plugins.qgis.org and the Plugin Manager read."""

from __future__ import annotations

import re

from thaw_slump_mapper.core import about

REQUIRED = ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email",
            "repository", "tracker", "icon", "category", "hasProcessingProvider", "experimental")


def test_metadata_has_every_field_the_plugin_repository_requires():
    meta = about.metadata()
    missing = [key for key in REQUIRED if not meta.get(key.lower())]
    assert not missing


def test_version_is_semantic_and_qgis_range_is_3_22_to_qgis_4():
    meta = about.metadata()
    assert re.fullmatch(r"\d+\.\d+\.\d+", about.version())
    assert meta["qgisminimumversion"] == "3.22"
    # QGIS 4 (Qt 6) loads only plugins that declare supportsQt6, and compares the maximum version
    assert meta["qgismaximumversion"] == "4.99"
    assert meta["supportsqt6"] == "True"
    assert meta["hasprocessingprovider"] == "yes"


def test_icon_exists_and_about_names_the_external_packages():
    meta = about.metadata()
    assert (about.PLUGIN_DIR / meta["icon"]).is_file()
    for package in ("onnxruntime", "shapely", "numpy", "rasterio", "torch"):
        assert package in meta["about"]
