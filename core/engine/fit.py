"""Does a mosaic fit a model? Plain-language findings for the dock, before anything runs."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..messages import TEXTS, Message
from .bands import resolve_bands
from .model_spec import ModelSpec
from .models import ONNX_SUFFIXES, TORCH_SUFFIXES
from .raster import MosaicInfo, crs_label, guess_date
from .values import mask_band_warning

DOMAIN_WORDS = {key: TEXTS[f"domain.{key}"] for key in ("sr16", "uint8", "reflectance")}


def band_order(info: MosaicInfo) -> str:
    """The mosaic's bands as letters in band order, e.g. 'B,G,R,N' ('?' when none has a role)."""
    return ",".join(r[0].upper() if r != "rededge" else "RE" for r, _ in info.roles) or "?"


def domain_key(info: MosaicInfo) -> str:
    """The mosaic's value domain, with 0-255 floats told apart from 8-bit integers."""
    return "float255" if info.domain == "uint8" and info.dtype.startswith("float") else info.domain


def describe_mosaic(info: MosaicInfo) -> str:
    """One line for the command line; the dock says the same in the interface language."""
    words = {**DOMAIN_WORDS, "float255": "0-255 values (float)"}[domain_key(info)]
    return f"{info.count} bands {band_order(info)} · {words} · {info.res:.1f} m · {crs_label(info.crs)}"


def fit_findings(spec: ModelSpec, info: MosaicInfo, band_map: dict[str, int] | None = None,
                 aux: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(level, message) pairs; level is 'error' (cannot run), 'warning' or 'info'. The messages are
    :class:`Message` strings where core wrote them (the dock translates them)."""
    found: list[tuple[str, str]] = []
    name = Path(info.spec.path).name
    try:
        read, positions = resolve_bands(spec, info.count, band_map, name, aux, info.band_map)
        found += [("warning", mask_band_warning(name, read[pos], role)) for role, pos in positions.items()
                  if read[pos] in info.binary_bands]
    except InputError as exc:
        found.append(("error", exc.message))
    found += [("warning", w) for w in info.warnings]
    if not info.spec.date and not guess_date(info.spec.path):
        found.append(("warning", Message("fit.no_date", name=name)))
    if abs(info.res - spec.gsd_m) > 0.01 * spec.gsd_m and not info.crs.is_geographic:
        found.append(("warning", Message("fit.resampled", res=info.res, gsd=spec.gsd_m)))
    if info.domain != spec.value_domain:
        found.append(("info", Message("fit.converted", source=Message(f"domain.{info.domain}"),
                                      target=Message(f"domain.{spec.value_domain}"))))
    if info.crs.is_geographic or info.crs.to_epsg() == 3857:
        found.append(("info", Message("fit.local_utm")))
    return found


def bundled_models(models_dir: Path) -> list[Path]:
    """One model file per folder of models/ (ONNX preferred)."""
    out = []
    for folder in sorted(p for p in models_dir.iterdir() if p.is_dir()) if models_dir.is_dir() else []:
        files = sorted(f for f in folder.iterdir() if f.suffix.lower() in ONNX_SUFFIXES + TORCH_SUFFIXES)
        files.sort(key=lambda f: f.suffix.lower() not in ONNX_SUFFIXES)
        if files:
            out.append(files[0])
    return out
