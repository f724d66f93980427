"""Models from elsewhere, built here the way their tools build them: Deepness's metadata and output
shapes, several outputs, outputs smaller than the input, and sidecars beside packages."""

from __future__ import annotations

import json

import numpy as np
import onnx
import pytest
import rasterio
from onnx import TensorProto, helper, numpy_helper
from tsm_testkit import BASIC, conv_model, sigmoid, write_raster

from thaw_slump_mapper.core.engine.inference import InferenceParams, decode, run_inference
from thaw_slump_mapper.core.engine.models import load_model
from thaw_slump_mapper.core.engine.raster import MosaicSpec
from thaw_slump_mapper.core.errors import ModelError

W = np.array([2.0, -1.0, 1.5]).reshape(1, 3, 1, 1)
DEEPNESS = {"model_type": "Segmentor", "class_names": {"0": "background", "1": "thaw slump"}, "resolution": 300,
            "tiles_size": 64, "tiles_overlap": 25}


def deepness_model(path, *, output="sigmoid4d", meta=None, pads=1, kernel=1, second_output=False):
    """A one-convolution Deepness-style segmentor over 3 channels (R,G,B ÷ 255), probabilities out."""
    k = kernel
    w = np.zeros((1, 3, k, k), np.float32)
    w[:, :, k // 2, k // 2] = W[:, :, 0, 0]
    nodes = [helper.make_node("Conv", ["x", "w"], ["logits"], pads=[pads * (k // 2)] * 4),
             helper.make_node("Sigmoid", ["logits"], ["p4"])]
    out_name, out_dims = "p4", ["n", 1, "h", "w"]
    if output == "squeezed3d":
        nodes.append(helper.make_node("Squeeze", ["p4", "axis"], ["p3"]))
        out_name, out_dims = "p3", ["n", "h", "w"]
    if output == "softmax2":  # two channels, softmax over (0, z): background = 1 - p, slump = p
        nodes += [helper.make_node("Sub", ["logits", "logits"], ["zero"]),
                  helper.make_node("Concat", ["zero", "logits"], ["two"], axis=1),
                  helper.make_node("Softmax", ["two"], ["p2"], axis=1)]
        out_name, out_dims = "p2", ["n", 2, "h", "w"]
    outputs = [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, out_dims)]
    if second_output:
        nodes.append(helper.make_node("Identity", ["logits"], ["raw_logits"]))
        outputs.insert(0, helper.make_tensor_value_info("raw_logits", TensorProto.FLOAT, ["n", 1, "h", "w"]))
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(np.array([1], np.int64), "axis")]
    graph = helper.make_graph(nodes, "deepness", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                                                  ["n", 3, "h", "w"])],
                              outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    for key, value in (DEEPNESS if meta is None else meta).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, json.dumps(value)
    onnx.save(model, path)
    return path


def _rgb(tmp_path, shape=(80, 80)):
    rgb = np.random.default_rng(0).integers(1, 255, (3, *shape)).astype(np.uint8)
    return write_raster(tmp_path / "rgb_2020.tif", rgb), rgb


def _run(tmp_path, model, mosaic):
    res = run_inference(InferenceParams((MosaicSpec(str(mosaic), "2020"),), str(model),
                                        cache_dir=str(tmp_path / "c")))
    with rasterio.open(res.path) as src:
        return decode(src.read(1))


def _expected(rgb):
    return sigmoid(np.tensordot(W[0, :, 0, 0], rgb / 255.0, axes=([0], [0])))


@pytest.mark.parametrize("output", ["sigmoid4d", "squeezed3d", "softmax2"])
def test_deepness_models_load_as_they_are_and_read_the_raster_in_band_order(tmp_path, output):
    model = deepness_model(tmp_path / "d.onnx", output=output)
    loaded = load_model(model, "cpu")
    assert loaded.spec.bands == ("band1", "band2", "band3") and loaded.spec.gsd_m == 3.0
    assert loaded.spec.overlap == 16 and loaded.spec.activation == "none"
    mosaic, rgb = _rgb(tmp_path)
    assert np.abs(_run(tmp_path, model, mosaic) - _expected(rgb)).max() <= 0.5 / 250 + 1e-6


def test_deepness_class_names_as_a_list_of_dicts(tmp_path):
    meta = {**DEEPNESS, "class_names": [{"0": "background", "1": "rts"}]}
    spec = load_model(deepness_model(tmp_path / "d.onnx", output="softmax2", meta=meta), "cpu").spec
    assert spec.classes == ("background", "rts") and spec.rts_class == 1


def test_a_deepness_model_without_its_resolution_says_what_is_missing(tmp_path):
    meta = {k: v for k, v in DEEPNESS.items() if k != "resolution"}
    with pytest.raises(ModelError, match="lacks gsd_m"):
        load_model(deepness_model(tmp_path / "d.onnx", meta=meta), "cpu")


def test_two_outputs_use_the_first_unless_the_description_chooses(tmp_path):
    model = deepness_model(tmp_path / "two.onnx", second_output=True)
    mosaic, rgb = _rgb(tmp_path)
    first = _run(tmp_path, model, mosaic)  # raw logits clipped to 0-1: not the probabilities
    assert np.abs(first - _expected(rgb)).max() > 0.05
    (tmp_path / "two.onnx.json").write_text(json.dumps({"output": "p4"}))
    assert np.abs(_run(tmp_path, model, mosaic) - _expected(rgb)).max() <= 0.5 / 250 + 1e-6
    (tmp_path / "two.onnx.json").write_text(json.dumps({"output": "nope"}))
    with pytest.raises(ModelError, match="has no output 'nope'"):
        load_model(model, "cpu")


def test_an_output_smaller_than_the_tile_is_placed_at_its_centre(tmp_path):
    # a valid 5×5 convolution: 64 in, 60 out (Deepness centre-crops such outputs)
    model = deepness_model(tmp_path / "valid.onnx", kernel=5, pads=0)
    mosaic, rgb = _rgb(tmp_path, (100, 100))
    prob = _run(tmp_path, model, mosaic)
    inner = (slice(2, -2), slice(2, -2))
    assert np.abs(prob[inner] - _expected(rgb)[inner]).max() <= 0.5 / 250 + 1e-6
    assert np.isnan(prob[:2]).all() and np.isnan(prob[:, -2:]).all()  # never seen by the model: NoData


def test_the_more_specific_sidecar_wins_and_is_named(tmp_path):
    path = conv_model(tmp_path / "m.onnx", np.ones((1, 4, 1, 1)), np.zeros(1))
    (tmp_path / "m.json").write_text(json.dumps({**BASIC, "name": "package-config"}))
    (tmp_path / "m.onnx.json").write_text(json.dumps({**BASIC, "name": "users-sidecar"}))
    spec = load_model(path, "cpu").spec
    assert spec.name == "users-sidecar" and spec.source.endswith("m.onnx.json")
    (tmp_path / "m.onnx.json").write_text(json.dumps({"name": "incomplete"}))
    with pytest.raises(ModelError, match=r"m\.onnx\.json\) lacks"):
        load_model(path, "cpu")


EDGE = {**BASIC, "bands": ["red"], "tile_size": 64, "overlap": 16, "threshold": 0.5, "min_area_m2": 0}


@pytest.mark.parametrize(("nodata", "fires"), [("fill", False), ("zero", True), ("value", True)])
def test_a_description_says_how_its_model_was_fed_nodata(tmp_path, nodata, fires):
    lap = np.array([[1, 1, 1], [1, -8, 1], [1, 1, 1]], np.float32).reshape(1, 1, 3, 3)
    model = conv_model(tmp_path / "edge.onnx", -40.0 * lap, np.array([-4.0]), sidecar={**EDGE, "nodata": nodata})
    yy, xx = np.mgrid[0:96, 0:96]
    red = (3000 + 3 * xx + 2 * yy).astype(np.uint16)
    red[:, 60:] = 0
    prob = _run(tmp_path, model, write_raster(tmp_path / "s.tif", np.stack([red] * 4)))
    assert (np.nanmax(prob[5:-5, 57:60]) > 0.5) == fires


def test_unknown_border_and_nodata_keys_are_refused(tmp_path):
    for key, value in (("border", "mirror"), ("nodata", "ignore")):
        path = conv_model(tmp_path / f"{key}.onnx", np.ones((1, 4, 1, 1)), np.zeros(1), sidecar={**BASIC, key: value})
        with pytest.raises(ModelError, match=f"has {key} '{value}'"):
            load_model(path, "cpu")
