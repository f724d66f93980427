"""Training a segmentation model on image/mask pairs, and exporting it as a model package.

torch and segmentation-models-pytorch are imported inside the functions: the rest of core/ must
import without them (inference needs only onnxruntime).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import rasterio
from rasterio import features
from rasterio.enums import Resampling
from rasterio.vrt import WarpedVRT

from ..engine import nodata
from ..outputs import atomic_files
from ..progress import CancelToken

LOGGER = logging.getLogger("thaw_slump_mapper.training")


@dataclass
class Sample:
    """One training image: C×H×W normalised to 0-1 (percentile stretch), H×W mask, H×W valid."""

    image: np.ndarray
    mask: np.ndarray
    valid: np.ndarray
    source: str


def percentile_stretch(values: np.ndarray, valid: np.ndarray, low: float = 2, high: float = 98) -> np.ndarray:
    """The engine's 'percentile' normalisation: per band, over the whole image's valid pixels."""
    out = np.zeros(values.shape, np.float32)
    for b in range(values.shape[0]):
        band = values[b].astype(np.float32)
        lo, hi = np.percentile(band[valid], [low, high]) if valid.any() else (0.0, 1.0)
        out[b] = np.clip((band - lo) / max(hi - lo, 1e-6), 0, 1)
    out = nodata.fill(out, valid)  # as the engine feeds NoData to the model
    return out


def load_sample(path: str | Path, bands: list[int], polygons: list, gsd: float, source: str = "") -> Sample:
    """Read ``bands`` of a raster resampled to ``gsd`` metres (bilinear), and burn ``polygons``
    (shapely, in the raster's CRS) into a mask on the same grid."""
    with rasterio.open(path) as src:
        scale = src.res[0] / gsd
        width, height = max(1, round(src.width * scale)), max(1, round(src.height * scale))
        transform = src.transform * src.transform.scale(src.width / width, src.height / height)
        with WarpedVRT(src, crs=src.crs, transform=transform, width=width, height=height,
                       resampling=Resampling.bilinear) as vrt:
            values = vrt.read(bands).astype(np.float32)
            valid = np.all(vrt.read_masks(bands) > 0, axis=0) & np.all(np.isfinite(values), axis=0)
    values[:, ~valid] = 0
    mask = np.zeros((height, width), np.uint8)
    if polygons:
        mask = features.rasterize([(p, 1) for p in polygons], out_shape=(height, width), transform=transform,
                                  dtype="uint8")
    return Sample(percentile_stretch(values, valid), mask, valid, source or str(path))


@dataclass
class TrainConfig:
    arch: str = "Unet"
    encoder: str = "tu-mobilenetv3_small_100"
    decoder_channels: tuple[int, ...] = (96, 48, 24, 16, 8)
    chip: int = 128
    batch: int = 8
    steps: int = 700
    lr: float = 2e-3
    seed: int = 0
    positive_share: float = 0.6  # chips centred on a slump pixel, the rest anywhere
    encoder_lr_scale: float = 1.0  # the encoder's learning rate relative to ``lr`` (a pretrained start: < 1)
    nodata_share: float = 0.0  # chips given a NoData patch (filled as the engine fills it, mask 0 there)
    # Photometric and scale augmentation beyond rot90/flip/brightness (off by default: recipes stay
    # reproducible). A chip is cut at chip × s (s log-uniform in scale_range) and resized to chip:
    # slumps of other sizes and imagery of other GSDs; each band gets its own gain in 1 ± band_gain
    # (other sensors' colour balance); Gaussian noise of sigma up to ``noise`` in half the chips.
    scale_range: tuple[float, float] = (1.0, 1.0)
    band_gain: float = 0.0
    noise: float = 0.0
    gray_share: float = 0.0  # chips turned grey (every band = their mean): shape and texture, not colour
    # Sharpness of other imagery: a Gaussian blur of sigma up to ``blur`` px in half the chips
    # (Sentinel-2's 10 m resampled to 3 m, soft mosaics), and ``jpeg`` of the chips re-encoded as
    # JPEG at quality 30-90 (8-bit visual products and web basemaps with their block artefacts).
    blur: float = 0.0
    jpeg: float = 0.0
    # Chips given a slump of the first group (the real images) pasted in with a soft edge ("copy-
    # paste"): the few real slumps seen on other ground, so the model learns the slump, not its tile.
    paste_share: float = 0.0
    # Exponential moving average of the weights (and batch-norm statistics), e.g. 0.99: the model
    # returned is the average of the last ~1/(1-ema) steps, steadier than the last step's on few
    # images. 0 returns the last step's weights.
    ema: float = 0.0
    extra: dict = field(default_factory=dict)

    def smp_kwargs(self, in_channels: int) -> dict:
        kwargs = {"encoder_name": self.encoder, "encoder_weights": None, "in_channels": in_channels, "classes": 1,
                  **self.extra}
        if self.decoder_channels:  # DeepLabV3+ has no per-stage decoder channels
            kwargs["decoder_channels"] = list(self.decoder_channels)
        return kwargs


def _random_chip(rng: np.random.Generator, s: Sample, size: int, positive: bool):
    h, w = s.mask.shape
    if h < size or w < size:  # pad small images (reflect keeps texture)
        ph, pw = max(size - h, 0), max(size - w, 0)
        # the mask is mirrored with the image: a zero-padded mask labelled the mirrored slumps background
        pad = ((0, ph), (0, pw))
        s = Sample(np.pad(s.image, ((0, 0), *pad), mode="reflect"), np.pad(s.mask, pad, mode="reflect"),
                   np.pad(s.valid, pad, mode="reflect"), s.source)
        h, w = s.mask.shape
    ys, xs = np.nonzero(s.mask) if positive else ((), ())
    if len(ys):
        k = rng.integers(len(ys))
        r = int(np.clip(ys[k] - rng.integers(size // 4, 3 * size // 4), 0, h - size))
        c = int(np.clip(xs[k] - rng.integers(size // 4, 3 * size // 4), 0, w - size))
    else:
        r, c = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
    return (s.image[:, r:r + size, c:c + size], s.mask[r:r + size, c:c + size],
            s.valid[r:r + size, c:c + size])


def _scaled_chip(rng: np.random.Generator, s: Sample, config: TrainConfig, positive: bool):
    """A chip cut at ``chip × scale`` and resized to ``chip`` (bilinear image, nearest mask)."""
    lo, hi = config.scale_range
    if lo == hi == 1.0:
        return _random_chip(rng, s, config.chip, positive)
    scale = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    size = max(8, round(config.chip * scale))
    image, mask, valid = _random_chip(rng, s, size, positive)
    if size == config.chip:
        return image, mask, valid
    from scipy import ndimage

    zoom = config.chip / size
    image = np.stack([ndimage.zoom(b, zoom, order=1, grid_mode=True, mode="nearest") for b in image])
    mask = ndimage.zoom(mask, zoom, order=0, grid_mode=True, mode="nearest")
    valid = ndimage.zoom(valid.astype(np.uint8), zoom, order=0, grid_mode=True, mode="nearest")
    n = config.chip  # zoom may round one pixel off
    fit = (slice(0, n), slice(0, n))
    image, mask, valid = image[(slice(None), *fit)], mask[fit], valid[fit]
    if image.shape[1:] != (n, n):
        pad = ((0, n - image.shape[1]), (0, n - image.shape[2]))
        image = np.pad(image, ((0, 0), *pad), mode="edge")
        mask, valid = np.pad(mask, pad), np.pad(valid, pad)
    return image.astype(np.float32), mask.astype(np.uint8), valid.astype(s.valid.dtype)


def _photometric(rng: np.random.Generator, image: np.ndarray, config: TrainConfig) -> np.ndarray:
    if config.gray_share and rng.random() < config.gray_share:
        image = np.repeat(image.mean(axis=0, keepdims=True), image.shape[0], axis=0)
    if config.band_gain:
        image = image * rng.uniform(1 - config.band_gain, 1 + config.band_gain, (image.shape[0], 1, 1))
    if config.blur and rng.random() < 0.5:
        from scipy import ndimage

        sigma = rng.uniform(0.3, config.blur)
        image = np.stack([ndimage.gaussian_filter(b, sigma, mode="nearest") for b in image])
    if config.jpeg and image.shape[0] == 3 and rng.random() < config.jpeg:
        image = _jpeg(image, int(rng.integers(30, 91)))
    if config.noise and rng.random() < 0.5:
        image = image + rng.normal(0, rng.uniform(0, config.noise), image.shape)
    return np.clip(image, 0, 1).astype(np.float32)


def _jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    """An RGB chip (3×H×W, 0-1) through a JPEG encoder and back."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    rgb = (np.clip(image, 0, 1).transpose(1, 2, 0) * 255 + 0.5).astype(np.uint8)
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    return np.asarray(Image.open(buffer).convert("RGB"), np.float32).transpose(2, 0, 1) / 255


def slump_patches(samples: list[Sample], min_px: int = 40) -> list[tuple[np.ndarray, np.ndarray]]:
    """(image C×h×w, mask h×w) around every connected slump of ``samples`` that lies on valid pixels."""
    from scipy import ndimage

    patches = []
    for s in samples:
        labels, _ = ndimage.label(s.mask > 0)
        for index, box in enumerate(ndimage.find_objects(labels), start=1):
            part = labels[box] == index
            if part.sum() >= min_px and s.valid[box][part].all():
                patches.append((s.image[(slice(None), *box)].copy(), part.astype(np.float32)))
    return patches


def _paste(rng: np.random.Generator, image, mask, valid, patches):
    """Paste one slump patch (random rot90/flip) at a random place, its edge feathered over ~2 px."""
    from scipy import ndimage

    src, part = patches[rng.integers(len(patches))]
    k = int(rng.integers(4))
    src, part = np.rot90(src, k, (1, 2)), np.rot90(part, k)
    if rng.random() < 0.5:
        src, part = src[:, :, ::-1], part[:, ::-1]
    (h, w), (ph, pw) = mask.shape, part.shape
    if ph > 0.8 * h or pw > 0.8 * w:
        return image, mask, valid
    r, c = int(rng.integers(0, h - ph + 1)), int(rng.integers(0, w - pw + 1))
    alpha = np.clip(ndimage.gaussian_filter(part, 1.0) * part * 1.5, 0, 1)  # soft only inside the outline
    region = (slice(r, r + ph), slice(c, c + pw))
    image = image.copy()
    image[(slice(None), *region)] = alpha * src + (1 - alpha) * image[(slice(None), *region)]
    mask, valid = mask.copy(), valid.copy()
    mask[region] = np.maximum(mask[region], part > 0.5)
    valid[region] = valid[region] | (part > 0.5)
    return image, mask, valid


def _augment(rng, image, mask, valid):
    k = int(rng.integers(4))
    image, mask, valid = np.rot90(image, k, (1, 2)), np.rot90(mask, k), np.rot90(valid, k)
    if rng.random() < 0.5:
        image, mask, valid = image[:, :, ::-1], mask[:, ::-1], valid[:, ::-1]
    gain, bias = rng.uniform(0.85, 1.15), rng.uniform(-0.08, 0.08)  # brightness and contrast
    image = np.clip(image * gain + bias, 0, 1)
    return np.ascontiguousarray(image), np.ascontiguousarray(mask), np.ascontiguousarray(valid)


def _nodata_patch(rng: np.random.Generator, image, mask, valid):
    """Cut a NoData region into a chip as real mosaics have them: a scene footprint (a straight
    edge at any angle) or a masked cloud (a block). The image there is filled as the engine fills
    NoData (:func:`nodata.fill`), the mask is 0 and the loss counts it: the model learns that a
    filled region and its boundary are not slumps."""
    h, w = mask.shape
    yy, xx = np.mgrid[0:h, 0:w]
    if rng.random() < 0.5:  # footprint edge: a half-plane through a random point
        angle = rng.uniform(0, 2 * np.pi)
        cy, cx = rng.uniform(0.15, 0.85) * h, rng.uniform(0.15, 0.85) * w
        hole = (yy - cy) * np.sin(angle) + (xx - cx) * np.cos(angle) > 0
    else:  # a block
        bh, bw = int(rng.integers(h // 6, h // 2)), int(rng.integers(w // 6, w // 2))
        r, c = int(rng.integers(0, h - bh + 1)), int(rng.integers(0, w - bw + 1))
        hole = np.zeros((h, w), bool)
        hole[r:r + bh, c:c + bw] = True
    keep = valid.astype(bool) & ~hole
    if not keep.any():
        return image, mask, valid
    image = nodata.fill(np.where(hole[None], 0, image).astype(np.float32), keep)
    mask = np.where(hole, 0, mask).astype(mask.dtype)
    valid = (valid.astype(bool) | hole).astype(valid.dtype)
    return image, mask, valid


def train(groups: list[list[Sample]], config: TrainConfig, weights: list[float] | None = None,
          progress: Callable[[int, int, float], None] | None = None, cancel: CancelToken | None = None,
          init_state: dict | None = None, freeze_norm: bool = False,
          validate: Callable[..., float] | None = None, val_every: int = 50, patience: int = 4,
          device: str = "auto"):
    """Train from several groups of samples (e.g. real tiles and synthetic scenes), drawing each
    batch element from a group with probability ``weights``. Returns the model (eval mode, on the
    CPU) and the loss history. Loss: BCE + soft Dice over valid pixels. Runs on the GPU when torch
    sees one (``device`` 'auto'). With ``validate(model) -> score`` the model is scored every
    ``val_every`` steps; training stops after ``patience`` scores without improvement and the best
    weights are kept (early stopping)."""
    import segmentation_models_pytorch as smp
    import torch

    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    in_channels = groups[0][0].image.shape[0]
    model = smp.create_model(config.arch, **config.smp_kwargs(in_channels))
    if init_state is not None:  # fine-tuning: start from the current model's weights
        model.load_state_dict(init_state, strict=True)
    encoder = [p for n, p in model.named_parameters() if n.startswith("encoder.")]
    rest = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    lrs = [config.lr * config.encoder_lr_scale, config.lr]
    opt = torch.optim.AdamW([{"params": encoder, "lr": lrs[0]}, {"params": rest, "lr": lrs[1]}],
                            weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lrs, total_steps=config.steps)
    probs = np.asarray(weights or [1.0] * len(groups), float)
    probs /= probs.sum()
    dev = "cuda" if device in ("auto", "cuda") and torch.cuda.is_available() else "cpu"
    model.to(dev)
    history = []
    best_state, best_score, waited = None, -1.0, 0
    patches = slump_patches(groups[0]) if config.paste_share else []

    def set_train_mode() -> None:
        model.train()
        if freeze_norm:
            for module in model.modules():
                if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                    module.eval()

    model.train()
    if freeze_norm:  # fine-tuning on a few chips: keep the normalisation statistics the model learnt
        for module in model.modules():
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                module.eval()
                for param in module.parameters():
                    param.requires_grad_(False)
    start = time.monotonic()
    ema = {k: t.detach().clone() for k, t in model.state_dict().items()} if config.ema else None
    for step in range(config.steps):
        if cancel is not None:
            cancel.check("Training")
        xs, ys, vs = [], [], []
        for _ in range(config.batch):
            group = groups[rng.choice(len(groups), p=probs)]
            sample = group[rng.integers(len(group))]
            chip = _scaled_chip(rng, sample, config, rng.random() < config.positive_share)
            x, y, v = _augment(rng, *chip)
            if patches and rng.random() < config.paste_share:
                x, y, v = _paste(rng, x, y, v, patches)
            if config.band_gain or config.noise or config.gray_share or config.blur or config.jpeg:
                x = _photometric(rng, x, config)
            if config.nodata_share and rng.random() < config.nodata_share:
                x, y, v = _nodata_patch(rng, x, y, v)
            xs.append(x)
            ys.append(y)
            vs.append(v)
        x = torch.from_numpy(np.stack(xs)).to(dev)
        y = torch.from_numpy(np.stack(ys)).float()[:, None].to(dev)
        v = torch.from_numpy(np.stack(vs)).float()[:, None].to(dev)
        logits = model(x)
        bce = torch.nn.functional.binary_cross_entropy_with_logits(logits, y, weight=v)
        p = torch.sigmoid(logits) * v
        dice = 1 - (2 * (p * y).sum() + 1) / (p.sum() + (y * v).sum() + 1)
        loss = bce + dice
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if ema is not None:
            with torch.no_grad():
                for k, t in model.state_dict().items():
                    if t.dtype.is_floating_point:
                        ema[k].mul_(config.ema).add_(t.detach(), alpha=1 - config.ema)
                    else:
                        ema[k].copy_(t)
        history.append(loss.item())
        if progress is not None:
            progress(step + 1, config.steps, history[-1])
        if validate is not None and ((step + 1) % val_every == 0 or step + 1 == config.steps):
            model.eval()
            score = validate(model)
            set_train_mode()
            if score > best_score:
                best_score, waited = score, 0
                best_state = {k: t.detach().clone() for k, t in model.state_dict().items()}
            else:
                waited += 1
                if waited >= patience:
                    LOGGER.info("early stop at step %d: validation %.3f did not improve %d times", step + 1,
                                best_score, patience)
                    break
    LOGGER.info("trained %d steps in %.0f s, final loss %.3f", config.steps, time.monotonic() - start,
                float(np.mean(history[-20:])))
    if best_state is not None:
        model.load_state_dict(best_state)
    elif ema is not None:
        model.load_state_dict(ema)
    model.eval()
    model.cpu()
    return model, history


def export_package(model, folder: Path, name: str, description: dict, config: TrainConfig,
                   in_channels: int, half_pth: bool = False) -> dict[str, Path]:
    """Write ``name``.onnx (description embedded and as ``name``.onnx.json), ``name``.pth (the
    state dict, loaded with weights_only) and ``name``.pth.json. ``half_pth`` stores the .pth's
    floating-point tensors as float16 (half the size, for a package that must stay small; they
    load into the float32 network unchanged in use, as a fine-tuning start)."""
    import torch

    onnx_path, pth_path = folder / f"{name}.onnx", folder / f"{name}.pth"
    torch_info = {"format": "smp", "arch": config.arch, "encoder": config.encoder, "in_channels": in_channels,
                  "classes": 1}
    if config.decoder_channels:
        torch_info["decoder_channels"] = list(config.decoder_channels)
    torch_description = {**description, "torch": torch_info}
    # every file under a temporary name, moved into place when all are complete (the .onnx last: it
    # makes the package usable); a full disk leaves no truncated model under the package's name
    targets = [pth_path, folder / f"{name}.pth.json", folder / f"{name}.onnx.json", onnx_path]
    with atomic_files(targets, "model package") as (pth_tmp, pth_json_tmp, onnx_json_tmp, onnx_tmp):
        folder.mkdir(parents=True, exist_ok=True)
        dummy = torch.zeros(1, in_channels, config.chip, config.chip)
        torch.onnx.export(model, dummy, str(onnx_tmp), dynamo=False, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "n", 2: "h", 3: "w"}, "logits": {0: "n", 2: "h", 3: "w"}},
                          opset_version=17)
        import onnx

        proto = onnx.load(str(onnx_tmp))
        entry = proto.metadata_props.add()
        entry.key, entry.value = "tsm_description", json.dumps(description)
        onnx.save(proto, str(onnx_tmp))
        onnx_json_tmp.write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")
        state = model.state_dict()
        if half_pth:
            state = {k: t.half() if t.is_floating_point() else t for k, t in state.items()}
            torch_description["weights_stored_as"] = "float16"  # top level: "torch" keys go to smp
        torch.save(state, pth_tmp)
        pth_json_tmp.write_text(json.dumps(torch_description, indent=2) + "\n", encoding="utf-8")
    return {"onnx": onnx_path, "pth": pth_path}
