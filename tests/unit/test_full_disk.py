"""Nothing half-written: every writing command on a really full filesystem (a small ext4 image,
loop-mounted) stops with exit 1 and one line that names the file and the fix, leaves no partial
file under the output's name (nor a temporary one), and succeeds when run again once there is space.
And the inference cache: a finished run with a chunk file missing or truncated is computed again,
never trusted, and runs sharing a cache never write the same temporary file.

The filesystems need root (as CI runs); elsewhere these tests are skipped, saying why."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import rasterio
from tsm_testkit import BASIC, conv_model, write_raster

from thaw_slump_mapper.core.cli import main

ROOT = Path(__file__).resolve().parents[2]
STARTER_PTH = ROOT / "models" / "tsm_starter" / "tsm_starter.pth"
PART = ".tsm-part-"  # core.outputs.PART_PREFIX: the temporary names of writes


class Disk:
    """A mounted filesystem of a few MB that can be filled up and freed again."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.filler = root / "filler.bin"

    def fill(self, keep: int = 0) -> None:
        """Write a file until no more than ``keep`` bytes are free (or the disk refuses more). Passes
        repeat until one writes nothing: ext4 hands back blocks it had reserved for delayed
        allocation only once the data is synced, and a command would find them free (under load a
        one-pass fill left room for a small CSV now and then)."""
        with open(self.filler, "ab", buffering=0) as fh:
            for _ in range(10):
                wrote = False
                for block in (1 << 16, 1 << 12, 1 << 10):
                    data = b"\0" * block
                    while shutil.disk_usage(self.root).free - block >= keep:
                        try:
                            fh.write(data)
                        except OSError:
                            break
                        wrote = True
                os.fsync(fh.fileno())
                os.sync()
                if not wrote:
                    break

    def free(self) -> None:
        self.filler.unlink()

    def files(self) -> list[str]:
        """Every file on the disk but the filler: what a command left behind."""
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*")
                      if p.is_file() and p != self.filler and "lost+found" not in p.parts)


def _run(argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True)


@pytest.fixture
def small_disk(tmp_path):
    """``small_disk(size_mb)``: a new ext4 filesystem of that size mounted in tmp_path (tmpfs where a
    loop device cannot be had); unmounted afterwards."""
    mounted: list[Path] = []

    def make(size_mb: int = 8) -> Disk:
        if os.geteuid() != 0:
            pytest.skip("a real full disk needs a filesystem mounted for the test, which needs root (CI runs as root)")
        n = len(mounted)
        root, image = tmp_path / f"disk{n}", tmp_path / f"disk{n}.img"
        root.mkdir()
        with open(image, "wb") as fh:
            fh.truncate(size_mb << 20)
        mkfs = shutil.which("mkfs.ext4") or "/sbin/mkfs.ext4"
        made = _run([mkfs, "-q", "-F", "-m", "0", str(image)]) if Path(mkfs).exists() else None
        done = _run(["mount", "-o", "loop", str(image), str(root)]) if made and made.returncode == 0 else None
        if done is None or done.returncode != 0:
            done = _run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(root)])
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small filesystem here: {done.stderr.strip()[:200]}")
        mounted.append(root)
        return Disk(root)

    yield make
    for root in mounted:
        if _run(["umount", str(root)]).returncode != 0:
            _run(["umount", "-l", str(root)])


def tsm(capsys, *args) -> tuple[int, list[str]]:
    """Exit status and the non-empty lines on stderr of ``tsm args`` (in this process)."""
    code = main([str(a) for a in args])
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    return code, err


def assert_one_line_failure(code: int, err: list[str], name: str) -> None:
    assert code == 1, err  # a problem the user can fix: not 3 ("unexpected error")
    assert len(err) == 1 and "Traceback" not in err[0], err
    assert name in err[0] and PART not in err[0], err  # names the output, never a temporary name
    assert "disk" in err[0].lower() or "space" in err[0].lower(), err


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """Two small mosaics, a one-convolution model, a run's candidates (some reviewed), an
    iteration log and the run's probabilities cached: inputs that live off the small disks."""
    d = tmp_path_factory.mktemp("fulldisk")
    rng = np.random.default_rng(0)
    for year in (2019, 2021):  # a dozen bright squares (slumps to the model) on a dark ground
        bands = np.array([1000, 4000, 1000, 1000])[:, None, None] + rng.integers(0, 200, (4, 96, 96))
        for k in range(12):
            r, c = 4 + 30 * (k // 4), 4 + 23 * (k % 4)
            bands[:, r:r + 6 + k % 3, c:c + 6 + k % 4] = np.array([4000, 500, 3000, 500])[:, None, None]
        write_raster(d / f"m_{year}.tif", bands.astype(np.uint16))
    conv_model(d / "model.onnx", np.array([8.0, -6, 5, -2]).reshape(1, 4, 1, 1), np.array([0.3]),
               sidecar={**BASIC, "name": "conv", "version": "1.0", "threshold": 0.5, "min_area_m2": 0})
    assert main(["infer", *infer_inputs(d), "--out", str(d / "cand.gpkg"), "--quiet"]) == 0
    from thaw_slump_mapper.core.learn.iterations import log_iteration
    from thaw_slump_mapper.core.review.decisions import record_decision
    from thaw_slump_mapper.core.store.candidates import read_candidates

    shutil.copy(d / "cand.gpkg", d / "reviewed.gpkg")
    for i, row in enumerate(sorted(read_candidates(d / "reviewed.gpkg"), key=lambda r: -r["area_m2"])[:6]):
        record_decision(d / "reviewed.gpkg", row["candidate_id"], "accepted" if i % 2 == 0 else "rejected", "me",
                        reject_reason=None if i % 2 == 0 else "other")
    log_iteration(d / "reviewed.gpkg", "conv", "1.0", 12, recall=0.5)
    return d


def infer_inputs(d: Path) -> list[str]:
    return ["--mosaic", f"{d / 'm_2019.tif'}@2019", "--mosaic", f"{d / 'm_2021.tif'}@2021",
            "--model", str(d / "model.onnx"), "--cache", str(d / "cache")]


def _rows(gpkg: Path) -> list:
    conn = sqlite3.connect(gpkg)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT candidate_id, status, threshold, geom FROM candidates ORDER BY fid").fetchall()
    finally:
        conn.close()


# -- every writing command ----------------------------------------------------------------------

def test_infer_into_a_new_geopackage(ws, small_disk, capsys):
    disk = small_disk()
    out = disk.root / "c.gpkg"
    disk.fill(keep=16 << 10)  # room for SQLite to begin the file, not to finish it
    code, err = tsm(capsys, "infer", *infer_inputs(ws), "--out", out, "--quiet")
    assert_one_line_failure(code, err, "c.gpkg")
    assert disk.files() == []  # was: a 4 KB c.gpkg that the rerun called "an empty database"
    disk.free()
    assert tsm(capsys, "infer", *infer_inputs(ws), "--out", out, "--quiet")[0] == 0
    assert _rows(out) == _rows(ws / "cand.gpkg") and disk.files() == ["c.gpkg"]


@pytest.mark.parametrize("keep", [0, 24 << 10], ids=["no-room-for-the-journal", "room-for-part-of-it"])
def test_infer_merging_into_an_existing_geopackage_rolls_back(ws, small_disk, capsys, keep):
    disk = small_disk()
    out = disk.root / "c.gpkg"
    shutil.copy(ws / "reviewed.gpkg", out)
    before = _rows(out)
    disk.fill(keep=keep)
    code, err = tsm(capsys, "infer", *infer_inputs(ws), "--out", out, "--threshold", "0.6", "--quiet")
    assert_one_line_failure(code, err, "c.gpkg")
    assert _rows(out) == before  # readable, whole, and as it was (SQLite's transaction rolled back)
    assert disk.files() == ["c.gpkg"]  # no journal left behind
    disk.free()
    assert tsm(capsys, "infer", *infer_inputs(ws), "--out", out, "--threshold", "0.6", "--quiet")[0] == 0
    assert _rows(out) != before and {r[2] for r in _rows(out)} == {0.6}  # the run recorded


def test_infer_with_the_cache_on_a_full_disk(ws, small_disk, capsys, tmp_path):
    disk = small_disk()
    cache = disk.root / "cache"
    args = [*infer_inputs(ws)[:-1], cache, "--out", tmp_path / "c.gpkg", "--quiet"]
    disk.fill(keep=4 << 10)
    code, err = tsm(capsys, "infer", *args)
    assert code == 1 and len(err) == 1 and "cache" in err[0] and PART not in err[0], err
    assert not [f for f in disk.files() if PART in f or f.endswith(".vrt")]  # no raster taken as complete
    assert not (tmp_path / "c.gpkg").exists()
    disk.free()
    assert tsm(capsys, "infer", *args)[0] == 0
    assert _rows(tmp_path / "c.gpkg") == _rows(ws / "cand.gpkg")


def test_iterations_csv(ws, small_disk, capsys):
    disk = small_disk()
    out = disk.root / "log.csv"
    disk.fill()
    code, err = tsm(capsys, "iterations", ws / "reviewed.gpkg", "--csv", out)
    assert_one_line_failure(code, err, "log.csv")
    assert disk.files() == []  # was: an empty log.csv, and "already exists" on the rerun
    disk.free()
    assert tsm(capsys, "iterations", ws / "reviewed.gpkg", "--csv", out)[0] == 0
    assert out.read_text(encoding="utf-8").startswith("iteration,") and out.read_text().count("\n") == 2


def test_evaluate_report_and_chart(ws, small_disk, capsys):
    disk = small_disk()
    out = disk.root / "r.md"
    args = ["evaluate", "--pred", ws / "cand.gpkg", "--ref", ws / "reviewed.gpkg", "--report", out]
    disk.fill(keep=3 << 10)  # the chart begins, and does not fit
    code, err = tsm(capsys, *args)
    assert_one_line_failure(code, err, "r.")
    assert disk.files() == []  # was: a partial r.png
    disk.free()
    assert tsm(capsys, *args)[0] == 0
    assert disk.files() == ["r.md", "r.png"] and "![recall by size](r.png)" in out.read_text(encoding="utf-8")


def test_export_chips(ws, small_disk, capsys):
    disk = small_disk()
    out = disk.root / "chips"
    args = ["export-chips", "--candidates", ws / "reviewed.gpkg", "--mosaic", f"{ws / 'm_2021.tif'}@2021",
            "--model", ws / "model.onnx", "--out", out, "--chip", "32", "--background", "4"]
    disk.fill(keep=40 << 10)  # a few chips fit, not all
    code, err = tsm(capsys, *args)
    assert_one_line_failure(code, err, "chips")
    assert disk.files() == [] and not out.exists()  # was: 0-byte chips and a 0-byte manifest.json
    disk.free()
    assert tsm(capsys, *args)[0] == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(disk.files()) == sorted(["chips/manifest.json", "chips/manifest.csv",
                                           *(f"chips/{c[k]}" for c in manifest["chips"] for k in ("image", "mask"))])
    # and an export over it (--overwrite) that fails keeps the earlier set whole
    disk.fill()
    code, err = tsm(capsys, *args, "--overwrite", "--background", "6")
    assert_one_line_failure(code, err, "chips")
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest
    assert not [f for f in disk.files() if PART in f]


def test_a_chips_folder_without_manifest_is_not_done(ws, tmp_path, capsys):
    out = tmp_path / "chips"
    (out / "images").mkdir(parents=True)
    (out / "images" / "00000_positive.tif").write_bytes(b"")  # what an older version left when killed
    args = ["export-chips", "--candidates", ws / "reviewed.gpkg", "--mosaic", f"{ws / 'm_2021.tif'}@2021",
            "--model", ws / "model.onnx", "--out", out, "--chip", "32", "--background", "2"]
    assert tsm(capsys, *args)[0] == 0  # no --overwrite needed: nothing complete was there
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for chip in manifest["chips"]:
        with rasterio.open(out / chip["image"]) as src:
            assert src.width == 32


def _chips_for_the_starter(folder: Path) -> Path:
    """Three RGB chips with masks and their manifest (as export-chips writes them)."""
    rng = np.random.default_rng(0)
    (folder / "images").mkdir(parents=True)
    (folder / "masks").mkdir()
    chips = []
    for i, split in enumerate(("train", "train", "val")):
        image = rng.integers(0, 255, (3, 64, 64)).astype(np.uint8)
        mask = np.zeros((1, 64, 64), np.uint8)
        mask[0, 20:40, 16:44] = 1
        write_raster(folder / "images" / f"{i}.tif", image, nodata=None)
        write_raster(folder / "masks" / f"{i}.tif", mask, nodata=255)
        chips.append({"image": f"images/{i}.tif", "mask": f"masks/{i}.tif", "split": split, "kind": "positive",
                      "candidate_id": str(i), "date": "2021", "positive_pixels": int(mask.sum())})
    manifest = {"format": "thaw-slump-mapper-chips/1", "bands": ["red", "green", "blue"], "chip": 64,
                "band_percentiles_2_98": [[0.0, 255.0]] * 3, "counts": {"positive": 3, "negative": 0, "background": 0},
                "splits": {"train": 2, "val": 1}, "chips": chips}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_finetune_writes_the_next_version_whole_or_not_at_all(small_disk, capsys, tmp_path):
    pytest.importorskip("segmentation_models_pytorch")
    from thaw_slump_mapper.core.engine.models import load_model
    from thaw_slump_mapper.core.learn.finetune import next_version

    version = next_version(load_model(STARTER_PTH.with_suffix(".onnx")).spec.version)
    stem = "tsm_starter_" + version.replace(".", "_")
    onnx_mb = STARTER_PTH.with_suffix(".onnx").stat().st_size / 2**20  # the fine-tuned .pth is float32, as large
    disk = small_disk(int(2.5 * onnx_mb) + 12)  # both files, the ext4 journal and metadata
    chips = _chips_for_the_starter(tmp_path / "chips")
    out = disk.root / "tuned"
    args = ["finetune", "--model", STARTER_PTH, "--chips", chips, "--out", out, "--steps", "1", "--quiet"]
    disk.fill(keep=int((onnx_mb + 1.5) * 2**20))  # the ONNX fits, the .pth beside it does not
    code, err = tsm(capsys, *args)
    assert_one_line_failure(code, err, stem)
    assert disk.files() == []  # was: a truncated 4 MB ONNX under the next version's name, refused on rerun
    disk.free()
    code, err = tsm(capsys, *args)
    assert code == 0, err
    assert disk.files() == [f"tuned/{stem}{ext}" for ext in (".onnx", ".onnx.json", ".pth", ".pth.json")]
    assert load_model(out / f"{stem}.onnx").spec.version == version


def test_quantize_writes_model_and_description_whole_or_not_at_all(ws, small_disk, capsys, tmp_path):
    pytest.importorskip("onnx")
    rng = np.random.default_rng(1)
    mosaic = write_raster(tmp_path / "m.tif", rng.random((4, 96, 96)).astype(np.float32), nodata=None)
    disk = small_disk()
    out = disk.root / "m_int8.onnx"
    args = ["quantize", ws / "model.onnx", "--mosaic", f"{mosaic}@2020", "--out", out, "--samples", "4",
            "--quiet"]
    disk.fill()
    code, err = tsm(capsys, *args)
    assert err[0].startswith("calibration: ")  # what it calibrated on, always said
    assert_one_line_failure(code, err[1:], "m_int8.onnx")
    assert disk.files() == []  # was: a partial ONNX
    disk.free()
    code, err = tsm(capsys, *args)
    assert code == 0, err
    assert disk.files() == ["m_int8.onnx", "m_int8.onnx.json"]


# -- the inference cache --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def multi_chunk(tmp_path_factory):
    """A run over 3 × 3 chunks: its parameters and the probabilities it wrote."""
    from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
    from thaw_slump_mapper.core.engine.raster import MosaicSpec

    d = tmp_path_factory.mktemp("cachechunks")
    rng = np.random.default_rng(2)
    write_raster(d / "m.tif", rng.integers(1, 4000, (4, 300, 300)).astype(np.uint16))
    conv_model(d / "model.onnx", np.array([8.0, -6, 5, -2]).reshape(1, 4, 1, 1), np.array([0.3]),
               sidecar={**BASIC, "threshold": 0.5, "min_area_m2": 0})
    params = InferenceParams((MosaicSpec(str(d / "m.tif"), "2020"),), str(d / "model.onnx"),
                             cache_dir=str(d / "cache"), chunk_px=100)
    first = run_inference(params)
    with rasterio.open(first.path) as src:
        values = src.read()
    assert len(list(Path(first.path).with_suffix("").glob("c*.tif"))) == 9
    return params, first.path, values


@pytest.mark.parametrize("damage", ["deleted", "truncated"])
def test_a_cached_run_with_a_damaged_chunk_is_computed_again(multi_chunk, damage):
    from thaw_slump_mapper.core.engine.inference import run_inference

    params, vrt, values = multi_chunk
    chunk = sorted(Path(vrt).with_suffix("").glob("c*.tif"))[4]  # the middle one: neighbours all round
    if damage == "deleted":
        chunk.unlink()
    else:
        chunk.write_bytes(chunk.read_bytes()[:700])
    again = run_inference(params)  # was: taken as cached, then exit 3 on every read of it
    assert not again.cached and again.stats.chunks_written == 1 and again.stats.chunks_skipped == 8
    with rasterio.open(again.path) as src:
        assert np.array_equal(src.read(), values)
    assert run_inference(params).cached  # and whole again: the next run uses it


def test_tsm_infer_recomputes_a_cached_run_with_its_chunk_deleted(ws, capsys, tmp_path):
    cache = tmp_path / "cache"
    args = ["infer", *infer_inputs(ws)[:-1], cache, "--out", tmp_path / "c.gpkg", "--quiet", "--json"]
    assert main([str(a) for a in args]) == 0
    capsys.readouterr()
    for chunk in cache.glob("prob_*/c*.tif"):
        chunk.unlink()
    assert main([str(a) for a in args]) == 0  # was: exit 3, "unexpected error", on every rerun
    summary = json.loads(capsys.readouterr().out)
    assert summary["cached"] is False and summary["tiles_run"] == summary["tiles_total"]


def test_runs_sharing_a_cache_never_write_the_same_temporary_file(multi_chunk, tmp_path, monkeypatch):
    """Run B starts and finishes while run A is between writing a chunk's crops and renaming them
    (two runs sharing a cache collided on crops.part.npz: exit 3 in 2 of 3 trials)."""
    from thaw_slump_mapper.core.engine import pipeline
    from thaw_slump_mapper.core.engine.inference import run_inference

    params, _, values = multi_chunk
    params = replace(params, cache_dir=str(tmp_path / "shared"))
    savez, written, nested = np.savez, [], []

    def save_then_let_the_other_run_go(path, **arrays):
        savez(path, **arrays)
        written.append(Path(path).name)
        if not nested:
            nested.append(None)  # run B's own saves go straight on
            nested[0] = run_inference(params)  # run B, whole, into the same cache

    monkeypatch.setattr(pipeline.np, "savez", save_then_let_the_other_run_go)
    first = run_inference(params)  # run A
    assert nested and len(set(written)) == len(written)  # every crops file under a name of its own
    for result in (first, nested[0]):
        with rasterio.open(result.path) as src:
            assert np.array_equal(src.read(), values)
    assert not list((tmp_path / "shared").rglob(PART + "*"))


def test_what_a_killed_write_left_is_swept_by_the_next_one(ws, tmp_path, capsys):
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process that has ended: its temporary files are nobody's
    left = tmp_path / f"{PART}{gone.pid}-0badcafe.log.csv"
    alive = tmp_path / f"{PART}{os.getpid()}-0badcafe.other.csv"  # a write of a running process
    for path in (left, alive):
        path.write_text("half", encoding="utf-8")
        os.utime(path, (os.path.getmtime(path) - 60,) * 2)
    assert tsm(capsys, "iterations", ws / "reviewed.gpkg", "--csv", tmp_path / "log.csv")[0] == 0
    assert not left.exists() and alive.exists()
