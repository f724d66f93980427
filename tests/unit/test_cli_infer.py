"""`scripts/tsm` end to end on a generated multi-year scene, as a user runs it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from tsm_testkit import bare_soil_model

ROOT = Path(__file__).resolve().parents[2]
TSM = str(ROOT / "scripts" / "tsm")


def tsm(*args, cwd=None):
    return subprocess.run([TSM, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    out = tmp_path_factory.mktemp("scene")
    result = tsm("synthetic", out, "--years", "2019,2020,2021", "--size", "320", "--slumps", "4", "--seed", "5")
    assert result.returncode == 0, result.stderr
    mosaics = result.stdout.split()
    assert [m.rsplit("@", 1)[1] for m in mosaics] == ["2019", "2020", "2021"]
    return out, mosaics


def test_infer_then_revectorise_then_merge(scene, tmp_path):
    _, mosaics = scene
    model = bare_soil_model(tmp_path / "bare.onnx")
    gpkg, cache = tmp_path / "cand.gpkg", tmp_path / "cache"
    args = ["infer", *[a for m in mosaics for a in ("--mosaic", m)], "--model", model, "--out", gpkg,
            "--cache", cache, "--json", "--quiet"]
    first = tsm(*args)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["candidates"] > 0 and summary["new"] == summary["candidates"] and not summary["cached"]

    conn = sqlite3.connect(gpkg)
    run = conn.execute("SELECT dates, model_name, model_sha256, candidates_new FROM runs").fetchone()
    assert json.loads(run[0]) == ["2019", "2020", "2021"] and run[1] == "bare-soil-index" and len(run[2]) == 64
    cols = {r[1] for r in conn.execute("PRAGMA table_info(candidates)")}
    assert {"candidate_id", "max_prob", "mean_prob", "area_m2", "perimeter_m", "nodata_frac",
            "touches_extent_edge", "dates_detected", "model_sha256", "mosaic_dates", "run_id", "created_at",
            "plugin_version", "status", "reviewer", "reviewed_at"} <= cols
    conn.close()

    again = tsm(*args)  # same view, same model: cached probabilities, merged, no duplicates
    summary2 = json.loads(again.stdout)
    assert summary2["cached"] and summary2["new"] == 0 and summary2["updated"] == summary["candidates"]

    stricter = tsm("vectorize", "--prob", summary["probability_raster"], "--out", tmp_path / "strict.gpkg",
                   "--threshold", "0.95", "--min-area", "2000")
    assert stricter.returncode == 0, stricter.stderr
    n_strict = int(stricter.stdout.split()[0])
    assert n_strict < summary["candidates"]


def test_inspect_model_prints_what_the_model_expects(tmp_path):
    model = bare_soil_model(tmp_path / "bare.onnx")
    result = tsm("inspect-model", model)
    assert result.returncode == 0, result.stderr
    assert "input bands:      ndvi" in result.stdout and "value domain:     reflectance" in result.stdout
    as_json = json.loads(tsm("inspect-model", model, "--json").stdout)
    assert as_json["gsd_m"] == 3.0 and as_json["kind"] == "onnx"


@pytest.mark.parametrize("case", ["missing model", "extent outside", "bad extent", "missing mosaic"])
def test_errors_are_one_line_with_nonzero_status(scene, tmp_path, case):
    _, mosaics = scene
    model = bare_soil_model(tmp_path / "bare.onnx")
    base = ["infer", "--mosaic", mosaics[0], "--model", model, "--out", tmp_path / "c.gpkg", "--cache", tmp_path]
    args = {
        "missing model": ["infer", "--mosaic", mosaics[0], "--model", tmp_path / "none.onnx",
                          "--out", tmp_path / "c.gpkg"],
        "extent outside": [*base, "--extent", "0,0,100,100,EPSG:32646"],
        "bad extent": [*base, "--extent", "1,2,3"],
        "missing mosaic": ["infer", "--mosaic", tmp_path / "nope.tif", "--model", model, "--out", tmp_path / "c.gpkg"],
    }[case]
    result = tsm(*args)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tsm infer: ") and "Traceback" not in result.stderr
    assert not (tmp_path / "c.gpkg").exists()


def _area_file(path, scene_mosaic, rows=(0, 100)):
    """A GeoJSON polygon over rows [r0, r1) of the scene, in WGS 84 (another CRS than the mosaics)."""
    import rasterio
    from rasterio.warp import transform_geom

    with rasterio.open(scene_mosaic.rsplit("@", 1)[0]) as src:
        t, crs, w = src.transform, src.crs, src.width
    x0, x1 = t.c, t.c + w * t.a
    y0, y1 = t.f + rows[0] * t.e, t.f + rows[1] * t.e
    ring = {"type": "Polygon", "coordinates": [[(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]]}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": transform_geom(crs, "EPSG:4326", ring)}]}))
    return path


def test_infer_over_a_study_area_file_and_its_dry_run(scene, tmp_path):
    import rasterio

    _, mosaics = scene
    model = bare_soil_model(tmp_path / "bare.onnx")
    area = _area_file(tmp_path / "area.geojson", mosaics[0])
    base = ["infer", *[a for m in mosaics for a in ("--mosaic", m)], "--model", model, "--cache", tmp_path / "cache"]
    plan = tsm(*base, "--aoi", area, "--dry-run")
    assert plan.returncode == 0, plan.stderr
    assert "tiles:" in plan.stdout and "chunk(s)" in plan.stdout and "memory: about" in plan.stdout
    assert "ms per tile" in plan.stdout and not (tmp_path / "cache").exists()  # a plan writes nothing
    run = tsm(*base, "--aoi", area, "--out", tmp_path / "c.gpkg", "--json", "--quiet")
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    whole = json.loads(tsm(*base, "--out", tmp_path / "w.gpkg", "--json", "--quiet").stdout)
    assert summary["tiles_total"] < whole["tiles_total"]
    with rasterio.open(summary["probability_raster"]) as src:
        assert src.width == 320 and 100 <= src.height <= 104  # the area's bounds, warped from WGS 84
    both = tsm(*base, "--aoi", area, "--extent", "0,0,1,1", "--out", tmp_path / "x.gpkg")
    assert both.returncode != 0 and "give one" in both.stderr
    missing = tsm(*base, "--aoi", tmp_path / "none.gpkg", "--out", tmp_path / "x.gpkg")
    assert missing.returncode != 0 and "does not exist" in missing.stderr and not (tmp_path / "x.gpkg").exists()
