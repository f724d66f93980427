"""From mosaic bands to model input: band roles, value domains and normalisation.

A mosaic's pixel values are first expressed as reflectance-like values in the model's own value
domain (16-bit SR ×10 000, 8-bit, or reflectance 0-1) by the ratio of the two domains' full
scales, then normalised as the model description says. Nothing assumes ÷255.
"""

from __future__ import annotations

import re

import numpy as np

from ..errors import InputError
from ..messages import Message
from .model_spec import COMPUTED_ROLES, DOMAINS, RASTER_BAND, SPECTRAL_ROLES, ModelSpec

# Default band order by band count (1-based band numbers).
DEFAULT_BAND_ORDERS: dict[int, dict[str, int]] = {
    3: {"red": 1, "green": 2, "blue": 3},  # 8-bit RGB "visual" product / basemap
    4: {"blue": 1, "green": 2, "red": 3, "nir": 4},  # PlanetScope 4-band analytic SR
    5: {"blue": 1, "green": 2, "red": 3, "rededge": 4, "nir": 5},  # RapidEye-style / PSB.SD subset
    8: {"coastal_blue": 1, "blue": 2, "green_i": 3, "green": 4, "yellow": 5, "red": 6, "rededge": 7,
        "nir": 8},  # PlanetScope SuperDove 8-band
}


def default_band_map(band_count: int) -> dict[str, int]:
    if band_count in DEFAULT_BAND_ORDERS:
        return dict(DEFAULT_BAND_ORDERS[band_count])
    if band_count > 4:  # extra bands (alpha, masks) after a 4-band B,G,R,N stack
        return dict(DEFAULT_BAND_ORDERS[4])
    return {}


def parse_band_map(text: str) -> dict[str, int]:
    """'nir=4,red=3' → {'nir': 4, 'red': 3}."""
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = re.fullmatch(r"([a-z_]+)\s*=\s*(\d+)", part.lower())
        if not match:
            raise InputError(Message("bands.unreadable", part=part), Message("bands.unreadable.fix"))
        role, band = match.group(1), int(match.group(2))
        if role in out:  # 'red=1,red=2': which one was meant cannot be guessed
            raise InputError(Message("bands.duplicate", role=role, first=f"{role}={out[role]}",
                                     second=f"{role}={band}"), Message("bands.duplicate.fix"))
        out[role] = band
    return out


def guess_domain(dtype: str, max_value: float | None = None) -> str:
    """The value domain a raster's data type implies (16-bit → SR ×10 000, 8-bit → 0-255)."""
    if dtype in ("uint8", "int8"):
        return "uint8"
    if dtype in ("uint16", "int16", "uint32", "int32"):
        return "sr16"
    if max_value is not None and max_value > 2.0:
        return "sr16" if max_value > 255 else "uint8"
    return "reflectance"


def resolve_bands(spec: ModelSpec, band_count: int, override: dict[str, int] | None, name: str,
                  supplied: dict[str, str] | None = None,
                  base: dict[str, int] | None = None) -> tuple[list[int], dict[str, int]]:
    """The 1-based mosaic bands to read, and each role's position among them. ``base``: the
    raster's own band roles (from its colour interpretation); the default order otherwise.

    Raises InputError naming the missing role and how to provide it.
    """
    mapping = dict(base) if base is not None else default_band_map(band_count)
    mapping.update(override or {})
    for role in spec.bands:  # 'bandN' is the raster's band N, whatever it holds
        match = RASTER_BAND.fullmatch(role)
        if match:
            mapping.setdefault(role, int(match.group(1)))
    needed: list[str] = []
    for role in spec.bands:
        if role in COMPUTED_ROLES:
            needed.extend(r for r in COMPUTED_ROLES[role] if r not in needed)
        elif role in SPECTRAL_ROLES or RASTER_BAND.fullmatch(role) or role not in (supplied or {}):
            if role not in needed:
                needed.append(role)
    for role in needed:
        if role not in mapping:
            if role not in SPECTRAL_ROLES and not RASTER_BAND.fullmatch(role):
                raise InputError(Message("bands.aux_missing", role=role), Message("bands.aux_missing.fix", role=role))
            known = ", ".join(f"{r}={b}" for r, b in sorted(mapping.items(), key=lambda kv: kv[1])) or "—"
            raise InputError(Message("bands.role_missing", name=name, count=band_count, known=known, role=role),
                             Message("bands.role_missing.fix", role=role))
        if not 1 <= mapping[role] <= band_count:
            raise InputError(Message("bands.out_of_range", role=role, band=mapping[role], name=name, count=band_count),
                             Message("bands.out_of_range.fix"))
    read = sorted({mapping[r] for r in needed})
    return read, {r: read.index(mapping[r]) for r in needed}


def raw_input(values: np.ndarray, positions: dict[str, int], spec: ModelSpec, source_domain: str,
              aux: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """values: B×H×W raw mosaic bands (those ``resolve_bands`` chose) → C×H×W in the model's value
    domain, before normalisation."""
    ratio = np.float32(DOMAINS[spec.value_domain] / DOMAINS[source_domain])
    # one array filled channel by channel: per-channel temporaries and a stack cost a third of the
    # tile preparation beside the model
    out = np.empty((len(spec.bands), *values.shape[1:]), np.float32)
    for i, role in enumerate(spec.bands):
        if role in COMPUTED_ROLES:
            a_role, b_role = COMPUTED_ROLES[role]
            a = values[positions[a_role]].astype(np.float32)
            b = values[positions[b_role]].astype(np.float32)
            total = a + b
            out[i] = np.divide(a - b, total, out=np.zeros_like(total), where=total != 0)
        elif role in positions:
            out[i] = values[positions[role]]
            out[i] *= ratio
        else:
            out[i] = aux[role]
    return out


def normalise(x: np.ndarray, spec: ModelSpec, percentiles: np.ndarray | None = None) -> np.ndarray:
    """The model's input from ``x`` (raw_input's); a percentile stretch overwrites ``x``."""
    norm = spec.normalization
    col = (slice(None), None, None)
    if norm.kind == "scale":
        x = x * np.asarray(norm.scale, np.float32)[col] + np.asarray(norm.offset, np.float32)[col]
    elif norm.kind == "meanstd":
        x = (x - np.asarray(norm.mean, np.float32)[col]) / np.asarray(norm.std, np.float32)[col]
    elif norm.kind == "percentile":
        if percentiles is None:
            raise ValueError("percentile normalisation needs the mosaic's percentiles")
        low, high = percentiles[:, 0][col], percentiles[:, 1][col]
        x = x.astype(np.float32, copy=False)  # float32 (raw_input's): stretched in place, no temporaries
        np.subtract(x, low, out=x)
        np.divide(x, np.maximum(high - low, np.float32(1e-6)), out=x)
        np.clip(x, 0.0, 1.0, out=x)
    return x.astype(np.float32, copy=False)
