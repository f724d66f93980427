"""Probability raster → candidate polygons with attributes (threshold, minimum area, holes,
simplification). Reads only the probability GeoTIFF, so it reruns in about a second."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio import features
from rasterio.windows import Window
from shapely.geometry import Polygon, shape

from .errors import InputError
from .inference import NODATA, SCALE, read_probability_meta

ID_NAMESPACE = uuid.UUID("6f1c1b0e-8f0e-4d55-9a43-2f9d3c1a7e10")


@dataclass(frozen=True)
class VectorizeParams:
    threshold: float = 0.5
    min_area_m2: float = 900.0
    band: str = "mean"  # "mean", "max", or one date; falls back to the only band of a single date
    fill_holes: bool = True
    simplify_m: float = 0.0  # Douglas-Peucker tolerance; 0 keeps the pixel outline


@dataclass
class Candidate:
    geometry: Polygon
    attributes: dict


@dataclass
class Vectorized:
    candidates: list[Candidate]
    crs_wkt: str
    epsg: int | None
    band: str
    meta: dict


def _pick_band(names: list[str], wanted: str) -> int:
    if wanted in names:
        return names.index(wanted) + 1
    if len(names) == 1:
        return 1
    raise InputError(f"The probability raster has no band '{wanted}' (it has {', '.join(names)}).",
                     "Choose mean, max or one of its dates.")


def candidate_id(epsg_or_wkt: str, x: float, y: float, res: float) -> str:
    """Stable for the same slump position: re-vectorising the same run gives the same ids."""
    return str(uuid.uuid5(ID_NAMESPACE, f"{epsg_or_wkt}|{round(x / res)}|{round(y / res)}"))


def vectorize(prob_path: str | Path, params: VectorizeParams) -> Vectorized:
    if not 0.0 < params.threshold < 1.0:
        raise InputError(f"The threshold {params.threshold} is outside (0, 1).", "Choose e.g. 0.5.")
    meta = read_probability_meta(Path(prob_path))
    names, dates = meta["band_names"], meta["dates"]
    band = _pick_band(names, params.band)
    transform, res = meta["transform"], abs(meta["transform"].a)
    height, width = meta["height"], meta["width"]
    cut = math.ceil(params.threshold * SCALE - 1e-9)
    with rasterio.open(prob_path) as src:
        values = src.read(band)
        mask = (values != NODATA) & (values >= cut)
        polygons = [shape(g) for g, _ in features.shapes(mask.view(np.uint8), mask=mask, connectivity=8,
                                                         transform=transform)]
        crs = src.crs
        date_bands = [names.index(d) + 1 for d in dates] if len(dates) > 1 else [band]
        crs_key = crs.to_string()
        candidates = []
        for poly in polygons:
            if params.fill_holes:
                poly = Polygon(poly.exterior)
            if poly.area < params.min_area_m2:
                continue
            if params.simplify_m > 0:
                simplified = poly.simplify(params.simplify_m, preserve_topology=True)
                if isinstance(simplified, Polygon) and not simplified.is_empty:
                    poly = simplified
            candidates.append(_describe(poly, src, values, band, date_bands, dates, transform, res,
                                        width, height, cut, crs_key))
    epsg = crs.to_epsg()
    return Vectorized(candidates, crs.to_wkt(version="WKT1_GDAL"), epsg, names[band - 1], meta)


def _describe(poly, src, values, band, date_bands, dates, transform, res, width, height, cut, crs_key):
    minx, miny, maxx, maxy = poly.bounds
    c0 = max(math.floor((minx - transform.c) / res) - 2, 0)
    c1 = min(math.ceil((maxx - transform.c) / res) + 2, width)
    r0 = max(math.floor((transform.f - maxy) / res) - 2, 0)
    r1 = min(math.ceil((transform.f - miny) / res) + 2, height)
    win_transform = rasterio.windows.transform(Window(c0, r0, c1 - c0, r1 - r0), transform)
    shape_ = (r1 - r0, c1 - c0)
    inside = features.rasterize([(poly, 1)], out_shape=shape_, transform=win_transform, dtype="uint8") > 0
    ring = features.rasterize([(poly.buffer(2 * res), 1)], out_shape=shape_, transform=win_transform,
                              dtype="uint8") > 0
    crop = values[r0:r1, c0:c1]
    probs = crop[inside & (crop != NODATA)].astype(np.float64) / SCALE
    detected = []
    for b, date in zip(date_bands, dates):
        crop_d = src.read(b, window=Window(c0, r0, c1 - c0, r1 - r0)) if len(date_bands) > 1 else crop
        sel = crop_d[inside]
        if np.any((sel != NODATA) & (sel >= cut)):
            detected.append(date)
    centroid = poly.centroid
    edge = (minx - transform.c < res * 0.5 or transform.c + width * res - maxx < res * 0.5
            or transform.f - maxy < res * 0.5 or miny - (transform.f - height * res) < res * 0.5)
    attrs = {
        "candidate_id": candidate_id(crs_key, centroid.x, centroid.y, res),
        "max_prob": float(probs.max()) if probs.size else 0.0,
        "mean_prob": float(probs.mean()) if probs.size else 0.0,
        "area_m2": float(poly.area),
        "perimeter_m": float(poly.length),
        "nodata_frac": float((crop[ring] == NODATA).mean()) if ring.any() else 0.0,
        "touches_extent_edge": bool(edge),
        "dates_detected": ",".join(detected),
    }
    return Candidate(poly, attrs)
