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
from shapely.geometry import Polygon, shape

from ..errors import InputError
from . import nodata
from .inference import NODATA, SCALE, read_probability_meta

ID_NAMESPACE = uuid.UUID("6f1c1b0e-8f0e-4d55-9a43-2f9d3c1a7e10")


@dataclass(frozen=True)
class VectorizeParams:
    threshold: float = 0.5
    min_area_m2: float = 900.0
    band: str = "mean"  # "mean", "max", or one date; falls back to the only band of a single date
    fill_holes: bool = True
    simplify_m: float = 0.0  # Douglas-Peucker tolerance; 0 keeps the pixel outline
    # Detections within this many pixels of NoData (in every date that sees them) are left out:
    # there the model saw a scene edge or a masked cloud rather than landscape. 0 keeps them.
    nodata_margin_px: int = 16


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
    near_nodata_m2: float = 0.0  # area above the threshold left out as within the NoData margin


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
    if params.nodata_margin_px < 0:
        raise InputError(f"The NoData margin {params.nodata_margin_px} px is negative.",
                         "Give 0 (keep every detection) or a number of pixels such as 16.")
    meta = read_probability_meta(Path(prob_path))
    names, dates = meta["band_names"], meta["dates"]
    band = _pick_band(names, params.band)
    transform, res = meta["transform"], abs(meta["transform"].a)
    height, width = meta["height"], meta["width"]
    cut = math.ceil(params.threshold * SCALE - 1e-9)
    with rasterio.open(prob_path) as src:
        crs = src.crs
        values = src.read(band)
        date_bands = [names.index(d) + 1 for d in dates] if len(dates) > 1 else [band]
        date_values = [values if b == band else src.read(b) for b in date_bands]
        edge = _edge_zone(values, date_values if band not in date_bands else [values], params.nodata_margin_px)
        mask = (values != NODATA) & (values >= cut)
        near_nodata_m2 = float(np.count_nonzero(mask & edge)) * res * res
        mask &= ~edge
        polygons = []
        for geom, _ in features.shapes(mask.view(np.uint8), mask=mask, connectivity=8, transform=transform):
            poly = shape(geom)
            if params.fill_holes:
                poly = Polygon(poly.exterior)
            if poly.area < params.min_area_m2:
                continue
            if params.simplify_m > 0:
                simplified = poly.simplify(params.simplify_m, preserve_topology=True)
                if isinstance(simplified, Polygon) and not simplified.is_empty:
                    poly = simplified
            polygons.append(poly)
    stats = _zonal_stats(polygons, values, date_values, transform, cut)
    nodata_sat = np.pad((values == NODATA).astype(np.int32), ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    crs_key = crs.to_string()
    candidates = []
    for i, poly in enumerate(polygons):
        max_p, mean_p, detected = stats[i]
        minx, miny, maxx, maxy = poly.bounds
        c0 = max(math.floor((minx - transform.c) / res + 1e-9) - 2, 0)
        c1 = min(math.ceil((maxx - transform.c) / res - 1e-9) + 2, width)
        r0 = max(math.floor((transform.f - maxy) / res + 1e-9) - 2, 0)
        r1 = min(math.ceil((transform.f - miny) / res - 1e-9) + 2, height)
        box_nodata = nodata_sat[r1, c1] - nodata_sat[r0, c1] - nodata_sat[r1, c0] + nodata_sat[r0, c0]
        edge = (minx - transform.c < res * 0.5 or transform.c + width * res - maxx < res * 0.5
                or transform.f - maxy < res * 0.5 or miny - (transform.f - height * res) < res * 0.5)
        centroid = poly.centroid
        candidates.append(Candidate(poly, {
            "candidate_id": candidate_id(crs_key, centroid.x, centroid.y, res),
            "max_prob": max_p,
            "mean_prob": mean_p,
            "area_m2": float(poly.area),
            "perimeter_m": float(poly.length),
            "nodata_frac": float(box_nodata) / max((r1 - r0) * (c1 - c0), 1),
            "touches_extent_edge": bool(edge),
            "dates_detected": ",".join(d for d, hit in zip(dates, detected) if hit),
        }))
    return Vectorized(candidates, crs.to_wkt(version="WKT1_GDAL"), crs.to_epsg(), names[band - 1], meta,
                      near_nodata_m2=near_nodata_m2)


def _edge_zone(values: np.ndarray, date_values: list[np.ndarray], margin: int) -> np.ndarray:
    """Pixels of ``values`` whose prediction no date made away from NoData: within ``margin`` of
    NoData (or NoData) in every date band behind them."""
    edge = np.ones(values.shape, bool)
    for d in date_values:
        d_nodata = d == NODATA
        edge &= d_nodata | nodata.near(d_nodata, margin)
    return edge & (values != NODATA)


def _zonal_stats(polygons, values, date_values, transform, cut) -> list[tuple[float, float, list[bool]]]:
    """Max and mean probability, and per date whether any pixel reaches the threshold, for every
    polygon at once: one label raster and sorted reductions (no per-polygon rasterising)."""
    if not polygons:
        return []
    labels = features.rasterize(((p, i + 1) for i, p in enumerate(polygons)), out_shape=values.shape,
                                transform=transform, dtype="int32")
    flat = labels.ravel()
    sel = np.flatnonzero(flat)
    order = np.argsort(flat[sel], kind="stable")
    idx = sel[order]
    lab = flat[idx]
    starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
    ids = lab[starts] - 1
    v = values.ravel()[idx]
    valid = v != NODATA
    counts = np.add.reduceat(valid.astype(np.int64), starts)
    sums = np.add.reduceat(np.where(valid, v, 0).astype(np.int64), starts)
    maxes = np.maximum.reduceat(np.where(valid, v, 0), starts)
    hits = [np.maximum.reduceat(np.where(d.ravel()[idx] != NODATA, d.ravel()[idx], 0), starts) >= cut
            for d in date_values]
    out: list[tuple[float, float, list[bool]]] = [(0.0, 0.0, [False] * len(date_values))] * len(polygons)
    for k, pid in enumerate(ids):
        mean = sums[k] / counts[k] / SCALE if counts[k] else 0.0
        out[pid] = (float(maxes[k]) / SCALE, float(mean), [bool(h[k]) for h in hits])
    return out
