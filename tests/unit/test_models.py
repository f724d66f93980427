"""Loading every model kind, running it, and refusing what is corrupt or unsafe."""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import pytest
from tsm_testkit import BASIC, conv_model, sigmoid

from thaw_slump_mapper.core.engine.models import load_model, probabilities
from thaw_slump_mapper.core.errors import ModelError


def test_one_by_one_conv_gives_the_analytic_probability(tmp_path):
    w = np.array([1.0, -2.0, 0.5, 3.0]).reshape(1, 4, 1, 1)
    model = load_model(conv_model(tmp_path / "m.onnx", w, np.array([0.2]), sidecar=BASIC), "auto", "onnxruntime")
    x = np.random.default_rng(1).random((2, 4, 64, 64)).astype(np.float32)
    expected = sigmoid(np.tensordot(w[0, :, 0, 0], x, axes=([0], [1])) + 0.2)
    assert np.allclose(model.predict(x), expected, atol=1e-6)
    assert model.kind == "onnx" and len(model.sha256) == 64 and "onnxruntime" in model.backend.device


def test_softmax_multiclass_picks_the_rts_class(tmp_path):
    w = np.random.default_rng(2).standard_normal((3, 4, 1, 1))
    sidecar = {**BASIC, "activation": "none", "classes": ["bg", "water", "slump"], "rts_class": 2}
    model = load_model(conv_model(tmp_path / "m.onnx", w, np.zeros(3), sidecar=sidecar, softmax=True))
    x = np.random.default_rng(3).random((1, 4, 64, 64)).astype(np.float32)
    logits = np.tensordot(w[:, :, 0, 0], x[0], axes=([1], [0]))
    expected = np.exp(logits[2]) / np.exp(logits).sum(axis=0)
    assert np.allclose(model.predict(x)[0], expected, atol=1e-5)


def test_softmax_activation_on_raw_logits():
    raw = np.array([[[[0.0]], [[np.log(3.0)]]]], np.float32)  # p(rts) = 3 / (1 + 3)
    from thaw_slump_mapper.core.engine.model_spec import parse_description

    spec = parse_description({**BASIC, "activation": "softmax", "classes": ["bg", "rts"]}, "t")
    assert probabilities(raw, spec)[0, 0, 0] == pytest.approx(0.75)


def test_sidecar_overrides_embedded_metadata_key_by_key(tmp_path):
    embedded = {"tsm_description": json.dumps({**BASIC, "name": "inside", "version": "1.0"})}
    path = conv_model(tmp_path / "m.onnx", np.ones((1, 4, 1, 1)), np.zeros(1), embedded=embedded)
    assert load_model(path).spec.name == "inside"
    (tmp_path / "m.json").write_text(json.dumps({"name": "beside"}))
    spec = load_model(path).spec
    assert (spec.name, spec.version) == ("beside", "1.0")
    assert "over embedded metadata" in spec.source


def test_model_onnx_json_sidecar_name_is_read_too(tmp_path):
    path = conv_model(tmp_path / "x.onnx", np.ones((1, 4, 1, 1)), np.zeros(1))
    (tmp_path / "x.onnx.json").write_text(json.dumps(BASIC))
    assert load_model(path).spec.bands == ("blue", "green", "red", "nir")


def test_model_without_description_says_what_to_write(tmp_path):
    path = conv_model(tmp_path / "bare.onnx", np.ones((1, 4, 1, 1)), np.zeros(1))
    with pytest.raises(ModelError) as err:
        load_model(path)
    assert "lacks bands, value_domain, gsd_m, activation" in str(err.value)


def test_corrupt_onnx_is_refused_with_the_fix(tmp_path):
    path = conv_model(tmp_path / "m.onnx", np.ones((1, 4, 1, 1)), np.zeros(1), sidecar=BASIC)
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(ModelError) as err:
        load_model(path)
    assert "not a valid ONNX model" in str(err.value) and "corrupt or truncated" in str(err.value)


def test_invalid_sidecar_json_is_named(tmp_path):
    path = conv_model(tmp_path / "m.onnx", np.ones((1, 4, 1, 1)), np.zeros(1))
    (tmp_path / "m.json").write_text("{not json")
    with pytest.raises(ModelError) as err:
        load_model(path)
    assert "m.json is not valid JSON" in str(err.value)


def test_unknown_file_type_and_missing_file(tmp_path):
    (tmp_path / "m.h5").write_bytes(b"x")
    with pytest.raises(ModelError, match="not a model format"):
        load_model(tmp_path / "m.h5")
    with pytest.raises(ModelError, match="does not exist"):
        load_model(tmp_path / "nothing.onnx")


import torch  # noqa: E402 - the ONNX tests above do not need it; the test environment always has it


class TinyNet(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(4, 1, 3, padding=1)

    def forward(self, x):
        return self.conv(x)


def test_torchscript_model_runs_like_the_module(tmp_path):
    torch.manual_seed(0)
    net = TinyNet().eval()
    path = tmp_path / "net.pt"
    torch.jit.script(net).save(str(path))
    (tmp_path / "net.json").write_text(json.dumps(BASIC))
    model = load_model(path, device="cpu")
    x = np.random.default_rng(4).random((1, 4, 64, 64)).astype(np.float32)
    with torch.no_grad():
        expected = torch.sigmoid(net(torch.from_numpy(x)))[:, 0].numpy()
    assert model.kind == "torchscript"
    assert np.allclose(model.predict(x), expected, atol=1e-6)


def _smp_sidecar(**torch_info):
    return {**BASIC, "torch": {"format": "smp", "arch": "Unet", "encoder": "resnet18", "in_channels": 4,
                               "classes": 1, "encoder_depth": 3, "decoder_channels": [32, 16, 8], **torch_info}}


def test_smp_state_dict_loads_with_weights_only(tmp_path):
    import segmentation_models_pytorch as smp

    torch.manual_seed(0)
    net = smp.Unet("resnet18", encoder_weights=None, in_channels=4, classes=1, encoder_depth=3,
                   decoder_channels=[32, 16, 8]).eval()
    path = tmp_path / "unet.pth"
    torch.save(net.state_dict(), path)
    (tmp_path / "unet.json").write_text(json.dumps(_smp_sidecar()))
    model = load_model(path, device="cpu")
    x = np.random.default_rng(5).random((1, 4, 64, 64)).astype(np.float32)
    with torch.no_grad():
        expected = torch.sigmoid(net(torch.from_numpy(x)))[:, 0].numpy()
    assert model.kind == "smp"
    assert np.allclose(model.predict(x), expected, atol=1e-5)


def test_smp_weights_for_another_network_are_explained(tmp_path):
    torch.save(TinyNet().state_dict(), tmp_path / "w.pth")
    (tmp_path / "w.json").write_text(json.dumps(_smp_sidecar()))
    with pytest.raises(ModelError) as err:
        load_model(tmp_path / "w.pth")
    assert "do not fit a Unet with encoder resnet18" in str(err.value)


class Payload:
    """Unpickling this runs a shell command: what a hostile model file would do."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_malicious_pickle_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pth"
    torch.save({"conv.weight": torch.zeros(1), "trap": Payload(str(marker))}, path)
    # the payload is real: a plain unpickle would run it
    assert not marker.exists()
    (tmp_path / "evil.json").write_text(json.dumps(_smp_sidecar()))
    with pytest.raises(ModelError) as err:
        load_model(path)
    assert "Refused to load evil.pth" in str(err.value)
    assert not marker.exists()
    torch.load(path, weights_only=False)  # proves the file is hostile: now the command runs
    assert marker.exists()


def test_torch_model_without_torch_says_to_use_onnx(tmp_path, monkeypatch):
    path = tmp_path / "m.pt"
    path.write_bytes(b"not really")
    (tmp_path / "m.json").write_text(json.dumps(BASIC))
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ModelError) as err:
        load_model(path)
    assert "torch is not available" in str(err.value) and "ONNX" in str(err.value)
