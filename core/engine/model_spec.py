"""What a model expects and produces: the description that travels with every model file.

A description comes from the ONNX file's ``metadata_props`` (our key ``tsm_description``, or the
flat keys Deepness models carry) and/or a sidecar JSON beside the model: ``model.onnx.json``,
else ``model.json`` (the more specific name wins, so a package's own ``model.json`` config never
hides the user's sidecar). The sidecar wins key by key. See the README, "Model format".
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..messages import Message

FORMAT = "thaw-slump-mapper/1"
METADATA_KEY = "tsm_description"

# Full scale of reflectance 1.0 in each value domain: converting between domains is a ratio.
DOMAINS = {"sr16": 10000.0, "uint8": 255.0, "reflectance": 1.0}
SPECTRAL_ROLES = ("coastal_blue", "blue", "green_i", "green", "yellow", "red", "rededge", "nir")
COMPUTED_ROLES = {"ndvi": ("nir", "red"), "ndwi": ("green", "nir")}  # (a - b) / (a + b)
ACTIVATIONS = ("sigmoid", "softmax", "none")
NORMALIZATIONS = ("none", "scale", "meanstd", "percentile")
RASTER_BAND = re.compile(r"band(\d+)")  # a role that is the raster's band N itself (Deepness's raster order)
BORDERS = ("reflect", "edge", "zeros")  # how a tile is padded where the image ends
NODATA_FILLS = ("fill", "zero", "value")  # what the model sees in NoData (README, "Model format")


@dataclass(frozen=True)
class Normalization:
    """Per input band, applied to values in the model's value domain (after index computation).

    scale:      y = x * scale + offset
    meanstd:    y = (x - mean) / std
    percentile: y = clip((x - p_low) / (p_high - p_low), 0, 1), percentiles of each mosaic over
                the run's extent (computed once per mosaic, never per tile, so tiles agree)
    """

    kind: str = "none"
    offset: tuple[float, ...] = ()
    scale: tuple[float, ...] = ()
    mean: tuple[float, ...] = ()
    std: tuple[float, ...] = ()
    low: float = 2.0
    high: float = 98.0


@dataclass(frozen=True)
class TorchInfo:
    format: str = "auto"  # "torchscript", "smp" (state_dict + architecture) or "auto"
    arch: str = ""  # smp architecture: Unet, UnetPlusPlus, DeepLabV3Plus, …
    encoder: str = ""
    in_channels: int = 0
    classes: int = 0
    extra: dict[str, Any] = field(default_factory=dict)  # further smp.create_model kwargs


@dataclass(frozen=True)
class ModelSpec:
    name: str
    version: str
    architecture: str
    bands: tuple[str, ...]  # input channel roles, in order
    value_domain: str
    normalization: Normalization
    gsd_m: float
    tile_size: int
    overlap: int
    classes: tuple[str, ...]
    rts_class: int
    activation: str
    threshold: float = 0.5
    min_area_m2: float = 0.0
    model_card: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)
    torch: TorchInfo | None = None
    output: str = ""  # which output of a model with several: a name or an index ('' = the first)
    border: str = "reflect"
    nodata_fill: str = "fill"
    source: str = ""  # where the description came from, for messages

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["format"] = FORMAT
        out.pop("source")
        return out

    @property
    def supplied_roles(self) -> tuple[str, ...]:
        """Auxiliary inputs that must come from a separate raster (dem, slope, …)."""
        return tuple(b for b in self.bands
                     if b not in SPECTRAL_ROLES and b not in COMPUTED_ROLES and not RASTER_BAND.fullmatch(b))


def sidecar_candidates(model_path: Path) -> list[Path]:
    """Most specific first: ``model.onnx.json`` names this very file, ``model.json`` only its stem."""
    return [model_path.with_name(model_path.name + ".json"), model_path.with_suffix(".json")]


def read_sidecar(model_path: Path) -> tuple[dict[str, Any], str]:
    for path in sidecar_candidates(model_path):
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ModelError(Message("spec.not_json", path=str(path), detail=str(exc)),
                                 Message("spec.not_json.fix")) from exc
            if not isinstance(data, dict):
                raise ModelError(Message("spec.not_object", path=str(path)), Message("spec.not_object.fix"))
            return data, str(path)
    return {}, ""


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except (json.JSONDecodeError, TypeError):
        return value


def from_metadata_props(props: dict[str, str]) -> dict[str, Any]:
    """Our own description, or the Deepness keys translated into ours."""
    if METADATA_KEY in props:
        data = _json_or_text(props[METADATA_KEY])
        if not isinstance(data, dict):
            raise ModelError(Message("spec.embedded_not_object", name=METADATA_KEY),
                             Message("spec.embedded_not_object.fix"))
        return data
    values = {k: _json_or_text(v) for k, v in props.items()}
    return deepness_to_description(values) if _looks_like_deepness(values) else {}


def _looks_like_deepness(values: dict[str, Any]) -> bool:
    keys = {"model_type", "class_names", "resolution", "tile_size", "tiles_size", "tiles_overlap",
            "seg_thresh", "standardization_mean", "standardization_std"}
    return bool(keys & set(values))


def deepness_to_description(v: dict[str, Any]) -> dict[str, Any]:
    """Deepness conventions: the raster's bands in their order (R,G,B[,4th]) as the channels;
    8-bit input divided by 255, then optional mean/std; resolution in cm per pixel; overlap in
    percent of the tile; the first output, already probabilities."""
    model_type = str(v.get("model_type", "Segmentor"))
    if model_type.lower() != "segmentor":
        raise ModelError(Message("spec.deepness_type", type=model_type), Message("spec.deepness_type.fix"))
    out: dict[str, Any] = {"value_domain": "uint8", "activation": "none", "bands": "raster_order"}
    names = v.get("class_names")
    if isinstance(names, list) and names and isinstance(names[0], dict):
        names = names[0]  # one dict per output for multi-output models; the first output is used
    if isinstance(names, dict) and names:
        ordered = [str(names[k]) for k in sorted(names, key=lambda k: int(k))]
        out["classes"] = ordered
        rts = [i for i, n in enumerate(ordered) if re.search(r"slump|rts|thaw", n, re.I)]
        out["rts_class"] = rts[0] if rts else len(ordered) - 1
    if "resolution" in v:
        out["gsd_m"] = float(v["resolution"]) / 100.0
    tile = v.get("tiles_size", v.get("tile_size"))
    if tile is not None:
        out["tile_size"] = int(tile)
        if "tiles_overlap" in v:
            out["overlap"] = round(int(tile) * float(v["tiles_overlap"]) / 100.0)
    if "seg_thresh" in v:
        out["threshold"] = float(v["seg_thresh"])
    mean, std = v.get("standardization_mean"), v.get("standardization_std")
    if mean is not None and std is not None:
        mean = mean if isinstance(mean, list) else [mean]
        std = std if isinstance(std, list) else [std]
        out["normalization"] = {"kind": "meanstd", "mean": [m * 255.0 for m in mean],
                                "std": [s * 255.0 for s in std]}
    else:
        out["normalization"] = {"kind": "scale", "scale": [1 / 255.0], "offset": [0.0]}
    if "seg_small_segment" in v and "gsd_m" in out:
        out["min_area_m2"] = float(v["seg_small_segment"]) * out["gsd_m"] ** 2
    return out


def _source(source: str) -> str:
    return source or Message("spec.source.none")


def _problem(source: str, what: str, /, **args: Any) -> ModelError:
    """'The model description (source) has …': ``what`` is the key of the rest of the sentence."""
    return ModelError(Message("spec.problem", source=_source(source), what=Message(what, **args)),
                      Message("spec.problem.fix"))


def _floats(value: Any, n: int, key: str, source: str) -> tuple[float, ...]:
    seq = value if isinstance(value, (list, tuple)) else [value]
    try:
        floats = tuple(float(x) for x in seq)
    except (TypeError, ValueError) as exc:
        raise _problem(source, "spec.what.norm_not_numeric", field=key) from exc
    if len(floats) == 1 and n > 1:
        floats = floats * n
    if len(floats) != n:
        raise _problem(source, "spec.what.norm_count", count=len(floats), field=key, bands=n)
    return floats


def parse_normalization(data: Any, n_bands: int, source: str) -> Normalization:
    if data is None:
        return Normalization()
    if not isinstance(data, dict):
        raise _problem(source, "spec.what.norm_not_object")
    kind = str(data.get("kind", data.get("type", "none")))
    if kind not in NORMALIZATIONS:
        raise _problem(source, "spec.what.norm_kind", kind=kind, kinds=", ".join(NORMALIZATIONS))
    if kind == "scale":
        scale = _floats(data.get("scale", 1.0), n_bands, "scale", source)
        offset = _floats(data.get("offset", 0.0), n_bands, "offset", source)
        return Normalization(kind, offset=offset, scale=scale)
    if kind == "meanstd":
        if "mean" not in data or "std" not in data:
            raise _problem(source, "spec.what.meanstd_missing")
        std = _floats(data["std"], n_bands, "std", source)
        if any(s <= 0 for s in std):
            raise _problem(source, "spec.what.std_not_positive")
        return Normalization(kind, mean=_floats(data["mean"], n_bands, "mean", source), std=std)
    if kind == "percentile":
        low, high = float(data.get("low", 2.0)), float(data.get("high", 98.0))
        if not 0 <= low < high <= 100:
            raise _problem(source, "spec.what.percentile_bounds")
        return Normalization(kind, low=low, high=high)
    return Normalization()


REQUIRED = ("bands", "value_domain", "gsd_m", "activation")


def parse_description(data: dict[str, Any], source: str, fallback_name: str = "model",
                      input_shape: tuple[Any, ...] = (), output_channels: int | None = None) -> ModelSpec:
    """Validate a merged description. ``input_shape``/``output_channels`` come from the model
    file itself and fill or check what the description says."""
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise ModelError(Message("spec.missing", source=_source(source), keys=", ".join(missing)),
                         Message("spec.missing.fix", keys=", ".join(REQUIRED)))
    channels = input_shape[1] if len(input_shape) == 4 and isinstance(input_shape[1], int) else None
    bands = data["bands"]
    if bands == "raster_order":  # Deepness: the raster's bands, in order, one per model channel
        if channels is None:
            raise _problem(source, "spec.what.raster_order")
        bands = [f"band{i}" for i in range(1, channels + 1)]
    if not isinstance(bands, list) or not bands or not all(isinstance(b, str) and b for b in bands):
        raise _problem(source, "spec.what.bands_not_list")
    bands = tuple(b.lower() for b in bands)
    domain = str(data["value_domain"])
    if domain not in DOMAINS:
        raise _problem(source, "spec.what.domain", domain=domain, domains=", ".join(DOMAINS))
    activation = str(data["activation"])
    if activation not in ACTIVATIONS:
        raise _problem(source, "spec.what.activation", activation=activation, activations=", ".join(ACTIVATIONS))
    try:
        gsd = float(data["gsd_m"])
    except (TypeError, ValueError) as exc:
        raise _problem(source, "spec.what.gsd_not_number") from exc
    if not (math.isfinite(gsd) and gsd > 0):
        raise _problem(source, "spec.what.gsd_not_positive")

    if channels is not None and channels != len(bands):
        raise ModelError(Message("spec.band_count", channels=channels, source=source, count=len(bands),
                                 bands=", ".join(bands)),
                         Message("spec.band_count.fix"))
    fixed = [d for d in input_shape[2:] if isinstance(d, int) and d > 0]
    tile = data.get("tile_size", fixed[0] if fixed else 512)
    try:
        tile = int(tile)
    except (TypeError, ValueError) as exc:
        raise _problem(source, "spec.what.tile_not_whole") from exc
    if fixed and tile != fixed[0]:
        raise ModelError(Message("spec.fixed_tile", size=fixed[0], source=source, tile=tile),
                         Message("spec.fixed_tile.fix", size=fixed[0]))
    if tile < 16:
        raise _problem(source, "spec.what.tile_small", tile=tile)
    overlap = int(data.get("overlap", max(tile // 8, 0)))
    if not 0 <= overlap < tile // 2:
        raise _problem(source, "spec.what.overlap", overlap=overlap)

    classes = data.get("classes")
    if classes is None:
        n = output_channels or 1
        classes = ["rts"] if n == 1 else ["background", "rts"] + [f"class_{i}" for i in range(2, n)]
    if not isinstance(classes, list) or not classes:
        raise _problem(source, "spec.what.classes_not_list")
    classes = tuple(str(c) for c in classes)
    rts_named = int(data.get("rts_class", 1 if len(classes) > 1 else 0))
    if output_channels == 1 and len(classes) == 2 and activation != "softmax" and 0 <= rts_named < 2:
        # one output map for a background/slump pair (Deepness's binary masks): the map is the slump class
        classes, data = (classes[rts_named],), {**data, "rts_class": 0}
    if output_channels is not None and output_channels != len(classes):
        raise ModelError(Message("spec.class_count", channels=output_channels, source=source, count=len(classes)),
                         Message("spec.class_count.fix"))
    rts_class = int(data.get("rts_class", 1 if len(classes) > 1 else 0))
    if not 0 <= rts_class < len(classes):
        raise _problem(source, "spec.what.rts_class", rts_class=rts_class, count=len(classes))
    if activation == "softmax" and len(classes) < 2:
        raise _problem(source, "spec.what.softmax_single")

    threshold = float(data.get("threshold", 0.5))
    if not 0 < threshold < 1:
        raise _problem(source, "spec.what.threshold")
    border = str(data.get("border", "reflect"))
    if border not in BORDERS:
        raise _problem(source, "spec.what.border", border=border, borders=", ".join(BORDERS))
    nodata_fill = str(data.get("nodata", "fill"))
    if nodata_fill not in NODATA_FILLS:
        raise _problem(source, "spec.what.nodata", nodata=nodata_fill, fills=", ".join(NODATA_FILLS))
    torch_info = None
    if isinstance(data.get("torch"), dict):
        t = dict(data["torch"])
        torch_info = TorchInfo(
            format=str(t.pop("format", "auto")), arch=str(t.pop("arch", "")), encoder=str(t.pop("encoder", "")),
            in_channels=int(t.pop("in_channels", len(bands))), classes=int(t.pop("classes", len(classes))),
            extra=t,
        )
    return ModelSpec(
        name=str(data.get("name", fallback_name)),
        version=str(data.get("version", "0")),
        architecture=str(data.get("architecture", "unknown")),
        bands=bands,
        value_domain=domain,
        normalization=parse_normalization(data.get("normalization"), len(bands), source),
        gsd_m=gsd,
        tile_size=tile,
        overlap=overlap,
        classes=classes,
        rts_class=rts_class,
        activation=activation,
        threshold=threshold,
        min_area_m2=float(data.get("min_area_m2", 0.0)),
        model_card=str(data.get("model_card", "")),
        provenance=dict(data.get("provenance", {})),
        torch=torch_info,
        output=str(data.get("output", "")),
        border=border,
        nodata_fill=nodata_fill,
        source=source,
    )
