"""Damaged inputs named as damaged (issue 26, point 2): real files damaged as disks and copies
damage them — a GeoPackage with 8 KB overwritten mid-file, a truncated probability GeoTIFF, a
chips folder missing a chip or holding a garbage one, an output folder that cannot be written.
Each is refused with exit 1 and one line that says what is damaged and what to do, before any
long work, and no file changes. Then the wrong diagnoses of point 5: a model that outputs NaN, a
mask over every pixel, references that are shapefiles, GeoJSON or points, two mosaics of one
date, and third-party warnings on the terminal (the argument cases are in test_bad_inputs)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pytest
from rasterio.shutil import copy as rio_copy
from tsm_testkit import BASIC, conv_model, write_raster

from thaw_slump_mapper.core.cli import main

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "models" / "tsm_starter"


def _damage(path: Path, offset: int, size: int = 8192) -> None:
    """``size`` bytes of noise written over the file from ``offset`` (what a bad sector or a broken
    copy leaves), the file's length unchanged."""
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(bytes((i * 37 + 11) % 256 for i in range(size)))


def _pages(path: Path, name: str) -> list[int]:
    """The pages of one table or index of a SQLite file (its dbstat view)."""
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", (name,))]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """Twelve-odd slumps found by a run, the candidates GeoPackage spread over many pages, its
    probability raster, an inventory and training chips, and damaged copies of each."""
    d = tmp_path_factory.mktemp("damaged")
    rng = np.random.default_rng(0)
    data = np.full((4, 200, 200), 1000, np.uint16)
    data[0] = 200
    yy, xx = np.mgrid[:200, :200]
    for i in range(12):
        cy, cx = 25 + (i // 4) * 60 + rng.integers(-5, 5), 25 + (i % 4) * 50 + rng.integers(-5, 5)
        r = 8 + 4 * np.sin(np.arctan2(yy - cy, xx - cx) * 7) + rng.normal(0, 1, (200, 200))
        data[0][(yy - cy) ** 2 + (xx - cx) ** 2 < r ** 2] = 3000
    write_raster(d / "m.tif", data)
    conv_model(d / "model.onnx", np.array([8.0, -6, 0, 0]).reshape(1, 4, 1, 1), np.array([0.0]),
               sidecar={**BASIC, "threshold": 0.5, "min_area_m2": 0})
    assert main(["infer", "--mosaic", f"{d / 'm.tif'}@2021", "--model", str(d / "model.onnx"), "--out",
                 str(d / "cand.gpkg"), "--cache", str(d / "cache"), "--quiet"]) == 0
    (prob,) = (d / "cache").glob("prob_*.vrt")
    rio_copy(prob, d / "prob.tif", driver="GTiff")
    shutil.rmtree(d / "cache")
    whole = (d / "prob.tif").read_bytes()
    (d / "prob_truncated.tif").write_bytes(whole[:len(whole) // 2])
    (d / "inv.geojson").write_text(json.dumps({
        "type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32646"}},
        "features": [{"type": "Feature", "properties": {"UID": "a"}, "geometry": {"type": "Polygon", "coordinates": [
            [[440000, 3859400], [440600, 3859400], [440600, 3860000], [440000, 3860000], [440000, 3859400]]]}}]}))
    # damage inside the candidates table: its candidate_id index (a run still "updated" every
    # candidate through it, exit 0) and its rows (a run was told to free disk space)
    index_page = _pages(d / "cand.gpkg", "sqlite_autoindex_candidates_1")[0]
    rows_page = _pages(d / "cand.gpkg", "candidates")[-4]
    assert rows_page > index_page + 2, "the candidates table should span many pages"
    for name, page in (("index", index_page), ("rows", rows_page)):
        shutil.copy(d / "cand.gpkg", d / f"damaged_{name}.gpkg")
        _damage(d / f"damaged_{name}.gpkg", (page - 1) * 4096)
        assert _quick_check(d / f"damaged_{name}.gpkg") != "ok"
    # a candidates layer written by another program: no candidate_id
    shutil.copy(d / "cand.gpkg", d / "foreign.gpkg")
    conn = sqlite3.connect(d / "foreign.gpkg")
    cols = [r[1] for r in conn.execute('PRAGMA table_info("candidates")') if r[1] != "candidate_id"]
    conn.execute("DROP INDEX IF EXISTS candidates_status")
    conn.execute(f"CREATE TABLE c2 AS SELECT {', '.join(cols)} FROM candidates")
    conn.execute("DROP TABLE candidates")
    conn.execute("ALTER TABLE c2 RENAME TO candidates")
    conn.commit()
    conn.close()
    # training chips for the starter model, then one missing and one garbage
    assert main(["export-chips", "--inventory", str(d / "inv.geojson"), "--mosaic", f"{d / 'm.tif'}@2021",
                 "--model", str(STARTER / "tsm_starter.onnx"), "--band-map", "red=3,green=2,blue=1",
                 "--out", str(d / "chips"), "--chip", "64"]) == 0
    chips = json.loads((d / "chips" / "manifest.json").read_text(encoding="utf-8"))["chips"]
    for name in ("missing", "garbage", "truncated"):
        shutil.copytree(d / "chips", d / f"chips_{name}")
    (d / "chips_missing" / chips[0]["image"]).unlink()
    (d / "chips_garbage" / chips[1]["mask"]).write_text("not a raster\n", encoding="utf-8")
    image = d / "chips_truncated" / chips[0]["image"]
    image.write_bytes(image.read_bytes()[:image.stat().st_size // 2])
    return d


def _quick_check(path: Path) -> str:
    try:
        conn = sqlite3.connect(path)
        try:
            return conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


def _run(ws: Path, capsys, args: list[str]) -> tuple[int, list[str]]:
    argv = [a.replace("{ws}", str(ws)) for a in args]
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if line.strip()]


INFER = ["infer", "--mosaic", "{ws}/m.tif@2021", "--model", "{ws}/model.onnx", "--cache", "{ws}/c2", "--quiet",
         "--out"]
DAMAGED_GPKG_COMMANDS = [
    ("infer-out", [*INFER, "{ws}/{gpkg}"]),
    ("mark-known", ["mark-known", "{ws}/{gpkg}", "--inventory", "{ws}/inv.geojson"]),
    ("evaluate-pred", ["evaluate", "--pred", "{ws}/{gpkg}", "--ref", "{ws}/cand.gpkg"]),
    ("evaluate-ref", ["evaluate", "--pred", "{ws}/cand.gpkg", "--ref", "{ws}/{gpkg}"]),
    ("export-chips", ["export-chips", "--candidates", "{ws}/{gpkg}", "--mosaic", "{ws}/m.tif@2021", "--model",
                      "{ws}/model.onnx", "--out", "{ws}/chips_new"]),
    ("iterations", ["iterations", "{ws}/{gpkg}"]),
    ("vectorize-out", ["vectorize", "--prob", "{ws}/prob.tif", "--out", "{ws}/{gpkg}"]),
]


@pytest.mark.parametrize("where", ["index", "rows"])
@pytest.mark.parametrize(("command", "args"), DAMAGED_GPKG_COMMANDS, ids=[c[0] for c in DAMAGED_GPKG_COMMANDS])
def test_a_damaged_candidates_geopackage_is_named_and_never_written(ws, capsys, where, command, args):
    # before: infer into the damaged index reported "21 candidates (0 new, 21 updated)" and mark-known
    # marked them (exit 0); into damaged rows both said "Free disk space"; the others exit 3, or
    # iterations printed nothing (exit 0)
    gpkg = f"damaged_{where}.gpkg"
    before = _snapshot(ws)
    code, lines = _run(ws, capsys, [a.replace("{gpkg}", gpkg) for a in args])
    assert code == 1, lines
    assert len(lines) == 1 and "Traceback" not in lines[0], lines
    assert f"The GeoPackage {gpkg} is damaged" in lines[0] and ".recover" in lines[0], lines
    assert "Free disk space" not in lines[0]
    assert _snapshot(ws) == before, "a damaged GeoPackage was written into (or something was created)"


def test_the_api_the_docks_use_refuses_a_damaged_file_too(ws):
    from thaw_slump_mapper.core.errors import InputError
    from thaw_slump_mapper.core.review.decisions import record_decision
    from thaw_slump_mapper.core.store.candidates import read_candidates

    before = _snapshot(ws)
    for call in (lambda: read_candidates(ws / "damaged_rows.gpkg"),
                 lambda: record_decision(ws / "damaged_index.gpkg", "x", "accepted", "me")):
        with pytest.raises(InputError, match="is damaged"):
            call()
    assert _snapshot(ws) == before


def test_a_whole_file_is_checked_once_until_it_changes(ws, tmp_path):
    from thaw_slump_mapper.core.store import gpkg as store

    path = tmp_path / "c.gpkg"
    shutil.copy(ws / "cand.gpkg", path)
    store.connect(path, create=False).close()
    assert str(path.resolve()) in store._CHECKED
    _damage(path, (_pages(ws / "cand.gpkg", "sqlite_autoindex_candidates_1")[0] - 1) * 4096)
    with pytest.raises(Exception, match="is damaged"):  # a change of the file is seen
        store.connect(path, create=False)


def test_a_candidates_layer_of_another_layout_is_not_a_full_disk(ws, capsys):
    # before: "Cannot save to foreign.gpkg (Cannot add a UNIQUE column). Free disk space or choose a
    # writable folder", after the model had run
    before = _snapshot(ws)
    code, lines = _run(ws, capsys, [*INFER, "{ws}/foreign.gpkg"])
    assert code == 1 and len(lines) == 1, lines
    assert "not laid out as a candidates GeoPackage" in lines[0] and "candidate_id" in lines[0], lines
    assert "Free disk space" not in lines[0]
    assert not (ws / "c2").exists(), "refused before the model ran"
    assert _snapshot(ws) == before


def test_sqlite_refusing_a_change_is_not_called_a_full_disk(tmp_path):
    from thaw_slump_mapper.core.errors import TsmError
    from thaw_slump_mapper.core.store.gpkg import connect, transaction

    path = tmp_path / "c.gpkg"
    conn = connect(path)
    with pytest.raises(TsmError) as err:
        with transaction(conn, path):
            conn.execute("ALTER TABLE gpkg_contents ADD COLUMN candidate_id TEXT UNIQUE")
    assert "not laid out" in str(err.value) and "Free disk space" not in str(err.value)
    conn.close()


def test_a_truncated_probability_raster_is_named(ws, capsys):
    # before: exit 3, "unexpected error (RasterioIOError: Read or write failed. … IReadBlock failed …)"
    before = _snapshot(ws)
    code, lines = _run(ws, capsys, ["vectorize", "--prob", "{ws}/prob_truncated.tif", "--out", "{ws}/v.gpkg"])
    assert code == 1 and len(lines) == 1, lines
    assert "prob_truncated.tif cannot be read whole" in lines[0] and "truncated or damaged" in lines[0], lines
    assert _snapshot(ws) == before


@pytest.mark.parametrize(("chips", "words"), [
    ("chips_missing", "names 1 file(s) that are not there"),
    ("chips_garbage", "cannot be read as a raster"),
    ("chips_truncated", "cannot be read as a raster"),
])
def test_damaged_chips_are_named_before_the_model_is_read(ws, capsys, monkeypatch, chips, words):
    # before: exit 3 ("unexpected error (RasterioIOError: …)") after the model's weights were read
    # (27-45 s on a loaded machine); the missing and garbage chips are now found before that
    from thaw_slump_mapper.core.learn import finetune

    if chips != "chips_truncated":  # a truncated chip opens; it is found when the chips are loaded
        def too_late(*args, **kwargs):
            raise AssertionError("the model was read before the chips were checked")

        monkeypatch.setattr(finetune, "read_state_dict", too_late)
    before = _snapshot(ws)
    code, lines = _run(ws, capsys, ["finetune", "--model", str(STARTER / "tsm_starter.pth"), "--chips",
                                    f"{{ws}}/{chips}", "--out", "{ws}/tuned", "--steps", "1", "--quiet"])
    assert code == 1 and len(lines) == 1, lines
    assert words in lines[0] and "export the training data again" in lines[0].lower(), lines
    assert _snapshot(ws) == before


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder nobody can write into: a read-only tmpfs as root (root ignores permissions), else
    permissions 0555."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_quantize_into_a_read_only_folder_is_refused_before_calibration(ws, capsys, monkeypatch, read_only_folder):
    # before: "calibration: 16 of 16 tiles", then "Cannot write the int8 model … (Read-only file
    # system). Free disk space …"
    from thaw_slump_mapper.core.learn import quantize

    def too_late(*args, **kwargs):
        raise AssertionError("calibration started")

    monkeypatch.setattr(quantize, "collect_calibration", too_late)
    code, lines = _run(ws, capsys, ["quantize", "{ws}/model.onnx", "--mosaic", "{ws}/m.tif@2021", "--out",
                                    str(read_only_folder / "q.onnx"), "--quiet"])
    assert code == 1 and len(lines) == 1, lines
    assert f"The folder {read_only_folder} is not writable" in lines[0], lines


# -- point 5: wrong diagnoses -----------------------------------------------------------------------

def test_a_model_that_outputs_nan_is_named_not_the_extent(ws, capsys):
    # before: "The extent holds only NoData in every mosaic … Pan the map onto the imagery", after the run
    conv_model(ws / "nan.onnx", np.array([8.0, -6, 0, 0]).reshape(1, 4, 1, 1), np.array([np.nan]),
               sidecar={**BASIC, "threshold": 0.5, "min_area_m2": 0})
    code, lines = _run(ws, capsys, ["infer", "--mosaic", "{ws}/m.tif@2021", "--model", "{ws}/nan.onnx", "--out",
                                    "{ws}/nan.gpkg", "--cache", "{ws}/c_nan", "--quiet"])
    assert code == 1 and len(lines) == 1, lines
    assert "nan.onnx returned NaN" in lines[0] and "Pan the map" not in lines[0], lines
    assert not (ws / "nan.gpkg").exists()


def test_a_mask_over_every_pixel_is_named_not_the_extent(ws, capsys):
    # before: "The extent holds only NoData in every mosaic … Pan the map onto the imagery"
    write_raster(ws / "udm_cloud.tif", np.full((1, 200, 200), 2, np.uint8), nodata=None)  # bit 2: cloud
    code, lines = _run(ws, capsys, ["infer", "--mosaic", "{ws}/m.tif@2021", "--mask", "{ws}/udm_cloud.tif",
                                    "--model", "{ws}/model.onnx", "--out", "{ws}/masked.gpkg", "--cache",
                                    "{ws}/c_mask", "--quiet"])
    assert code == 1 and len(lines) == 1, lines
    assert "marked unusable by their masks (udm_cloud.tif)" in lines[0] and "Pan the map" not in lines[0], lines
    assert not (ws / "masked.gpkg").exists()


# -- point 6: a vast mosaic of nothing ------------------------------------------------------------

def test_a_vast_mosaic_of_only_nodata_is_refused_before_the_run(ws, capsys):
    # before: a 20,000² px all-NoData (sparse) mosaic wrote no chunk in 240 s; refused in ~6 s on 2 cores now
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(ws / "vast_empty.tif", "w", driver="GTiff", width=20_000, height=20_000, count=4,
                       dtype="uint16", nodata=0, crs="EPSG:32646", transform=from_origin(440000, 3860000, 3, 3),
                       tiled=True, blockxsize=512, blockysize=512, compress="deflate", SPARSE_OK=True):
        pass  # every block left unwritten: NoData
    # tiles of 256 px as the starter's (the 64 px test model would walk 174,000 empty tiles for 20 s)
    conv_model(ws / "model256.onnx", np.array([8.0, -6, 0, 0]).reshape(1, 4, 1, 1), np.array([-1.0]),
               sidecar={**BASIC, "tile_size": 256, "overlap": 32, "threshold": 0.5, "min_area_m2": 0})
    code, lines = _run(ws, capsys, ["infer", "--mosaic", "{ws}/vast_empty.tif@2021", "--model", "{ws}/model256.onnx",
                                    "--out", "{ws}/vast.gpkg", "--cache", "{ws}/c_vast", "--quiet"])
    assert code == 1 and len(lines) == 1, lines
    assert "holds only NoData" in lines[0], lines
    assert not (ws / "vast.gpkg").exists() and not list((ws / "c_vast").glob("prob_*/c*.tif"))


@pytest.fixture(scope="module")
def outlines(ws):
    """The candidates as a shapefile and a GeoJSON, and their centroids as points (GeoPackage, GeoJSON)."""
    from osgeo import gdal

    gdal.UseExceptions()
    folder = ws / "outlines"
    folder.mkdir()
    for name, fmt in (("ref.shp", "ESRI Shapefile"), ("ref.geojson", "GeoJSON")):
        gdal.VectorTranslate(str(folder / name), str(ws / "cand.gpkg"), format=fmt, layers=["candidates"])
    gdal.VectorTranslate(str(folder / "points.gpkg"), str(ws / "cand.gpkg"), format="GPKG", SQLDialect="sqlite",
                         SQLStatement="SELECT ST_Centroid(geom) AS geom, candidate_id FROM candidates",
                         layerName="points")
    gdal.VectorTranslate(str(folder / "points.geojson"), str(folder / "points.gpkg"), format="GeoJSON")
    return folder


@pytest.mark.parametrize("ref", ["ref.shp", "ref.geojson"])
def test_evaluate_takes_a_shapefile_or_geojson_reference(ws, outlines, capsys, ref):
    # before: "ref.shp is not a valid GeoPackage (file is not a database) … this file is damaged"
    code = main(["evaluate", "--pred", str(ws / "cand.gpkg"), "--ref", str(outlines / ref), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    result = json.loads(out)
    assert result["reference"] == result["predicted"] == result["matched"] > 10


@pytest.mark.parametrize(("ref", "words"), [("points.gpkg", "holds POINT geometries, not polygons"),
                                            ("points.geojson", "holds no polygon")])
def test_a_points_layer_as_reference_is_refused(ws, outlines, capsys, ref, words):
    # before: points.gpkg scored 0 ("0 reference"), exit 0; points.geojson was "not a valid GeoPackage"
    code, lines = _run(ws, capsys, ["evaluate", "--pred", "{ws}/cand.gpkg", "--ref", str(outlines / ref)])
    assert code == 1 and len(lines) == 1, lines
    assert words in lines[0], lines


def test_two_mosaics_of_one_date_get_a_warning(ws, capsys):
    # before: no word; both went under 2021
    shutil.copy(ws / "m.tif", ws / "m_copy.tif")
    code, lines = _run(ws, capsys, ["infer", "--mosaic", "{ws}/m.tif@2021", "--mosaic", "{ws}/m_copy.tif@2021",
                                    "--model", "{ws}/model.onnx", "--out", "{ws}/twice.gpkg", "--cache",
                                    "{ws}/c_twice", "--quiet"])
    assert code == 0, lines
    assert lines == ["tsm infer: warning: 2 mosaics have the date 2021 (m.tif, m_copy.tif): their results share one "
                     "band and cannot be told apart by date; give each its own date (PATH@DATE) if they are "
                     "different years."]


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_third_party_warnings_stay_off_the_terminal_unless_tsm_debug(ws, tmp_path):
    # before: rasterio's NotGeoreferencedWarning (2 lines) came before the one-line message
    import rasterio

    with rasterio.open(tmp_path / "plain.tif", "w", driver="GTiff", width=32, height=32, count=4,
                       dtype="uint16") as dst:
        dst.write(np.ones((4, 32, 32), np.uint16))
    argv = [str(ROOT / "scripts" / "tsm"), "infer", "--mosaic", f"{tmp_path / 'plain.tif'}@2021", "--model",
            str(ws / "model.onnx"), "--out", str(tmp_path / "c.gpkg"), "--quiet"]
    env = {k: v for k, v in os.environ.items() if k != "TSM_DEBUG"}
    quiet = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    assert quiet.returncode == 1
    assert quiet.stderr.strip().splitlines() == [
        "tsm infer: The mosaic plain.tif has no coordinate reference system. Assign its CRS (Raster ▸ Projections ▸ "
        "Assign Projection) and try again."], quiet.stderr
    loud = subprocess.run(argv, capture_output=True, text=True, env={**env, "TSM_DEBUG": "1"}, timeout=300)
    assert "NotGeoreferencedWarning" in loud.stderr


@pytest.mark.parametrize("command", [
    ["evaluate", "--pred", "{ws}/cand.gpkg", "--ref", "{shp}"],
    ["mark-known", "{ws}/cand.gpkg", "--inventory", "{shp}"],
    [*INFER, "{ws}/aoi_run.gpkg", "--aoi", "{shp}"],
], ids=["evaluate-ref", "mark-known-inventory", "infer-aoi"])
def test_a_truncated_shapefile_is_named(ws, outlines, capsys, command):
    # before: exit 3, "unexpected error (RuntimeError: )" (evaluate took no shapefile at all)
    folder = ws / "truncated_shp"
    if not folder.exists():
        folder.mkdir()
        for part in outlines.glob("ref.*"):
            shutil.copy(part, folder / part.name)
        shp = folder / "ref.shp"
        shp.write_bytes(shp.read_bytes()[:shp.stat().st_size // 2])
    before = _snapshot(ws)
    code, lines = _run(ws, capsys, [a.replace("{shp}", str(folder / "ref.shp")) for a in command])
    assert code == 1 and len(lines) == 1, lines
    assert "ref.shp cannot be read to its end" in lines[0] and "copy or export it again" in lines[0], lines
    assert _snapshot(ws) == before


def test_synthetic_into_a_read_only_folder_is_refused(capsys, read_only_folder):
    # before: exit 3, "unexpected error (OSError: [Errno 30] Read-only file system: …)" as root (a
    # read-only file system; permissions 0555 otherwise)
    code = main(["synthetic", str(read_only_folder / "scene")])
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert code == 1 and len(lines) == 1, lines
    assert f"The folder {read_only_folder} is not writable" in lines[0], lines


@pytest.mark.parametrize(("text", "path", "date"), [
    ("m.tif@2021", "m.tif", "2021"), ("m.tif@2021-07", "m.tif", "2021-07"), ("m.tif@2021-7-5", "m.tif", "2021-7-5"),
    ("m.tif@20210715", "m.tif", "20210715"), ("a@b/m_2019.tif@2021-07-15", "a@b/m_2019.tif", "2021-07-15"),
    ("scene@home/m.tif", "scene@home/m.tif", ""), ("scans@2021/m_2019.tif", "scans@2021/m_2019.tif", "2019"),
    ("m_2019.tif", "m_2019.tif", "2019"), ("m.tif@", "m.tif", ""),
])
def test_a_mosaic_is_split_at_its_last_at_only_before_a_date(text, path, date):
    from thaw_slump_mapper.core.engine.raster import parse_mosaic_arg

    spec = parse_mosaic_arg(text)
    assert (spec.path, spec.date) == (path, date)


@pytest.mark.parametrize("date", ["2021-13-40", "2021-02-30", "1850", "summer", "202107"])
def test_a_date_that_is_none_is_refused_saying_how_to_write_one(date):
    from thaw_slump_mapper.core.engine.raster import parse_mosaic_arg
    from thaw_slump_mapper.core.errors import InputError

    with pytest.raises(InputError, match=r"is not a date\. Write PATH@YYYY, PATH@YYYY-MM or PATH@YYYY-MM-DD"):
        parse_mosaic_arg(f"m.tif@{date}")
