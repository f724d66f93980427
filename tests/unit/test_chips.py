"""Training chips from reviewed candidates: masks, hard negatives, and a split without neighbours
on both sides."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from shapely.geometry import box
from tsm_testkit import bare_soil_model

from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
from thaw_slump_mapper.core.engine.models import load_model
from thaw_slump_mapper.core.engine.raster import MosaicSpec
from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize
from thaw_slump_mapper.core.errors import InputError
from thaw_slump_mapper.core.learn.chips import export_chips
from thaw_slump_mapper.core.learn.evaluate import iou
from thaw_slump_mapper.core.review.decisions import record_decision
from thaw_slump_mapper.core.store.candidates import read_candidates, write_candidates
from thaw_slump_mapper.core.synthetic import SceneSpec, generate


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("chips")
    scene = generate(tmp / "scene", SceneSpec(width=640, height=640, years=(2019, 2021), n_slumps=8, seed=9))
    mosaics = tuple(MosaicSpec(str(p), str(y)) for p, y in scene.mosaics)
    model = bare_soil_model(tmp / "m.onnx")
    prob = run_inference(InferenceParams(mosaics, str(model), cache_dir=str(tmp / "c")))
    gpkg = tmp / "cand.gpkg"
    write_candidates(gpkg, vectorize(prob.path, VectorizeParams(0.5, 300, band="max")), {"threshold": 0.5})
    truth = [s.outlines[max(s.outlines)] for s in scene.slumps]
    for r in read_candidates(gpkg):
        ok = any(iou(r["geometry"], t) > 0.2 for t in truth)
        record_decision(gpkg, r["candidate_id"], "accepted" if ok else "rejected", "auto",
                        reject_reason=None if ok else "other")
    return gpkg, mosaics, load_model(model).spec, tmp


def test_chips_masks_and_manifest(reviewed):
    gpkg, mosaics, spec, tmp = reviewed
    manifest = export_chips(gpkg, list(mosaics), spec, tmp / "chips", chip=64, background=30, block_m=60,
                            val_share=0.5)
    counts = manifest["counts"]
    assert counts["positive"] > 0 and counts["negative"] > 0 and counts["background"] > 0
    assert manifest["bands"] == ["red", "nir"]  # what the model's ndvi needs, in band order
    for chip in manifest["chips"]:
        with rasterio.open(tmp / "chips" / chip["image"]) as img, rasterio.open(tmp / "chips" / chip["mask"]) as m:
            assert img.shape == (64, 64) and img.descriptions == ("red", "nir")
            mask = m.read(1)
            assert set(np.unique(mask)) <= {0, 1, 255}
            assert ((mask == 1).sum() > 0) == (chip["positive_pixels"] > 0)
        if chip["kind"] == "positive":
            assert chip["positive_pixels"] > 0
    # no chip of one split touches a chip of the other
    train = [box(c["minx"], c["miny"], c["maxx"], c["maxy"]) for c in manifest["chips"] if c["split"] == "train"]
    val = [box(c["minx"], c["miny"], c["maxx"], c["maxy"]) for c in manifest["chips"] if c["split"] == "val"]
    assert train and val
    assert not any(t.intersects(v) for t in train for v in val)
    assert (tmp / "chips" / "manifest.csv").read_text().count("\n") == len(manifest["chips"]) + 1


def test_no_accepted_slump_no_chips(tmp_path, reviewed):
    from test_candidates import _write

    v = np.zeros((40, 40), np.uint8)
    v[5:15, 5:15] = 200
    gpkg = tmp_path / "c.gpkg"
    _write(tmp_path, v, gpkg)
    _, mosaics, spec, _ = reviewed
    with pytest.raises(InputError, match="no accepted slumps"):
        export_chips(gpkg, list(mosaics), spec, tmp_path / "chips")


def test_fine_tuning_the_starter_model_writes_the_next_version(reviewed, tmp_path):
    from pathlib import Path

    from thaw_slump_mapper.core.learn.finetune import fine_tune, next_version

    gpkg, mosaics, _, _ = reviewed
    starter = Path(__file__).resolve().parents[2] / "models" / "tsm_starter" / "tsm_starter.pth"
    spec = load_model(starter.with_suffix(".onnx")).spec
    export_chips(gpkg, list(mosaics), spec, tmp_path / "chips", chip=64, background=10, block_m=60, val_share=0.5)
    result = fine_tune(starter, tmp_path / "chips", tmp_path / "tuned", steps=4)  # the package, not the learning
    assert result["version"] == next_version(spec.version) and result["version"] != spec.version
    tuned = load_model(result["paths"]["onnx"])  # the new package runs in the engine
    assert tuned.spec.version == result["version"] and tuned.spec.bands == spec.bands
    assert tuned.spec.provenance["fine_tuned_from"] == f"tsm-starter {spec.version}"
    assert 0.0 <= result["val_iou_after"] <= 1.0 and result["val_iou_before"] is not None
    assert load_model(result["paths"]["pth"], device="cpu").kind == "smp"  # and the Torch form loads too


@pytest.mark.slow  # three tsm processes, one of them training
def test_command_line_export_chips_finetune_and_iteration_log(reviewed, tmp_path):
    import subprocess
    from pathlib import Path

    from thaw_slump_mapper.core.learn.iterations import log_iteration

    gpkg, mosaics, _, _ = reviewed
    root = Path(__file__).resolve().parents[2]
    tsm = str(root / "scripts" / "tsm")
    starter = root / "models" / "tsm_starter"
    args = [tsm, "export-chips", "--candidates", str(gpkg), "--model", str(starter / "tsm_starter.onnx"),
            "--out", str(tmp_path / "chips"), "--chip", "64", "--background", "5", "--block", "640", "--val", "0.5"]
    for m in mosaics:
        args += ["--mosaic", f"{m.path}@{m.date}"]
    done = subprocess.run(args, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "chips" in done.stdout and (tmp_path / "chips" / "manifest.json").exists()
    tuned = subprocess.run([tsm, "finetune", "--model", str(starter / "tsm_starter.pth"), "--chips",
                            str(tmp_path / "chips"), "--out", str(tmp_path / "v2"), "--steps", "2"],
                           capture_output=True, text=True)
    assert tuned.returncode == 0, tuned.stderr
    from thaw_slump_mapper.core.learn.finetune import next_version

    version = load_model(starter / "tsm_starter.onnx").spec.version
    assert tuned.stdout.startswith(f"{next_version(version)}: ")
    log_iteration(gpkg, "tsm-starter", version, 12, recall=0.5)
    shown = subprocess.run([tsm, "iterations", str(gpkg), "--csv", str(tmp_path / "log.csv")],
                           capture_output=True, text=True)
    assert shown.returncode == 0 and f"iteration 1: model tsm-starter {version}" in shown.stdout
    assert (tmp_path / "log.csv").read_text().startswith("iteration,")


def test_early_stopping_keeps_the_best_weights():
    import numpy as np

    from thaw_slump_mapper.core.learn.training import Sample, TrainConfig, train

    rng = np.random.default_rng(0)
    samples = [Sample(rng.random((3, 64, 64), dtype=np.float32), (rng.random((64, 64)) > 0.5).astype(np.uint8),
                      np.ones((64, 64), bool), "s") for _ in range(4)]
    scores = iter([0.5, 0.4, 0.3, 0.2, 0.1, 0.0])
    seen = []

    def validate(model):
        seen.append(next(scores))
        return seen[-1]

    config = TrainConfig(encoder="resnet18", decoder_channels=(16, 8, 8, 8, 8), chip=32, batch=2, steps=100,
                         extra={"encoder_depth": 5})
    _, history = train([samples], config, validate=validate, val_every=5, patience=2)
    assert seen == [0.5, 0.4, 0.3]  # no improvement twice after the best: stop
    assert len(history) == 15 < config.steps


@pytest.mark.parametrize("arch", ["UnetPlusPlus", "DeepLabV3Plus"])
def test_training_a_new_architecture_from_scratch(reviewed, tmp_path, arch):
    from pathlib import Path

    from thaw_slump_mapper.core.learn.finetune import fine_tune

    gpkg, mosaics, _, _ = reviewed
    starter = Path(__file__).resolve().parents[2] / "models" / "tsm_starter"
    spec = load_model(starter / "tsm_starter.onnx").spec
    # the smallest chips a new network takes (its encoder's stride) and a few steps: the test is about
    # the new architecture's package and its validation reports, not about what it learns
    export_chips(gpkg, list(mosaics), spec, tmp_path / "chips", chip=32, background=5, block_m=60, val_share=0.5)
    scores = []
    result = fine_tune(starter / "tsm_starter.pth", tmp_path / "chips", tmp_path / "new", steps=2,
                       from_scratch=arch, on_validation=lambda step, iou: scores.append((step, iou)))
    model = load_model(result["paths"]["onnx"])
    assert model.spec.architecture.startswith(arch) and model.spec.provenance["fine_tuned_from"].startswith("new")
    assert scores and all(0 <= s <= 1 for _, s in scores)  # validation reported while training
    assert load_model(result["paths"]["pth"], device="cpu").kind == "smp"
