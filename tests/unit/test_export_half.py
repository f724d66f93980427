"""A package whose .pth is stored as float16 (the bundled starter's, to keep the zip small) is half
the size and loads into the float32 network with the same predictions as its ONNX."""

from __future__ import annotations

import json

import numpy as np

from thaw_slump_mapper.core.engine.models import load_model
from thaw_slump_mapper.core.learn.training import Sample, TrainConfig, export_package, train

DESCRIPTION = {"format": "thaw-slump-mapper/1", "name": "tiny", "version": "0.1.0", "bands": ["red", "green", "blue"],
               "value_domain": "reflectance", "normalization": {"kind": "scale", "scale": 1.0}, "gsd_m": 3.0,
               "tile_size": 64, "overlap": 16, "classes": ["rts"], "activation": "sigmoid"}


def test_half_precision_weights_are_smaller_and_predict_as_the_onnx(tmp_path):
    rng = np.random.default_rng(0)
    samples = [Sample(rng.random((3, 64, 64), dtype=np.float32), (rng.random((64, 64)) > 0.5).astype(np.uint8),
                      np.ones((64, 64), bool), "s")]
    config = TrainConfig(encoder="resnet18", decoder_channels=(16, 8, 8, 8, 8), chip=32, batch=2, steps=2)
    model, _ = train([samples], config)
    full = export_package(model, tmp_path / "full", "m", DESCRIPTION, config, 3)
    half = export_package(model, tmp_path / "half", "m", DESCRIPTION, config, 3, half_pth=True)
    assert half["pth"].stat().st_size < 0.55 * full["pth"].stat().st_size
    sidecar = json.loads(half["pth"].with_suffix(".pth.json").read_text(encoding="utf-8"))
    assert sidecar["weights_stored_as"] == "float16" and "stored_as" not in sidecar["torch"]
    x = rng.random((1, 3, 64, 64), dtype=np.float32)
    onnx = load_model(half["onnx"]).predict(x)
    torch_model = load_model(half["pth"], device="cpu")
    assert torch_model.kind == "smp"
    assert np.abs(torch_model.predict(x) - onnx).max() < 2e-2  # float16 rounding of the weights only
