"""Time-lapse thumbnails: the same window around a candidate in every year, with ONE contrast
stretch shared by all years (so a change between thumbnails is real, not a stretch artefact)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.warp import transform_bounds, transform_geom
from rasterio.windows import from_bounds
from shapely.geometry import mapping, shape

from ..engine.bands import default_band_map
from ..engine.values import roles_from_colorinterp


@dataclass
class Thumbnail:
    date: str
    rgb: np.ndarray | None  # H×W×3 uint8, None when the mosaic does not cover the window
    outline: list[list[tuple[float, float]]]  # rings in thumbnail pixel coordinates
    valid_share: float
    date_outline: list[list[tuple[float, float]]] | None = None  # that date's own detection, where given


def _rgb_bands(src, band_map: dict[str, int] | None = None) -> list[int]:
    """Red, green and blue of a mosaic: the band mapping a run used for it (a Sentinel-2 stack in
    R,G,B,N order), else its colour interpretation, else the default order for its band count
    (PlanetScope's B,G,R,N); one band shown grey."""
    roles = {**roles_from_colorinterp([c.name for c in src.colorinterp], src.count), **(band_map or {})}
    if {"red", "green", "blue"} <= roles.keys() and all(1 <= roles[r] <= src.count for r in ("red", "green", "blue")):
        return [roles["red"], roles["green"], roles["blue"]]
    roles = default_band_map(src.count)
    if {"red", "green", "blue"} <= roles.keys():
        return [roles["red"], roles["green"], roles["blue"]]
    return [1, 1, 1]


def _resampling(window, size: int, sharp: bool) -> Resampling:
    if not sharp:
        return Resampling.bilinear
    return Resampling.nearest if max(window.width, window.height) < size else Resampling.average


def window_bounds(geometry, margin: float = 0.6) -> tuple[float, float, float, float]:
    """The square window shown around a candidate: its bounding box widened by ``margin`` of its
    size on every side (at least 30 m across)."""
    minx, miny, maxx, maxy = geometry.bounds
    half = max(maxx - minx, maxy - miny, 30.0) * (0.5 + margin)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return cx - half, cy - half, cx + half, cy + half


def _rings(geom, geom_crs, src_crs, bounds, size: int, holes: bool) -> list[list[tuple[float, float]]]:
    """``geom`` (in ``geom_crs``) in the pixel coordinates of a thumbnail of ``bounds`` (``src_crs``)."""
    geom = shape(transform_geom(geom_crs, src_crs, mapping(geom))) if src_crs != geom_crs else geom
    sx, sy = size / (bounds[2] - bounds[0]), size / (bounds[3] - bounds[1])
    rings = []
    for poly in getattr(geom, "geoms", [geom]):
        for ring in (poly.exterior, *(poly.interiors if holes else ())):
            rings.append([((x - bounds[0]) * sx, (bounds[3] - y) * sy) for x, y in ring.coords])
    return rings


def timelapse(mosaics: list[tuple[str, str]], geometry, crs: str, size: int = 160,
              margin: float = 0.6, low: float = 2, high: float = 98, sharp: bool = False,
              band_maps: dict[str, dict[str, int]] | None = None,
              date_outlines: dict[str, Any] | None = None) -> list[Thumbnail]:
    """One thumbnail per (path, date); the window is the candidate's bounding box widened by
    ``margin`` of its size on every side, made square. ``sharp`` (the enlarged view): each
    imagery pixel shown as a crisp square when the window has fewer pixels than ``size``, and
    averaged, not skipped, when it has more; the imagery is read again at ``size`` either way.
    ``band_maps``: resolved path → the band roles a run used for that mosaic. ``date_outlines``:
    date label → that date's own outline (core.change, in ``crs``), placed on its thumbnail."""
    geom_crs = CRS.from_user_input(crs)  # WKT or "EPSG:…"
    box = window_bounds(geometry, margin)
    stack, masks, outlines, own = [], [], [], []
    for path, date in mosaics:
        with rasterio.open(path) as src:
            bounds = transform_bounds(geom_crs, src.crs, *box) if src.crs != geom_crs else box
            window = from_bounds(*bounds, transform=src.transform)
            bands = _rgb_bands(src, (band_maps or {}).get(str(Path(path).resolve())))
            data = src.read(bands, window=window, out_shape=(3, size, size), boundless=True, fill_value=0,
                            resampling=_resampling(window, size, sharp)).astype(np.float32)
            valid = src.read_masks(bands[0], window=window, out_shape=(size, size), boundless=True,
                                   resampling=Resampling.nearest) > 0
            outlines.append(_rings(geometry, geom_crs, src.crs, bounds, size, holes=False))
            dated = (date_outlines or {}).get(date or Path(path).stem)
            own.append(_rings(dated, geom_crs, src.crs, bounds, size, holes=True) if dated is not None else None)
        stack.append(data)
        masks.append(valid)
    pooled = np.concatenate([d[:, m] for d, m in zip(stack, masks)], axis=1) if any(m.any() for m in masks) \
        else np.zeros((3, 1), np.float32)
    lo = np.percentile(pooled, low, axis=1)[:, None, None] if pooled.shape[1] > 1 else np.zeros((3, 1, 1))
    hi = np.percentile(pooled, high, axis=1)[:, None, None] if pooled.shape[1] > 1 else np.ones((3, 1, 1))
    lo, hi = lo.min(), hi.max()  # one stretch for R, G and B too: colours keep their balance
    out = []
    for (path, date), data, valid, outline, dated in zip(mosaics, stack, masks, outlines, own):
        share = float(valid.mean())
        if share == 0:
            out.append(Thumbnail(date or Path(path).stem, None, outline, 0.0, dated))
            continue
        rgb = np.clip((data - lo) / max(hi - lo, 1e-6), 0, 1)
        rgb[:, ~valid] = 0
        out.append(Thumbnail(date or Path(path).stem, (rgb * 255).astype(np.uint8).transpose(1, 2, 0).copy(),
                             outline, share, dated))
    return out
