"""tsm quantize: an int8 package calibrated on the user's mosaics through the engine, described as
int8 with its accuracy cost, never replacing a file unasked, and run on the runtime it was measured on."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tsm_testkit import BASIC, write_raster

from thaw_slump_mapper.core import cli
from thaw_slump_mapper.core.engine.models import load_model
from thaw_slump_mapper.core.engine.raster import MosaicSpec
from thaw_slump_mapper.core.errors import InputError, OutputError
from thaw_slump_mapper.core.learn import quantize

pytest.importorskip("onnx", reason="onnx writes the int8 model")


def small_net(path):
    """Two 3×3 convolutions with a ReLU: enough for quantisation to have something to do."""
    from onnx import TensorProto, helper, numpy_helper, save

    rng = np.random.default_rng(0)
    w1 = numpy_helper.from_array(rng.normal(0, 0.5, (8, 4, 3, 3)).astype(np.float32), "w1")
    b1 = numpy_helper.from_array(np.zeros(8, np.float32), "b1")
    w2 = numpy_helper.from_array(rng.normal(0, 0.3, (1, 8, 3, 3)).astype(np.float32), "w2")
    b2 = numpy_helper.from_array(np.array([-1.0], np.float32), "b2")
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["h"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["h"], ["r"]),
             helper.make_node("Conv", ["r", "w2", "b2"], ["y"], pads=[1, 1, 1, 1])]
    graph = helper.make_graph(nodes, "net", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 4, "h", "w"])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 1, "h", "w"])],
                              [w1, b1, w2, b2])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    save(model, path)
    path.with_suffix(".json").write_text(json.dumps({**BASIC, "name": "net", "version": "1.0",
                                                     "model_card": "A test network."}))
    return path


@pytest.fixture
def package(tmp_path):
    rng = np.random.default_rng(1)
    mosaics = [write_raster(tmp_path / f"m{i}.tif", rng.random((4, 150, 150)).astype(np.float32), nodata=None)
               for i in range(2)]
    return small_net(tmp_path / "net.onnx"), mosaics


def test_calibration_tiles_are_what_inference_feeds_the_model(package):
    model_path, mosaics = package
    model = load_model(model_path, "cpu", "onnxruntime")
    fed = []
    inner = model.backend.run
    model.backend.run = lambda batch: fed.append(batch.copy()) or inner(batch)
    calibration = quantize.collect_calibration(model, [MosaicSpec(str(mosaics[0]), "2020")], 5, seed=3)
    every = np.concatenate(fed)
    assert calibration.seen == len(every) and calibration.tiles == 5 and calibration.mosaics == ["m0.tif"]
    assert all(b.shape == (1, 4, 64, 64) for b in calibration.batches)
    for batch in calibration.batches:  # each kept tile is one the pipeline fed, bit for bit
        assert any(np.array_equal(batch[0], tile) for tile in every)


def test_quantize_writes_an_int8_package_that_says_so(package, capsys):
    model_path, mosaics = package
    out = model_path.with_name("net_int8.onnx")
    args = ["quantize", str(model_path), "--mosaic", f"{mosaics[0]}@2020", "--out", str(out), "--samples", "5"]
    assert cli.main(args) == 0
    data = json.loads(out.with_name("net_int8.onnx.json").read_text())
    assert data["version"] == "1.0+int8" and data["model_card"].startswith("int8 (onnxruntime post-training")
    assert "calibrated on 5 tiles of m0.tif" in data["model_card"] and data["model_card"].endswith("A test network.")
    made = data["provenance"]["quantization"]
    assert made["runtime"] == "onnxruntime" and (made["calibration_tiles"], made["calibration_tiles_seen"]) == (5, 9)
    import onnx

    ops = {n.op_type for n in onnx.load(str(out)).graph.node}
    assert {"QuantizeLinear", "DequantizeLinear"} <= ops  # int8, not a copy
    fp32, int8 = load_model(model_path, "cpu", "onnxruntime"), load_model(out)
    assert int8.backend.device == "CPU (onnxruntime)"  # "auto" runs it where its accuracy was measured
    assert int8.spec.version == "1.0+int8" and int8.sha256 != fp32.sha256
    x = np.random.default_rng(2).random((2, 4, 64, 64)).astype(np.float32)
    assert float(np.abs(fp32.predict(x) - int8.predict(x)).max()) > 0  # not the same model
    # What int8 promises, on whatever CPU runs this: the fused integer kernels compute the quantised
    # model's own (QDQ) definition, executed op by op in float, to within one step of its output's
    # quantisation. Saturation (full-range weights on a CPU without VNNI) broke this by 17 steps.
    assert made["weight_bits"] == 7 and made["kernel_steps"] is not None and made["kernel_steps"] <= 1
    assert quantize.kernel_deviation(out, [x]) <= 1
    assert made["measured_cpu"]
    # never replaced unasked; --overwrite replaces it
    capsys.readouterr()
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and "--overwrite" in err and err.count("\n") == 1
    assert cli.main([*args, "--overwrite"]) == 0


def test_the_accuracy_cost_is_measured_and_written(package, tmp_path):
    model_path, mosaics = package
    import rasterio
    from shapely.geometry import box

    with rasterio.open(mosaics[1]) as src:
        b = src.bounds
    ref = tmp_path / "ref.geojson"
    shapes = [box(b.left + 60, b.bottom + 60, b.left + 200, b.bottom + 200),
              box(b.left + 250, b.top - 150, b.left + 400, b.top - 30)]
    ref.write_text(json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {
        "name": "urn:ogc:def:crs:EPSG::32646"}}, "features": [
        {"type": "Feature", "properties": {}, "geometry": s.__geo_interface__} for s in shapes]}))
    out = tmp_path / "int8.onnx"
    assert cli.main(["quantize", str(model_path), "--mosaic", str(mosaics[0]), "--check-mosaic", str(mosaics[1]),
                     "--reference", str(ref), "--out", str(out), "--samples", "8", "--quiet"]) == 0
    cost = json.loads((tmp_path / "int8.onnx.json").read_text())["provenance"]["quantization"]["accuracy"]
    assert cost["measured_on"].startswith("1 mosaic(s), 0 of them also used for calibration, against ref.geojson")
    assert cost["fp32"]["reference"] == 2 and cost["int8"]["reference"] == 2
    assert cost["pixel_iou_loss"] == pytest.approx(cost["fp32"]["pixel_iou"] - cost["int8"]["pixel_iou"], abs=1e-4)
    assert cost["within_goal"] == (max(cost["pixel_iou_loss"], cost["object_f1_loss"]) <= 0.01)


def test_bad_requests_are_refused_before_any_work(package, tmp_path):
    model_path, _ = package
    with pytest.raises(InputError, match="not an ONNX model"):
        quantize.check_inputs(tmp_path / "m.pth", tmp_path / "o.onnx", False, "onnxruntime")
    with pytest.raises(OutputError, match=r"must be an \.onnx file"):
        quantize.check_inputs(model_path, tmp_path / "o.tif", False, "onnxruntime")
    with pytest.raises(OutputError, match="would replace the model"):
        quantize.check_inputs(model_path, model_path, True, "onnxruntime")
    (tmp_path / "taken.onnx.json").write_text("{}")  # a description alone is not replaced either
    with pytest.raises(OutputError, match=r"taken\.onnx\.json already exists"):
        quantize.check_inputs(model_path, tmp_path / "taken.onnx", False, "onnxruntime")
    with pytest.raises(OutputError, match="does not exist"):
        quantize.check_inputs(model_path, tmp_path / "nowhere" / "o.onnx", False, "onnxruntime")


def test_the_kernel_check_sees_saturation_where_the_cpu_has_it(package, tmp_path):
    """Full-range int8 weights saturate on x86 CPUs without VNNI (onnxruntime's VPMADDUBSW path):
    the check must be able to fail. On a CPU with VNNI (or not x86) full-range weights are exact."""
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static

    model_path, mosaics = package
    calibration = quantize.collect_calibration(load_model(model_path, "cpu", "onnxruntime"),
                                               [MosaicSpec(str(mosaics[0]), "2020")], 5, seed=0)
    full = tmp_path / "full_range.onnx"
    batches = iter(calibration.batches)

    class Reader:
        def get_next(self):
            batch = next(batches, None)
            return None if batch is None else {"x": batch}

    quantize_static(str(model_path), str(full), Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                    reduce_range=False, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    x = np.random.default_rng(2).random((2, 4, 64, 64)).astype(np.float32)
    steps = quantize.kernel_deviation(full, [x])
    flags = quantize.cpu_name()
    if "avx2" in flags and not any(v in flags for v in ("avx512_vnni", "avx_vnni", "amx_int8")):
        assert steps > 1  # saturation, seen as 17 steps on an AVX2-only EPYC
    else:
        assert steps <= 1
