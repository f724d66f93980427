"""What a mosaic's metadata and values say about it, beyond its data type: band roles from GDAL's
colour interpretation, the value domain of float rasters from a sample of their values, and
plain-language warnings when the values do not look like what the domain promises.

A sample is a 3×3 grid of 64-pixel windows: a few blocks read, whatever the mosaic's size.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from rasterio.errors import NodataShadowWarning
from rasterio.windows import Window

from ..messages import Message
from .bands import default_band_map

SAMPLE_GRID = 3
SAMPLE_SIZE = 64
VISIBLE = ("blue", "green", "red")


@dataclass(frozen=True)
class ValueSample:
    pixels: int  # valid pixels in the sample
    median: tuple[float, ...]  # per band, over the valid sampled pixels (nan without any)
    maximum: tuple[float, ...]
    binary: tuple[int, ...]  # 1-based bands whose sampled values are only 0 and 1


def sample_values(src) -> ValueSample:
    """Per-band statistics of a small grid of windows of an open rasterio dataset."""
    if src.count > 16:
        return ValueSample(0, (), (), ())
    size = min(SAMPLE_SIZE, src.width), min(SAMPLE_SIZE, src.height)
    parts, masks = [], []
    with warnings.catch_warnings():  # a nodata value beside an alpha band: either mask will do here
        warnings.simplefilter("ignore", NodataShadowWarning)
        _read_grid(src, size, parts, masks)
    values, valid = np.concatenate(parts, axis=1), np.concatenate(masks)
    if not valid.any():
        return ValueSample(0, (np.nan,) * src.count, (np.nan,) * src.count, ())
    good = values[:, valid]
    binary = tuple(b + 1 for b in range(src.count)
                   if good.shape[1] >= 100 and np.isin(np.unique(good[b]), (0.0, 1.0)).all())
    return ValueSample(int(valid.sum()), tuple(float(v) for v in np.median(good, axis=1)),
                       tuple(float(v) for v in good.max(axis=1)), binary)


def _read_grid(src, size: tuple[int, int], parts: list, masks: list) -> None:
    for i in range(SAMPLE_GRID):
        for j in range(SAMPLE_GRID):
            col = (src.width - size[0]) * j // max(SAMPLE_GRID - 1, 1)
            row = (src.height - size[1]) * i // max(SAMPLE_GRID - 1, 1)
            window = Window(col, row, size[0], size[1])
            data = src.read(window=window).astype(np.float64)
            valid = np.all(src.read_masks(window=window) > 0, axis=0) & np.all(np.isfinite(data), axis=0)
            parts.append(data.reshape(src.count, -1))
            masks.append(valid.ravel())


def roles_from_colorinterp(colorinterp: list[str], count: int) -> dict[str, int]:
    """Band roles for a raster: its colour interpretation where that names red, green and blue,
    else the default order for its band count (PlanetScope's B,G,R,N for four bands)."""
    default = default_band_map(count)
    named = {name: i + 1 for i, name in enumerate(colorinterp) if name in VISIBLE}
    if len(named) < 3:
        return default
    alpha = {i + 1 for i, name in enumerate(colorinterp) if name == "alpha"}
    if all(default.get(role) == band for role, band in named.items()):
        return {role: band for role, band in default.items() if band not in alpha}
    roles = dict(named)
    rest = [i + 1 for i, name in enumerate(colorinterp) if name not in (*VISIBLE, "alpha")]
    if count == 4 and len(rest) == 1:  # R,G,B plus one unnamed band: by convention the NIR
        roles["nir"] = rest[0]
    return roles


def value_warnings(sample: ValueSample, domain: str, dtype: str, name: str) -> list[Message]:
    """Plain-language doubts about a mosaic's values (empty when they look as expected)."""
    if sample.pixels == 0:
        return []
    out = []
    top = max(sample.maximum) if sample.maximum else 0.0
    # a band whose typical pixel is brighter than full reflectance is not reflectance ×10 000
    brightest = max(range(len(sample.median)), key=lambda b: sample.median[b]) if sample.median else 0
    if domain == "sr16" and sample.median and sample.median[brightest] > 10000:
        out.append(Message("values.raw_counts", name=name, band=brightest + 1, median=sample.median[brightest]))
    if domain == "sr16" and dtype in ("uint16", "int16") and top <= 255:
        out.append(Message("values.8bit_in_16", name=name))
    if domain == "reflectance" and top > 1.5:
        out.append(Message("values.not_reflectance", name=name, top=top))
    return out


def mask_band_warning(name: str, band: int, role: str) -> Message:
    """Said only when a model reads that band (fit.fit_findings): an unused mask band is harmless."""
    return Message("values.mask_band", name=name, band=band, role=role)
