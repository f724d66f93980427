"""The OpenVINO backend: same inputs, same outputs as onnxruntime (fp32), the model shapes
onnxruntime handles (dynamic and fixed batch, several outputs), and one line when it is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from tsm_testkit import BASIC, conv_model

from thaw_slump_mapper.core.engine import models
from thaw_slump_mapper.core.engine.models import load_model
from thaw_slump_mapper.core.errors import ModelError

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "models" / "tsm_starter" / "tsm_starter.onnx"

try:
    models.quiet_openvino()
    import openvino  # noqa: F401

    OPENVINO = ""
except Exception as exc:  # noqa: BLE001 - any failure to import means: skip, and say why
    OPENVINO = f"openvino cannot be imported ({type(exc).__name__}: {exc})"
needs_openvino = pytest.mark.skipif(bool(OPENVINO), reason=OPENVINO or "openvino is installed")


def both(path: Path):
    return load_model(path, "cpu", "onnxruntime"), load_model(path, "cpu", "openvino")


@needs_openvino
def test_starter_model_gives_onnxruntime_probabilities_in_fp32():
    ort, ov = both(STARTER)
    assert ort.backend.device == "CPU (onnxruntime)" and ov.backend.device == "CPU (openvino)"
    assert ov.backend.precision == "f32"  # set explicitly: this CPU's plugin would pick bf16 by itself
    assert ov.spec == ort.spec and ov.sha256 == ort.sha256  # the embedded description is read alike
    rng = np.random.default_rng(0)
    for n in (1, 3, 8):  # 3: uneven parts over the parallel requests
        x = rng.normal(0.5, 0.3, (n, 3, 256, 256)).astype(np.float32)
        a, b = ort.predict(x), ov.predict(x)
        assert a.shape == b.shape == (n, 256, 256)
        assert float(np.abs(a - b).max()) <= 1e-4
        # and before the sigmoid, which could hide differences where it saturates
        logits_a, logits_b = ort.backend.run(x), ov.backend.run(x)
        assert float(logits_a.std()) > 0.5 and float(np.abs(logits_a - logits_b).max()) <= 1e-3


def smp_onnx(path: Path) -> Path:
    torch = pytest.importorskip("torch", reason="torch builds the smp test model")
    smp = pytest.importorskip("segmentation_models_pytorch", reason="smp builds the test model")
    torch.manual_seed(0)
    net = smp.Unet("resnet18", encoder_weights=None, encoder_depth=3, decoder_channels=(32, 16, 8),
                   in_channels=4, classes=2).eval()
    torch.onnx.export(net, torch.zeros(1, 4, 64, 64), str(path), dynamo=False, input_names=["x"],
                      output_names=["y"], dynamic_axes={"x": {0: "n", 2: "h", 3: "w"}, "y": {0: "n", 2: "h", 3: "w"}},
                      opset_version=17)
    path.with_suffix(".json").write_text(json.dumps({**BASIC, "activation": "softmax", "classes": ["bg", "rts"]}))
    return path


@needs_openvino
def test_a_generated_smp_model_with_dynamic_batch_and_size(tmp_path):
    ort, ov = both(smp_onnx(tmp_path / "unet.onnx"))
    assert ov.backend.input_shape == (None, 4, None, None) and ov.backend.output_channels == 2
    rng = np.random.default_rng(1)
    for shape in ((2, 4, 64, 64), (5, 4, 96, 128)):
        x = rng.normal(0, 1, shape).astype(np.float32)
        a, b = ort.predict(x), ov.predict(x)
        assert a.shape == b.shape == (shape[0], *shape[2:])
        assert float(np.abs(a - b).max()) <= 1e-4


@needs_openvino
def test_a_fixed_batch_model_is_fed_chunks_of_its_size(tmp_path):
    w = np.random.default_rng(2).standard_normal((1, 4, 3, 3))
    path = conv_model(tmp_path / "fixed.onnx", w, np.array([0.1]), sidecar=BASIC, fixed_size=64, batch=2)
    ort, ov = both(path)
    assert ov.backend.input_shape == (2, 4, 64, 64)
    x = np.random.default_rng(3).random((5, 4, 64, 64)).astype(np.float32)
    a, b = ort.predict(x), ov.predict(x)
    assert b.shape == (5, 64, 64) and float(np.abs(a - b).max()) <= 1e-5


def two_outputs(path: Path) -> Path:
    from onnx import TensorProto, helper, numpy_helper, save

    w = numpy_helper.from_array(np.full((1, 4, 1, 1), 0.5, np.float32), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["logits"]), helper.make_node("Sigmoid", ["logits"], ["p"])]
    dims = ["n", 1, "h", "w"]
    graph = helper.make_graph(nodes, "two", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 4, "h", "w"])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, dims),
                               helper.make_tensor_value_info("p", TensorProto.FLOAT, dims)], [w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    save(model, path)
    path.with_suffix(".json").write_text(json.dumps({**BASIC, "activation": "none", "output": "p"}))
    return path


@needs_openvino
def test_the_description_chooses_one_of_several_outputs(tmp_path):
    ort, ov = both(two_outputs(tmp_path / "two.onnx"))
    assert ov.backend.output_names == ["logits", "p"] and ov.backend.output_index == 1
    x = np.random.default_rng(4).normal(0, 2, (3, 4, 32, 32)).astype(np.float32)
    b = ov.predict(x)
    assert float(np.abs(ort.predict(x) - b).max()) <= 1e-6
    assert float(b.min()) < 0.1 and float(b.max()) > 0.9  # sigmoid output "p", not clipped logits


@needs_openvino
def test_the_run_record_names_openvino(tmp_path):
    from tsm_testkit import write_raster

    from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
    from thaw_slump_mapper.core.engine.raster import MosaicSpec

    model = conv_model(tmp_path / "m.onnx", np.ones((1, 4, 1, 1)), np.zeros(1), sidecar=BASIC)
    mosaic = write_raster(tmp_path / "a.tif", np.random.default_rng(5).random((4, 100, 100)).astype(np.float32),
                          nodata=None)
    prob = run_inference(InferenceParams((MosaicSpec(str(mosaic), "2020"),), str(model), cache_dir=str(tmp_path / "c"),
                                         backend="openvino"))
    assert prob.model["device"] == "CPU (openvino)"


def test_openvino_chosen_without_the_package_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openvino", None)  # import openvino now raises ImportError
    path = conv_model(tmp_path / "m.onnx", np.ones((1, 4, 1, 1)), np.zeros(1), sidecar=BASIC)
    with pytest.raises(ModelError) as err:
        load_model(path, "cpu", "openvino")
    text = str(err.value)
    assert "\n" not in text and "OpenVINO is not available" in text and "pip install openvino" in text
    auto = load_model(path, "cpu", "auto")  # without it, auto is onnxruntime: nothing changes
    assert auto.backend.device == "CPU (onnxruntime)"


@needs_openvino
def test_auto_runs_on_the_runtime_measured_faster_when_openvino_is_installed(tmp_path):
    path = conv_model(tmp_path / "m.onnx", np.ones((1, 4, 1, 1)), np.zeros(1), sidecar=BASIC)
    auto = load_model(path, "cpu", "auto").backend  # not OpenVINO by name: the faster here (runtime_choice)
    assert auto.device == {"openvino": "CPU (openvino)", "onnxruntime": "CPU (onnxruntime)"}[auto.choice.runtime]
    assert load_model(path, "cpu", "openvino").backend.device == "CPU (openvino)"
    assert load_model(path, "cpu", "onnxruntime").backend.device == "CPU (onnxruntime)"


@needs_openvino
@pytest.mark.slow  # a fresh process importing openvino and nncf
def test_neither_openvino_nor_nncf_can_send_telemetry(tmp_path):
    # a fresh process: ``import openvino`` itself sends an "import" event unless quieted, and NNCF
    # stubs its own telemetry under pytest only
    pytest.importorskip("nncf", reason="nncf quantises models")
    code = (f"import sys\nsys.path.insert(0, {str(ROOT / 'scripts')!r})\nfrom _bootstrap import register_package\n"
            "register_package()\nfrom thaw_slump_mapper.core.engine.models import quiet_openvino\nquiet_openvino()\n"
            "import openvino, nncf\nimport openvino.tools.ovc.telemetry_utils as ovc\n"
            "import nncf.telemetry.wrapper as w\nprint(ovc.tm.__name__, type(w.telemetry).__name__)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NNCF_")}
    env["HOME"] = str(tmp_path)  # where openvino-telemetry writes its client id when it runs
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["openvino.tools.ovc.telemetry_stub", "MagicMock"]  # the stubs, not senders
    assert not (tmp_path / "intel").exists()  # no client id or usage count written


@needs_openvino
def test_bf16_is_an_explicit_choice_that_says_so_and_has_its_own_cache(tmp_path):
    from tsm_testkit import write_raster

    from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
    from thaw_slump_mapper.core.engine.raster import MosaicSpec

    path = conv_model(tmp_path / "m.onnx", np.ones((1, 4, 1, 1)), np.zeros(1), sidecar=BASIC)
    assert getattr(load_model(path, "cpu", "auto").backend, "precision", "f32") == "f32"  # auto: never bf16
    if not models.openvino_bf16_supported():  # asked for where the CPU lacks it: said, never silent
        bf16 = load_model(path, "cpu", "openvino-bf16")
        assert bf16.backend.precision == "f32"
        assert bf16.backend.device == "CPU (openvino, fp32: bf16 asked for, this CPU has none)"
        mosaic = write_raster(tmp_path / "a.tif", np.random.default_rng(6).random((4, 80, 80)).astype(np.float32),
                              nodata=None)
        result = subprocess.run([str(ROOT / "scripts" / "tsm"), "infer", "--mosaic", f"{mosaic}@2020", "--model",
                                 str(path), "--backend", "openvino-bf16", "--out", str(tmp_path / "c.gpkg"),
                                 "--cache", str(tmp_path / "c"), "--quiet"],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert "warning: this CPU has no bf16 (AVX512_BF16 or AMX): the model runs in fp32" in result.stderr
        assert "this CPU has none" in result.stdout
        return
    bf16 = load_model(path, "cpu", "openvino-bf16")
    assert (bf16.backend.precision, bf16.backend.device) == ("bf16", "CPU (openvino, bf16)")
    mosaic = write_raster(tmp_path / "a.tif", np.random.default_rng(6).random((4, 80, 80)).astype(np.float32),
                          nodata=None)
    runs = [run_inference(InferenceParams((MosaicSpec(str(mosaic), "2020"),), str(path), cache_dir=str(tmp_path / "c"),
                                          backend=b)) for b in ("openvino", "openvino-bf16", "onnxruntime")]
    assert [r.cached for r in runs] == [False, False, True]  # fp32 runtimes share their cache, bf16 does not
    assert runs[1].model["device"] == "CPU (openvino, bf16)"


@needs_openvino
def test_a_file_openvino_cannot_read_names_openvino_and_the_way_back(tmp_path):
    path = conv_model(tmp_path / "m.onnx", np.ones((1, 4, 1, 1)), np.zeros(1), sidecar=BASIC)
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(ModelError) as err:
        load_model(path, "cpu", "openvino")
    assert str(err.value).startswith("OpenVINO cannot run m.onnx") and "--backend onnxruntime" in str(err.value)
    with pytest.raises(ModelError, match="not a valid ONNX model"):  # auto: onnxruntime says what is wrong
        load_model(path, "cpu", "auto")
