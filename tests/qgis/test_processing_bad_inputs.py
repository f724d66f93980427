"""The bad-input catalogue through processing.run: each case raises a QgsProcessingException whose
message names the problem, and every file that existed before is byte-identical afterwards."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from qgis.core import QgsApplication, QgsProcessingException, QgsProject, QgsRasterLayer
from tsm_testkit import BASIC, conv_model, write_raster

from thaw_slump_mapper.adapters.processing.provider import PROVIDER_ID, Provider


@pytest.fixture(scope="module")
def ws(tmp_path_factory, qgis_processing):
    provider = Provider()
    QgsApplication.processingRegistry().addProvider(provider)
    d = tmp_path_factory.mktemp("pws")
    rng = np.random.default_rng(0)
    write_raster(d / "m_2020.tif", rng.integers(1, 4000, (4, 48, 48)).astype(np.uint16))
    write_raster(d / "dem.tif", rng.normal(300, 20, (1, 20, 20)).astype(np.float32), nodata=None)
    conv_model(d / "model.onnx", np.array([8.0, -6, 5, -2]).reshape(1, 4, 1, 1), np.array([0.3]), sidecar=BASIC)
    (d / "existing.tif").write_bytes((d / "m_2020.tif").read_bytes())
    (d / "notes.gpkg").write_text("not a database\n", encoding="utf-8")
    _damaged_candidates(d)
    yield d
    QgsApplication.processingRegistry().removeProvider(provider)
    QgsProject.instance().removeAllMapLayers()


def _damaged_candidates(d):
    """A candidates GeoPackage with 8 KB overwritten after its first page (what a bad sector or a
    broken copy leaves), and a polygon inventory around its candidates."""
    import json

    from rasterio.crs import CRS
    from shapely.geometry import box

    from thaw_slump_mapper.core.engine.vectorize import Candidate, Vectorized
    from thaw_slump_mapper.core.store.candidates import write_candidates

    geoms = [box(440000 + 50 * i, 3859000, 440030 + 50 * i, 3859030) for i in range(12)]
    cands = [Candidate(g, {"candidate_id": f"c{i}", "max_prob": 0.9, "mean_prob": 0.7, "area_m2": g.area,
                           "perimeter_m": g.length, "nodata_frac": 0.0, "touches_extent_edge": False,
                           "dates_detected": "2021"}) for i, g in enumerate(geoms)]
    write_candidates(d / "damaged.gpkg", Vectorized(cands, CRS.from_epsg(32646).to_wkt(), 32646, "mean", {}),
                     {"threshold": 0.5})
    with open(d / "damaged.gpkg", "r+b") as f:
        f.seek(4096)
        f.write(bytes((i * 37 + 11) % 256 for i in range(8192)))
    (d / "inv.geojson").write_text(json.dumps({
        "type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32646"}},
        "features": [{"type": "Feature", "properties": {"UID": "a"}, "geometry": {"type": "Polygon", "coordinates": [
            [[440000, 3858900], [440700, 3858900], [440700, 3859100], [440000, 3859100], [440000, 3858900]]]}}]}))


def _snapshot(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


def _layer(path):
    layer = QgsRasterLayer(str(path), path.stem)
    QgsProject.instance().addMapLayer(layer)
    return layer.id()


CASES = [
    ("runmodel", lambda d: {"MOSAICS": [_layer(d / "m_2020.tif")], "MODEL": str(d / "nope.onnx"),
                            "OUTPUT": str(d / "c.gpkg")}, "does not exist"),
    ("runmodel", lambda d: {"MOSAICS": [_layer(d / "m_2020.tif")], "MODEL": str(d / "model.onnx"),
                            "OUTPUT": str(d / "existing.tif")}, "GeoPackage"),
    ("runmodel", lambda d: {"MOSAICS": [_layer(d / "m_2020.tif")], "MODEL": str(d / "model.onnx"),
                            "DATES": "2019,2020", "OUTPUT": str(d / "c.gpkg")}, "2 dates were given for 1 mosaics"),
    ("runmodel", lambda d: {"MOSAICS": [_layer(d / "m_2020.tif")], "MODEL": str(d / "model.onnx"),
                            "MASKS": [_layer(d / "m_2020.tif")], "OUTPUT": str(d / "c.gpkg")}, "has 4 bands"),
    ("runmodel", lambda d: {"MOSAICS": [_layer(d / "m_2020.tif")], "MODEL": str(d / "model.onnx"),
                            "BAND_MAP": "nir:4", "OUTPUT": str(d / "c.gpkg")}, "band mapping"),
    ("vectorize", lambda d: {"PROB": str(d / "dem.tif"), "OUTPUT": str(d / "v.gpkg")}, "not a probability raster"),
    ("vectorize", lambda d: {"PROB": str(d / "nope.tif"), "OUTPUT": str(d / "v.gpkg")}, "does not exist"),
    ("evaluate", lambda d: {"PRED": str(d / "notes.gpkg"), "REF": str(d / "notes.gpkg"),
                            "REPORT": str(d / "r.md")}, "GeoPackage"),
    ("exportinventory", lambda d: {"CANDIDATES": str(d / "notes.gpkg"), "OUTPUT": str(d / "inv.gpkg")},
     "GeoPackage"),
    # a damaged candidates GeoPackage (issue 26): markknown printed a traceback (DatabaseError)
    ("markknown", lambda d: {"CANDIDATES": str(d / "damaged.gpkg"), "INVENTORY": str(d / "inv.geojson")},
     "damaged.gpkg is damaged"),
    ("evaluate", lambda d: {"PRED": str(d / "damaged.gpkg"), "REF": str(d / "damaged.gpkg"),
                            "REPORT": str(d / "r2.md")}, "damaged.gpkg is damaged"),
    ("exportinventory", lambda d: {"CANDIDATES": str(d / "damaged.gpkg"), "OUTPUT": str(d / "inv2.gpkg")},
     "damaged.gpkg is damaged"),
    ("runmodel", lambda d: {"MOSAICS": [_layer(d / "m_2020.tif")], "MODEL": str(d / "model.onnx"),
                            "OUTPUT": str(d / "damaged.gpkg")}, "damaged.gpkg is damaged"),
    # wrong diagnoses (issue 26, point 5)
    ("runmodel", lambda d: {"MOSAICS": [_layer(d / "m_2020.tif")], "MODEL": str(d / "model.onnx"),
                            "DATES": "2021-13-40", "OUTPUT": str(d / "c.gpkg")}, "'2021-13-40' after the last @"),
    ("runmodel", lambda d: {"MOSAICS": [_layer(d / "m_2020.tif")], "MODEL": str(d / "model.onnx"),
                            "BAND_MAP": "red=1,red=2", "OUTPUT": str(d / "c.gpkg")}, "gives red twice"),
]


@pytest.mark.parametrize(("algorithm", "params", "words"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_processing_refuses_bad_inputs_clearly_and_loses_nothing(ws, algorithm, params, words):
    import processing

    arguments = params(ws)
    before = _snapshot(ws)
    with pytest.raises(QgsProcessingException) as err:
        processing.run(f"{PROVIDER_ID}:{algorithm}", arguments)
    message = str(err.value)
    assert words in message and "Traceback" not in message, message
    assert _snapshot(ws) == before
