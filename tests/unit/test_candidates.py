"""Vectorisation attributes and the candidates GeoPackage: schema, merge, review fields, locks."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
import rasterio
from osgeo import ogr
from tsm_testkit import ORIGIN, UTM, bare_soil_model

from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
from thaw_slump_mapper.core.engine.raster import MosaicSpec
from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize
from thaw_slump_mapper.core.errors import InputError, OutputError
from thaw_slump_mapper.core.store.candidates import read_candidates, write_candidates
from thaw_slump_mapper.core.synthetic import SceneSpec, generate


def _prob_raster(path, values, dates=("2020",)):
    """A probability GeoTIFF as run_inference writes it (uint8 ×250, 255 = NoData)."""
    import json

    h, w = values.shape[-2:]
    stack = values if values.ndim == 3 else values[None]
    with rasterio.open(path, "w", driver="GTiff", width=w, height=h, count=stack.shape[0], dtype="uint8",
                       nodata=255, crs=UTM, transform=rasterio.transform.from_origin(*ORIGIN, 3, 3)) as dst:
        dst.write(stack)
        names = list(dates) + (["mean", "max"] if len(dates) > 1 else [])
        for i, name in enumerate(names, start=1):
            dst.set_band_description(i, name)
        dst.update_tags(TSM_DATES=json.dumps(list(dates)), TSM_MODEL=json.dumps({"name": "t", "version": "1"}))
    return path


def test_polygons_and_attributes_follow_threshold_and_area(tmp_path):
    v = np.zeros((100, 100), np.uint8)
    v[10:30, 10:40] = 200  # 600 px = 5400 m², p = 0.8
    v[15:20, 15:20] = 250  # its maximum, p = 1.0
    v[60:63, 60:63] = 200  # 9 px = 81 m²: below the minimum area
    v[80:90, 0:10] = 150  # p = 0.6, on the extent edge
    v[0:5, 90:100] = 255  # NoData
    path = _prob_raster(tmp_path / "p.tif", v)
    result = vectorize(path, VectorizeParams(threshold=0.5, min_area_m2=100))
    by_area = sorted(result.candidates, key=lambda c: -c.attributes["area_m2"])
    assert len(by_area) == 2
    big, edge = by_area[0].attributes, by_area[1].attributes
    assert big["area_m2"] == pytest.approx(5400) and big["perimeter_m"] == pytest.approx(2 * (60 + 90))
    assert big["max_prob"] == pytest.approx(1.0) and 0.8 < big["mean_prob"] < 0.85
    assert not big["touches_extent_edge"] and edge["touches_extent_edge"]
    assert big["dates_detected"] == "2020"
    assert len(vectorize(path, VectorizeParams(threshold=0.7, min_area_m2=100)).candidates) == 1
    assert len(vectorize(path, VectorizeParams(threshold=0.5, min_area_m2=50)).candidates) == 3


def test_dates_detected_lists_only_the_years_above_threshold(tmp_path):
    v = np.zeros((3, 50, 50), np.uint8)
    v[1, 10:30, 10:30] = 220  # only 2021 sees it
    v[2, 10:30, 10:30] = 220
    path = _prob_raster(tmp_path / "p.tif", np.concatenate([v[:2], v[1:2], v[1:2]]), dates=("2019", "2021"))
    (cand,) = vectorize(path, VectorizeParams(threshold=0.5, min_area_m2=0, band="max")).candidates
    assert cand.attributes["dates_detected"] == "2021"
    with pytest.raises(InputError, match="no band 'median'"):
        vectorize(path, VectorizeParams(band="median"))


def _write(tmp_path, v, gpkg, **run):
    path = _prob_raster(tmp_path / "p.tif", v)
    return write_candidates(gpkg, vectorize(path, VectorizeParams(0.5, 0)), {"threshold": 0.5, **run})


def test_geopackage_is_standard_and_records_the_run(tmp_path):
    v = np.zeros((60, 60), np.uint8)
    v[10:20, 10:20] = 200
    gpkg = tmp_path / "cand.gpkg"
    stats = _write(tmp_path, v, gpkg)
    assert (stats.found, stats.inserted, stats.updated) == (1, 1, 0)
    ds = ogr.Open(str(gpkg))
    layer = ds.GetLayerByName("candidates")
    assert layer.GetFeatureCount() == 1 and layer.GetGeomType() == ogr.wkbPolygon
    assert layer.GetSpatialRef().GetAuthorityCode(None) == "32646"
    feature = layer.GetNextFeature()
    assert feature.GetField("status") == "unreviewed" and feature.GetGeometryRef().GetArea() == 900
    assert ds.GetLayerByName("runs").GetFeatureCount() == 1
    conn = sqlite3.connect(gpkg)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_second_run_merges_and_never_touches_review_fields(tmp_path):
    v = np.zeros((60, 60), np.uint8)
    v[10:20, 10:20] = 200
    gpkg = tmp_path / "cand.gpkg"
    _write(tmp_path, v, gpkg)
    conn = sqlite3.connect(gpkg)
    conn.execute("UPDATE candidates SET status='accepted', reviewer='Xia', notes='clear headwall'")
    conn.commit()
    conn.close()
    v[10:21, 10:21] = 230  # the same slump, a little larger and surer; plus a new one
    v[40:50, 40:50] = 200
    stats = _write(tmp_path, v, gpkg)
    assert (stats.inserted, stats.updated) == (1, 1)
    rows = read_candidates(gpkg)
    assert len(rows) == 2
    old = next(r for r in rows if r["status"] == "accepted")
    assert (old["reviewer"], old["notes"]) == ("Xia", "clear headwall")
    assert old["geometry"].area == 900  # reviewed geometry kept
    assert old["max_prob"] == pytest.approx(0.92)  # detection attributes refreshed
    assert old["first_run_id"] != old["run_id"]


def test_locked_geopackage_gives_a_clear_message_and_writes_nothing(tmp_path):
    v = np.zeros((60, 60), np.uint8)
    v[10:20, 10:20] = 200
    gpkg = tmp_path / "cand.gpkg"
    _write(tmp_path, v, gpkg)
    holder = sqlite3.connect(gpkg, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    import thaw_slump_mapper.core.store.gpkg as gpkg_mod

    original = gpkg_mod.connect
    try:
        gpkg_mod.connect = lambda p, timeout=0.2: original(p, timeout)
        import thaw_slump_mapper.core.store.candidates as cand_mod

        cand_mod.connect = gpkg_mod.connect
        v[40:50, 40:50] = 200
        with pytest.raises(OutputError) as err:
            _write(tmp_path, v, gpkg)
    finally:
        cand_mod.connect = original
        gpkg_mod.connect = original
        holder.execute("ROLLBACK")
        holder.close()
    assert "locked by another program" in str(err.value) and "nothing was written" in str(err.value)
    assert len(read_candidates(gpkg)) == 1


def test_unwritable_output_is_explained(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    v = np.zeros((30, 30), np.uint8)
    v[5:15, 5:15] = 200
    with pytest.raises(OutputError, match="writable"):
        _write(tmp_path, v, blocker / "cand.gpkg")


def test_a_file_that_is_not_a_geopackage_is_not_overwritten(tmp_path):
    other = tmp_path / "notes.gpkg"
    sqlite3.connect(other).execute("CREATE TABLE notes (t TEXT)").connection.commit()
    v = np.zeros((30, 30), np.uint8)
    v[5:15, 5:15] = 200
    with pytest.raises(OutputError, match="not a GeoPackage"):
        _write(tmp_path, v, other)


def test_synthetic_scene_end_to_end_finds_the_slumps(tmp_path):
    scene = generate(tmp_path / "scene", SceneSpec(width=384, height=384, years=(2019, 2021), n_slumps=4, seed=3))
    model = bare_soil_model(tmp_path / "bare.onnx")
    prob = run_inference(InferenceParams(tuple(MosaicSpec(str(p), str(y)) for p, y in scene.mosaics),
                                         str(model), cache_dir=str(tmp_path / "c")))
    result = vectorize(prob.path, VectorizeParams(0.5, 300, band="max"))
    truth = [s.outlines[2021] for s in scene.slumps]
    found = sum(any(c.geometry.intersects(t) for c in result.candidates) for t in truth)
    assert found == len(truth)  # every slump floor is bare ground
    fooled = [kind for kind, g in scene.lookalikes if any(c.geometry.intersects(g) for c in result.candidates)]
    assert "pond" in fooled  # and so are look-alikes: why every candidate is reviewed


def test_holes_are_filled_unless_kept_and_outlines_can_be_simplified(tmp_path):
    v = np.zeros((60, 60), np.uint8)
    v[10:40, 10:40] = 200
    v[20:25, 20:25] = 0  # a hole of 25 px
    path = _prob_raster(tmp_path / "p.tif", v)
    filled = vectorize(path, VectorizeParams(0.5, 0)).candidates[0].geometry
    kept = vectorize(path, VectorizeParams(0.5, 0, fill_holes=False)).candidates[0].geometry
    assert filled.area == 900 * 9 and len(filled.interiors) == 0
    assert kept.area == (900 - 25) * 9 and len(kept.interiors) == 1
    stairs = np.zeros((60, 60), np.uint8)
    for i in range(30):  # a diagonal staircase edge
        stairs[10 + i, 10:12 + i] = 200
    path = _prob_raster(tmp_path / "s.tif", stairs)
    raw = vectorize(path, VectorizeParams(0.5, 0)).candidates[0].geometry
    smooth = vectorize(path, VectorizeParams(0.5, 0, simplify_m=3.0)).candidates[0].geometry
    assert len(smooth.exterior.coords) < len(raw.exterior.coords) / 4
    assert abs(smooth.area - raw.area) / raw.area < 0.1


def test_revectorising_a_run_replaces_its_unreviewed_candidates(tmp_path):
    v = np.zeros((60, 60), np.uint8)
    v[5:15, 5:15] = 200  # p 0.8
    v[30:40, 30:40] = 140  # p 0.56
    v[45:55, 5:15] = 140
    gpkg = tmp_path / "cand.gpkg"
    first = _write(tmp_path, v, gpkg)
    conn = sqlite3.connect(gpkg)
    conn.execute("UPDATE candidates SET status='rejected' WHERE fid = (SELECT fid FROM candidates WHERE "
                 "max_prob < 0.6 ORDER BY fid LIMIT 1)")
    conn.commit()
    conn.close()
    path = _prob_raster(tmp_path / "p.tif", v)
    stricter = vectorize(path, VectorizeParams(0.7, 0))
    write_candidates(gpkg, stricter, {"threshold": 0.7}, replace_run_id=first.run_id)
    rows = read_candidates(gpkg)
    assert sorted(r["status"] for r in rows) == ["rejected", "unreviewed"]  # the reviewed one stays
    assert [r["max_prob"] >= 0.7 for r in rows if r["status"] == "unreviewed"] == [True]


def test_a_file_in_another_crs_is_never_reprojected_into_silently(tmp_path):
    import hashlib

    from thaw_slump_mapper.core.store.candidates import CrsMismatchError, file_crs

    spec = SceneSpec(width=160, height=160, years=(2021,), n_slumps=2, seed=3)
    scene = generate(tmp_path / "a", spec)
    from tsm_testkit import bare_soil_model

    model = bare_soil_model(tmp_path / "m.onnx")

    def vectorised(mosaic_path, crs_dir):
        prob = run_inference(InferenceParams((MosaicSpec(str(mosaic_path), "2021"),), str(model),
                                             cache_dir=str(tmp_path / crs_dir)))
        return vectorize(prob.path, VectorizeParams(0.5, 300))

    gpkg = tmp_path / "c.gpkg"
    write_candidates(gpkg, vectorised(scene.mosaics[0][0], "c1"), {"threshold": 0.5})
    assert file_crs(gpkg).to_epsg() == 32646
    other = tmp_path / "other.tif"  # the same scene declared in a UTM zone 90° away
    import shutil

    import rasterio

    shutil.copy(scene.mosaics[0][0], other)
    with rasterio.open(other, "r+") as dst:
        dst.crs = rasterio.crs.CRS.from_epsg(32603)
    before = hashlib.sha256(gpkg.read_bytes()).hexdigest()
    with pytest.raises(CrsMismatchError, match="holds candidates in EPSG:32646 but this run is in EPSG:32603"):
        write_candidates(gpkg, vectorised(other, "c2"), {"threshold": 0.5})
    assert hashlib.sha256(gpkg.read_bytes()).hexdigest() == before
    stats = write_candidates(gpkg, vectorised(other, "c2"), {"threshold": 0.5}, reproject=True)
    assert stats.found >= 1 and file_crs(gpkg).to_epsg() == 32646  # on purpose only
