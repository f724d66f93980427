"""`tsm evaluate` on GeoPackages built here, against numbers computed by hand."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from shapely.geometry import box

from thaw_slump_mapper.core.store.gpkg import connect, create_feature_table, encode_geometry, ensure_srs, transaction

ROOT = Path(__file__).resolve().parents[2]
WKT = 'PROJCS["WGS 84 / UTM zone 46N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",93],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1],AUTHORITY["EPSG","32646"]]'  # noqa: E501


def _gpkg(path, polys, layer="slumps"):
    conn = connect(path)
    with transaction(conn, path):
        srs = ensure_srs(conn, 32646, WKT)
        create_feature_table(conn, layer, [("n", "INTEGER")], "POLYGON", srs)
        for i, p in enumerate(polys):
            conn.execute(f'INSERT INTO "{layer}" (geom, n) VALUES (?, ?)', (encode_geometry(p, srs), i))
    conn.close()
    return path


def test_evaluate_json_by_hand(tmp_path):
    x, y = 440000.0, 3860000.0
    ref = _gpkg(tmp_path / "ref.gpkg", [box(x, y, x + 30, y + 30), box(x + 100, y, x + 130, y + 30)])
    # one prediction matches the first slump exactly, one only touches the second, one is false
    pred = _gpkg(tmp_path / "pred.gpkg", [box(x, y, x + 30, y + 30), box(x + 120, y, x + 150, y + 30),
                                          box(x + 300, y, x + 330, y + 30)], layer="candidates")
    result = subprocess.run([str(ROOT / "scripts" / "tsm"), "evaluate", "--pred", pred, "--ref", ref, "--json"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    m = json.loads(result.stdout)
    for key in ("object_precision", "object_recall", "object_f1", "anyoverlap_precision", "anyoverlap_recall",
                "anyoverlap_f1", "pixel_iou", "pixel_precision", "pixel_recall", "pixel_f1"):
        assert key in m
    assert (m["object_precision"], m["object_recall"]) == (1 / 3, 1 / 2)
    assert (m["anyoverlap_precision"], m["anyoverlap_recall"]) == (2 / 3, 1.0)
    # pixels at 3 m: reference 200 px, prediction 300 px, shared 100 + 33 (10 x 10 and 10 x 3.33 → 10 x 3)
    assert 0.3 < m["pixel_iou"] < 0.45


def test_evaluate_readable_output_and_clear_error(tmp_path):
    x, y = 440000.0, 3860000.0
    ref = _gpkg(tmp_path / "ref.gpkg", [box(x, y, x + 30, y + 30)])
    ok = subprocess.run([str(ROOT / "scripts" / "tsm"), "evaluate", "--pred", ref, "--ref", ref, "--report",
                         tmp_path / "report.md"], capture_output=True, text=True)
    assert ok.returncode == 0 and "precision 1.000, recall 1.000" in ok.stdout
    report = (tmp_path / "report.md").read_text()
    assert "| object recall (IoU ≥ 0.5) | 1.000 |" in report and "![recall by size](report.png)" in report
    assert (tmp_path / "report.png").stat().st_size > 1000
    bad = subprocess.run([str(ROOT / "scripts" / "tsm"), "evaluate", "--pred", ref, "--ref", ref,
                          "--ref-layer", "nothing"], capture_output=True, text=True)
    assert bad.returncode == 1 and "has no layer 'nothing'" in bad.stderr and len(bad.stderr.splitlines()) == 1


def test_a_reference_in_a_distant_place_is_scored_with_a_warning_not_an_allocation(tmp_path):
    """Issue 26 point 4: a reference in another UTM zone's coordinates (thousands of km from the
    predictions) asked for 364 GiB and exited 3; now it scores 0 and says why."""
    from rasterio.crs import CRS

    x, y = 440000.0, 3860000.0
    pred = _gpkg(tmp_path / "pred.gpkg", [box(x, y, x + 30, y + 30)], layer="candidates")
    ref = tmp_path / "ref.gpkg"
    conn = connect(ref)
    with transaction(conn, ref):
        srs = ensure_srs(conn, 32606, CRS.from_epsg(32606).to_wkt(version="WKT1_GDAL"))  # Alaska's zone
        create_feature_table(conn, "slumps", [("n", "INTEGER")], "POLYGON", srs)
        conn.execute('INSERT INTO "slumps" (geom, n) VALUES (?, 0)', (encode_geometry(box(x, y, x + 30, y + 30), srs),))
    conn.close()
    result = subprocess.run([str(ROOT / "scripts" / "tsm"), "evaluate", "--pred", pred, "--ref", ref, "--json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pixel_iou"] == 0.0
    assert "do not overlap at all" in result.stderr and "km apart" in result.stderr
