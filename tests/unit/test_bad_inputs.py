"""The bad-input catalogue: every command given what users really type by mistake. Each case
asserts the exit status, one line on stderr that names the problem (and the fix), no traceback,
and that every file that existed before is byte-identical afterwards, with nothing new created."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from rasterio.shutil import copy as rio_copy
from tsm_testkit import BASIC, conv_model, write_raster

from thaw_slump_mapper.core.cli import main

ROOT = Path(__file__).resolve().parents[2]
STARTER_PTH = ROOT / "models" / "tsm_starter" / "tsm_starter.pth"


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """A workspace with a real run in it: mosaics, a model, candidates, a probability raster and
    the files a user keeps beside them (which no failed command may touch)."""
    d = tmp_path_factory.mktemp("ws")
    rng = np.random.default_rng(0)
    write_raster(d / "m_2019.tif", rng.integers(1, 4000, (4, 96, 96)).astype(np.uint16))
    write_raster(d / "m_2021.tif", rng.integers(1, 4000, (4, 96, 96)).astype(np.uint16))
    write_raster(d / "rgb.tif", rng.integers(1, 255, (3, 32, 32)).astype(np.uint8))
    write_raster(d / "m_3413.tif", rng.integers(1, 4000, (4, 32, 32)).astype(np.uint16), crs="EPSG:3413",
                 origin=(-2.0e6, 1.0e6))
    write_raster(d / "dem.tif", rng.normal(300, 20, (1, 40, 40)).astype(np.float32), nodata=None)
    conv_model(d / "model.onnx", np.array([8.0, -6, 5, -2]).reshape(1, 4, 1, 1), np.array([0.3]),
               sidecar={**BASIC, "threshold": 0.5, "min_area_m2": 0})
    assert main(["infer", "--mosaic", f"{d / 'm_2019.tif'}@2019", "--mosaic", f"{d / 'm_2021.tif'}@2021",
                 "--model", str(d / "model.onnx"), "--out", str(d / "cand.gpkg"), "--cache", str(d / "cache"),
                 "--quiet"]) == 0
    (prob,) = (d / "cache").glob("prob_*.vrt")
    rio_copy(prob, d / "prob.tif", driver="GTiff")  # one file, with the tags and band names of the VRT
    shutil.rmtree(d / "cache")
    (d / "existing.tif").write_bytes((d / "m_2019.tif").read_bytes())
    (d / "r.png").write_bytes(b"\x89PNG a chart the user keeps")
    (d / "kept.md").write_text("# my notes\n", encoding="utf-8")
    (d / "notes.tif").write_text("not a raster at all\n", encoding="utf-8")
    (d / "truncated.tif").write_bytes((d / "m_2019.tif").read_bytes()[:600])
    (d / "empty.gpkg").write_bytes(b"")
    far = {"type": "Polygon", "coordinates": [[[9e5, 4e6], [9.001e5, 4e6], [9.001e5, 4.0001e6], [9e5, 4e6]]]}
    (d / "inv_far.geojson").write_text(json.dumps({
        "type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3413"}},
        "features": [{"type": "Feature", "geometry": far, "properties": {"UID": "a", "TrainClass": "Positive"}}]}))
    (d / "model.txt").write_text("weights? no\n", encoding="utf-8")
    (d / "chips_done").mkdir()
    (d / "chips_done" / "manifest.json").write_text('{"chips": []}', encoding="utf-8")
    (d / "chips_bad").mkdir()
    (d / "chips_bad" / "manifest.json").write_text("{not json", encoding="utf-8")
    return d


def _evil_pth(folder: Path) -> Path:
    import torch

    class Evil:
        def __reduce__(self):
            return (Path.write_text, (folder / "pwned.txt", "code ran"))

    path = folder / "evil.pth"
    torch.save({"weights": Evil()}, path)
    shutil.copy(STARTER_PTH.with_suffix(".pth.json"), folder / "evil.pth.json")
    return path


def _mismatched_pth(folder: Path) -> Path:
    import torch

    path = folder / "other.pth"
    torch.save({"encoder.conv1.weight": torch.zeros(3, 3, 3, 3)}, path)
    shutil.copy(STARTER_PTH.with_suffix(".pth.json"), folder / "other.pth.json")
    return path


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file's sha256 and every folder, so that a new empty folder counts as a change too."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


M19, M21 = "{ws}/m_2019.tif@2019", "{ws}/m_2021.tif@2021"
INFER = ["infer", "--mosaic", M19, "--model", "{ws}/model.onnx", "--out", "{ws}/new.gpkg", "--cache", "{ws}/c2"]
CHIPS = ["export-chips", "--candidates", "{ws}/cand.gpkg", "--mosaic", M21, "--model", "{ws}/model.onnx",
         "--out", "{ws}/chips_new"]
TUNE = ["finetune", "--model", str(STARTER_PTH), "--chips", "{ws}/chips_done", "--out", "{ws}/tuned"]
EVAL = ["evaluate", "--pred", "{ws}/cand.gpkg", "--ref", "{ws}/cand.gpkg"]
VEC = ["vectorize", "--prob", "{ws}/prob.tif", "--out", "{ws}/vec.gpkg"]

# (case id, arguments, exit status, words the one-line message must contain)
CASES = [
    # infer: inputs
    ("infer-missing-mosaic", ["infer", "--mosaic", "{ws}/nope.tif", "--model", "{ws}/model.onnx", "--out",
                              "{ws}/new.gpkg"], 1, "does not exist"),
    ("infer-empty-mosaic-path", ["infer", "--mosaic", "@2016", "--model", "{ws}/model.onnx", "--out",
                                 "{ws}/new.gpkg"], 1, "does not exist"),
    ("infer-text-renamed-tif", ["infer", "--mosaic", "{ws}/notes.tif", "--model", "{ws}/model.onnx", "--out",
                                "{ws}/new.gpkg"], 1, "cannot be read as a raster"),
    ("infer-truncated-tif", ["infer", "--mosaic", "{ws}/truncated.tif", "--model", "{ws}/model.onnx", "--out",
                             "{ws}/new.gpkg"], 1, "cannot be read as a raster"),
    ("infer-missing-model", [*INFER[:3], "--model", "{ws}/nope.onnx", *INFER[5:]], 1, "nope.onnx"),
    ("infer-text-model", [*INFER[:3], "--model", "{ws}/model.txt", *INFER[5:]], 1, "model.txt"),
    ("infer-rgb-for-nir-model", ["infer", "--mosaic", "{ws}/rgb.tif@2020", "--model", "{ws}/model.onnx", "--out",
                                 "{ws}/new.gpkg", "--cache", "{ws}/c2"], 1, "nir"),
    ("infer-crs-mismatch", [*INFER, "--mosaic", "{ws}/m_3413.tif@2021"], 1, "--reproject"),
    ("infer-aux-syntax", [*INFER, "--aux", "dem.tif"], 1, "ROLE=PATH"),
    ("infer-band-map-syntax", [*INFER, "--band-map", "nir:4"], 1, "band"),
    ("infer-band-not-a-date", [*INFER, "--band", "2030"], 1, "2030"),
    ("infer-mask-count", [*INFER, "--mask", "a.tif", "--mask", "b.tif"], 1, "one --mask per --mosaic"),
    ("infer-mask-is-imagery", [*INFER, "--mask", "{ws}/m_2019.tif"], 1, "4 bands"),
    ("infer-mask-missing", [*INFER, "--mask", "{ws}/nope_udm.tif"], 1, "does not exist"),
    # issue 26, point 5: a date that is none, an @ inside a path, a role mapped twice, a model's folder
    ("infer-date-not-a-date", ["infer", "--mosaic", "{ws}/m_2019.tif@2021-13-40", *INFER[3:]], 1,
     "'2021-13-40' after the last @"),  # was taken as a date
    ("infer-date-a-word", ["infer", "--mosaic", "{ws}/m_2019.tif@summer", *INFER[3:]], 1, "YYYY-MM-DD"),
    ("infer-at-inside-the-path", ["infer", "--mosaic", "{ws}/scene@home/m.tif", *INFER[3:]], 1,
     "scene@home/m.tif' does not exist"),  # was "The mosaic '…/scene' does not exist", home/m.tif its date
    ("infer-band-map-role-twice", [*INFER, "--band-map", "red=1,red=2"], 1, "gives red twice"),  # was taken
    ("infer-model-is-a-folder", [*INFER[:3], "--model", "{ws}", *INFER[5:]], 1,
     "is a folder, not a model file. Give the model file inside it (model.onnx"),  # was "does not exist"
    ("chips-mosaic-date-not-a-date", [*CHIPS[:3], "--mosaic", "{ws}/m_2021.tif@2021-02-30", *CHIPS[5:]], 1,
     "is not a date"),
    # infer: outputs and parameters, all checked before the model runs
    ("infer-out-is-a-geotiff", [*INFER[:5], "--out", "{ws}/existing.tif"], 1, "GeoPackage"),
    ("infer-out-is-empty-file", [*INFER[:5], "--out", "{ws}/empty.gpkg"], 1, "empty"),
    ("infer-out-is-a-folder", [*INFER[:5], "--out", "{ws}/chips_done"], 1, "chips_done"),
    ("infer-min-area-negative", [*INFER, "--min-area", "-100"], 2, "--min-area"),
    ("infer-min-area-nan", [*INFER, "--min-area", "nan"], 2, "finite"),
    ("infer-threshold-above-one", [*INFER, "--threshold", "1.5"], 2, "--threshold"),
    ("infer-threshold-zero", [*INFER, "--threshold", "0"], 2, "above 0"),
    ("infer-threshold-text", [*INFER, "--threshold", "high"], 2, "not a number"),
    ("infer-batch-negative", [*INFER, "--batch-size", "-1"], 2, "0 is automatic"),
    ("infer-margin-negative", [*INFER, "--nodata-margin", "-1"], 2, "--nodata-margin"),
    ("infer-simplify-negative", [*INFER, "--simplify", "-2"], 2, "--simplify"),
    ("infer-device-unknown", [*INFER, "--device", "tpu"], 2, "--device"),
    ("infer-domain-unknown", [*INFER, "--domain", "sr32"], 2, "--domain"),
    ("infer-no-model", ["infer", "--mosaic", M19, "--out", "{ws}/new.gpkg"], 2, "--model"),
    # extents
    ("extent-three-numbers", [*INFER, "--extent", "1,2,3"], 1, "Cannot read the extent"),
    ("extent-unknown-epsg", [*INFER, "--extent", "440000,3859800,440100,3860000,EPSG:999999"], 1, "unknown"),
    ("extent-empty", [*INFER, "--extent", "440100,3859800,440000,3860000"], 1, "empty"),
    ("extent-nan", [*INFER, "--extent", "nan,3859800,440100,3860000"], 1, "not a number"),
    ("extent-outside", [*INFER, "--extent", "0,0,10,10,EPSG:32646"], 1, "outside every mosaic"),
    ("extent-pasted-file", [*INFER, "--extent", "1," * 60000], 1, "Cannot read the extent"),
    # vectorize
    ("vectorize-missing-prob", ["vectorize", "--prob", "{ws}/nope.tif", "--out", "{ws}/vec.gpkg"], 1,
     "does not exist"),
    ("vectorize-any-raster", ["vectorize", "--prob", "{ws}/dem.tif", "--out", "{ws}/vec.gpkg"], 1,
     "not a probability raster"),
    ("vectorize-mosaic-as-prob", ["vectorize", "--prob", "{ws}/m_2019.tif", "--out", "{ws}/vec.gpkg"], 1,
     "not a probability raster"),
    ("vectorize-text-as-prob", ["vectorize", "--prob", "{ws}/notes.tif", "--out", "{ws}/vec.gpkg"], 1,
     "cannot be read"),
    ("vectorize-out-geotiff", ["vectorize", "--prob", "{ws}/prob.tif", "--out", "{ws}/existing.tif"], 1,
     "GeoPackage"),
    ("vectorize-threshold", [*VEC, "--threshold", "2"], 2, "--threshold"),
    ("vectorize-band", [*VEC, "--band", "2030"], 1, "no band '2030'"),
    ("vectorize-min-area", [*VEC, "--min-area", "-5"], 2, "--min-area"),
    # evaluate
    ("evaluate-missing-pred", ["evaluate", "--pred", "{ws}/nope.gpkg", "--ref", "{ws}/cand.gpkg"], 1,
     "does not exist"),
    ("evaluate-missing-ref", ["evaluate", "--pred", "{ws}/cand.gpkg", "--ref", "{ws}/nope.gpkg"], 1,
     "does not exist"),
    ("evaluate-missing-area", [*EVAL, "--area", "{ws}/aoi.gpkg"], 1, "does not exist"),
    ("evaluate-iou-two", [*EVAL, "--iou", "2"], 2, "--iou"),
    ("evaluate-iou-zero", [*EVAL, "--iou", "0"], 2, "--iou"),
    ("evaluate-pixel-size", [*EVAL, "--pixel-size", "0"], 2, "--pixel-size"),
    ("evaluate-report-replaces-chart", [*EVAL, "--report", "{ws}/r.md"], 1, "r.png already exists"),
    ("evaluate-report-exists", [*EVAL, "--report", "{ws}/kept.md"], 1, "kept.md already exists"),
    ("evaluate-pred-geotiff", ["evaluate", "--pred", "{ws}/existing.tif", "--ref", "{ws}/cand.gpkg"], 1,
     "GeoPackage"),
    ("evaluate-pred-empty", ["evaluate", "--pred", "{ws}/empty.gpkg", "--ref", "{ws}/cand.gpkg"], 1, "empty"),
    ("evaluate-layer", [*EVAL, "--pred-layer", "slumps"], 1, "no layer 'slumps'"),
    # iterations (read-only: creates nothing)
    ("iterations-typo", ["iterations", "{ws}/cand_typo.gpkg"], 1, "does not exist"),
    ("iterations-csv-over-geotiff", ["iterations", "{ws}/cand.gpkg", "--csv", "{ws}/existing.tif"], 1,
     "already exists"),
    ("iterations-geotiff", ["iterations", "{ws}/existing.tif"], 1, "GeoPackage"),
    ("iterations-empty", ["iterations", "{ws}/empty.gpkg"], 1, "empty"),
    ("iterations-csv-folder-missing", ["iterations", "{ws}/cand.gpkg", "--csv", "{ws}/nodir/log.csv"], 1,
     "does not exist"),
    # export-chips
    ("chips-size-zero", [*CHIPS, "--chip", "0"], 2, "--chip"),
    ("chips-val-above-one", [*CHIPS, "--val", "1.5"], 2, "--val"),
    ("chips-background-negative", [*CHIPS, "--background", "-1"], 2, "--background"),
    ("chips-block-zero", [*CHIPS, "--block", "0"], 2, "--block"),
    ("chips-missing-candidates", ["export-chips", "--candidates", "{ws}/nope.gpkg", *CHIPS[3:]], 1,
     "does not exist"),
    ("chips-missing-mosaic", [*CHIPS[:3], "--mosaic", "{ws}/nope.tif@2021", *CHIPS[5:]], 1, "does not exist"),
    ("chips-folder-has-chips", [*CHIPS[:-1], "{ws}/chips_done"], 1, "already holds training chips"),
    ("chips-missing-model", [*CHIPS[:5], "--model", "{ws}/nope.onnx", *CHIPS[7:]], 1, "nope.onnx"),
    ("chips-candidates-and-inventory", [*CHIPS, "--inventory", "{ws}/inv_far.geojson"], 1, "not both"),
    ("chips-neither-candidates-nor-inventory", ["export-chips", *CHIPS[3:]], 1, "--inventory"),
    ("chips-negative-field-without-inventory", [*CHIPS, "--negative-field", "TrainClass"], 1, "--inventory"),
    ("chips-missing-inventory", ["export-chips", "--inventory", "{ws}/nope.geojson", *CHIPS[3:]], 1,
     "does not exist"),
    ("chips-inventory-not-vector", ["export-chips", "--inventory", "{ws}/kept.md", *CHIPS[3:]], 1, "kept.md"),
    ("chips-inventory-off-the-mosaics", ["export-chips", "--inventory", "{ws}/inv_far.geojson", *CHIPS[3:]], 1,
     "outside all of them"),
    ("chips-inventory-unknown-field", ["export-chips", "--inventory", "{ws}/inv_far.geojson", *CHIPS[3:],
                                       "--negative-field", "Kind", "--negative-value", "x"], 1, "no field 'Kind'"),
    ("chips-inventory-field-without-value", ["export-chips", "--inventory", "{ws}/inv_far.geojson", *CHIPS[3:],
                                             "--negative-field", "TrainClass"], 1, "--negative-value"),
    ("chips-mosaic-folder-without-tifs", [*CHIPS[:3], "--mosaic", "{ws}/chips_done", *CHIPS[5:]], 1,
     "without GeoTIFFs"),
    # mark-known
    ("mark-known-missing-candidates", ["mark-known", "{ws}/nope.gpkg", "--inventory", "{ws}/inv_far.geojson"], 1,
     "does not exist"),
    ("mark-known-missing-inventory", ["mark-known", "{ws}/cand.gpkg", "--inventory", "{ws}/nope.geojson"], 1,
     "does not exist"),
    ("mark-known-value-without-field", ["mark-known", "{ws}/cand.gpkg", "--inventory", "{ws}/inv_far.geojson",
                                        "--negative-value", "Negative"], 1, "without its field"),
    ("mark-known-overlap-above-one", ["mark-known", "{ws}/cand.gpkg", "--inventory", "{ws}/inv_far.geojson",
                                      "--min-overlap", "2"], 2, "--min-overlap"),
    ("infer-known-inventory-missing", [*INFER, "--known-inventory", "{ws}/nope.geojson"], 1, "does not exist"),
    # finetune
    ("finetune-encoder-without-new", [*TUNE, "--encoder", "resnet18"], 1, "--new"),
    ("finetune-unknown-pretrained", [*TUNE, "--new", "Unet", "--pretrained", "imagenet21k"], 2, "--pretrained"),
    ("finetune-steps-zero", [*TUNE, "--steps", "0"], 2, "--steps"),
    ("finetune-lr-negative", [*TUNE, "--lr", "-1"], 2, "--lr"),
    ("finetune-lr-nan", [*TUNE, "--lr", "nan"], 2, "finite"),
    ("finetune-missing-chips", [*TUNE[:3], "--chips", "{ws}/no_chips", *TUNE[5:]], 1, "no training chips"),
    ("finetune-bad-manifest", [*TUNE[:3], "--chips", "{ws}/chips_bad", *TUNE[5:]], 1, "manifest"),
    ("finetune-chips-not-a-manifest", TUNE, 1, "not a chips manifest"),  # {"chips": []} only
    ("finetune-missing-model", ["finetune", "--model", "{ws}/nope.pth", *TUNE[3:]], 1, "does not exist"),
    ("finetune-malicious-pth", ["finetune", "--model", "{ws}/evil.pth", *TUNE[3:]], 1, "Refused to load"),
    ("finetune-mismatched-pth", ["finetune", "--model", "{ws}/other.pth", *TUNE[3:]], 1, "do not fit"),
    # inspect-model, synthetic
    ("inspect-missing-model", ["inspect-model", "{ws}/nope.onnx"], 1, "nope.onnx"),
    ("inspect-text-model", ["inspect-model", "{ws}/model.txt"], 1, "model.txt"),
    ("synthetic-size-zero", ["synthetic", "{ws}/syn", "--size", "0"], 2, "--size"),
    ("synthetic-years-text", ["synthetic", "{ws}/syn", "--years", "2019,twenty"], 1, "--years"),
    ("synthetic-out-is-a-file", ["synthetic", "{ws}/existing.tif"], 1, "existing.tif"),
    ("unknown-command", ["mapall"], 2, "mapall"),
]


@pytest.mark.parametrize(("case", "args", "status", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_clear_line_and_loses_nothing(ws, capsys, case, args, status, words):
    if case == "finetune-malicious-pth" and not (ws / "evil.pth").exists():
        _evil_pth(ws)
    if case == "finetune-mismatched-pth" and not (ws / "other.pth").exists():
        _mismatched_pth(ws)
    before = _snapshot(ws)
    argv = [a.replace("{ws}", str(ws)) for a in args]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse
        code = exc.code
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == status, err
    assert len(lines) == 1, err
    assert "Traceback" not in err and len(lines[0]) < 400, err
    assert words in lines[0], err
    assert _snapshot(ws) == before, "a failed command changed or created files"
    assert not (ws / "pwned.txt").exists()


def test_the_catalogue_covers_every_command():
    commands = {c[1][0] for c in CASES}
    assert {"infer", "vectorize", "evaluate", "iterations", "export-chips", "finetune", "inspect-model",
            "synthetic"} <= commands
    assert len(CASES) >= 60


def test_overwrite_is_explicit(ws, capsys):
    # the same command that refuses above replaces the file when told to
    csv = ws.parent / "log.csv"
    csv.write_text("old\n", encoding="utf-8")
    assert main(["iterations", str(ws / "cand.gpkg"), "--csv", str(csv)]) == 1
    assert csv.read_text(encoding="utf-8") == "old\n"
    assert main(["iterations", str(ws / "cand.gpkg"), "--csv", str(csv), "--overwrite"]) == 0
    assert csv.read_text(encoding="utf-8").startswith("iteration,")
    capsys.readouterr()


def test_merging_into_an_existing_candidates_file_keeps_it_a_valid_geopackage(ws, tmp_path, capsys):
    import sqlite3

    target = tmp_path / "cand.gpkg"
    shutil.copy(ws / "cand.gpkg", target)
    rows_before = sqlite3.connect(target).execute("SELECT count(*) FROM candidates").fetchone()[0]
    assert main(["vectorize", "--prob", str(ws / "prob.tif"), "--out", str(target), "--threshold", "0.9"]) == 0
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM candidates").fetchone()[0] >= 1 and rows_before >= 1
    capsys.readouterr()


def test_api_used_by_the_docks_refuses_bad_inputs_without_touching_files(ws):
    from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
    from thaw_slump_mapper.core.engine.raster import MosaicSpec
    from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize
    from thaw_slump_mapper.core.errors import TsmError
    from thaw_slump_mapper.core.learn.iterations import read_log
    from thaw_slump_mapper.core.review.decisions import record_decision
    from thaw_slump_mapper.core.store.candidates import read_candidates

    before = _snapshot(ws)
    calls = [
        (lambda: read_candidates(ws / "typo.gpkg"), "does not exist"),
        (lambda: read_log(ws / "existing.tif"), "GeoPackage"),
        (lambda: vectorize(ws / "dem.tif", VectorizeParams()), "not a probability raster"),
        (lambda: vectorize(ws / "prob.tif", VectorizeParams(threshold=1.0)), r"outside \(0, 1\)"),
        (lambda: run_inference(InferenceParams((MosaicSpec(str(ws / "m_2019.tif"), mask=str(ws / "rgb.tif")),),
                                               str(ws / "model.onnx"), cache_dir=str(ws / "c3"))), "3 bands"),
        (lambda: record_decision(ws / "typo.gpkg", "x", "accepted", "me"), "does not exist"),
    ]
    for call, words in calls:
        with pytest.raises(TsmError, match=words):
            call()
    assert _snapshot(ws) == before
    manifest = json.loads((ws / "chips_done" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == {"chips": []}


def test_a_date_given_as_band_is_accepted(ws, tmp_path, capsys):
    assert main(["infer", "--mosaic", f"{ws / 'm_2019.tif'}@2019", "--mosaic", f"{ws / 'm_2021.tif'}@2021",
                 "--model", str(ws / "model.onnx"), "--out", str(tmp_path / "c.gpkg"), "--cache",
                 str(tmp_path / "cache"), "--band", "2021", "--quiet"]) == 0
    capsys.readouterr()


def test_a_full_disk_is_named_not_hidden_behind_a_failed_rollback(tmp_path):
    import sqlite3

    from thaw_slump_mapper.core.errors import OutputError
    from thaw_slump_mapper.core.store.gpkg import connect, transaction

    path = tmp_path / "c.gpkg"
    conn = connect(path)
    with pytest.raises(OutputError) as err:
        with transaction(conn, path):
            conn.execute("ROLLBACK")  # what SQLite does by itself when the disk fills up
            raise sqlite3.OperationalError("database or disk is full")
    assert "database or disk is full" in str(err.value) and "cannot rollback" not in str(err.value)
    assert "Free disk space" in str(err.value)
    conn.close()
