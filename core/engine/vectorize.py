"""Probability raster → candidate polygons with attributes (threshold, minimum area, holes,
simplification). Reads only the probability raster (a GeoTIFF or a VRT of chunks), so it reruns
in about a second per 100 km².

Memory stays flat with the extent: the raster is read in windows of ``chunk_px`` square, twice.

1. Outlines. Each window (read with a halo of ``nodata_margin_px`` so the NoData margin equals
   the whole-raster one) is polygonised in *pixel* coordinates, where vertices are exact
   integers and parts from neighbouring windows share exact edges. Parts are 4-connected (GDAL
   only draws those as valid polygons); a union-find joins parts that touch diagonally inside a
   window or touch across a seam (8-connectivity). A component is finished once no part of it
   reaches the last window row read; its parts are unioned, diagonal touches are bridged (see
   ``_bridge``) and the rings normalised, so one window and many give identical polygons.
2. Statistics. A second pass rasterises only the polygons overlapping each window and adds
   integer counts, sums and maxima per polygon: exact and independent of the window order.

The affine transform is applied once, at the end.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import shapely
from affine import Affine
from rasterio import features
from rasterio.windows import Window
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, box, shape

from ..errors import InputError
from ..messages import Message
from . import nodata
from .inference import NODATA, SCALE, read_probability_meta

ID_NAMESPACE = uuid.UUID("6f1c1b0e-8f0e-4d55-9a43-2f9d3c1a7e10")
_GDAL_CACHE_BYTES = 64 * 2**20  # a window of a few bands (2048² px each) with its halo


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
    # Side of the square windows the raster is read in: the working memory (about 150 MB at
    # 2048) depends on it, not on the extent; the result does not depend on it at all.
    chunk_px: int = 2048


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


@dataclass(frozen=True)
class _Source:
    """The bands one vectorisation reads, as 1-based indices of the probability raster."""

    band: int
    date_bands: list[int]  # per date, for dates_detected (the band itself for a single date)
    edge_bands: list[int]  # the dates whose NoData margin masks detections in ``band``
    cut: int  # threshold in raster units: value >= cut is a detection
    height: int
    width: int


def vectorize(prob_path: str | Path, params: VectorizeParams) -> Vectorized:
    if not 0.0 < params.threshold < 1.0:
        raise InputError(f"The threshold {params.threshold} is outside (0, 1).", "Choose e.g. 0.5.")
    if params.nodata_margin_px < 0:
        raise InputError(f"The NoData margin {params.nodata_margin_px} px is negative.",
                         "Give 0 (keep every detection) or a number of pixels such as 16.")
    if params.chunk_px < 1:
        raise InputError(f"The window size {params.chunk_px} px is not positive.", "Give e.g. 2048.")
    meta = read_probability_meta(Path(prob_path))
    names, dates = meta["band_names"], meta["dates"]
    band = _pick_band(names, params.band)
    transform, res = meta["transform"], abs(meta["transform"].a)
    height, width = meta["height"], meta["width"]
    date_bands = [names.index(d) + 1 for d in dates] if len(dates) > 1 else [band]
    src_spec = _Source(band, date_bands, date_bands if band not in date_bands else [band],
                       math.ceil(params.threshold * SCALE - 1e-9), height, width)
    px_area = abs(transform.a * transform.e - transform.b * transform.d)
    # GDAL's block cache defaults to 5 % of RAM and would grow with the extent; windows are read
    # in row order, so a small cache loses little and keeps memory flat. rasterio passes an int
    # on as bytes (not MB), and rasterize works in cache-sized strips, so it must not be tiny.
    try:
        with rasterio.Env(GDAL_CACHEMAX=_GDAL_CACHE_BYTES), rasterio.open(prob_path) as src:
            crs = src.crs
            outlines, near_px = _outlines(src, src_spec, params, px_area, res)
            stats = _zonal_stats(src, src_spec, outlines, params.chunk_px)
    except (rasterio.errors.RasterioError, rasterio.errors.RasterioIOError) as exc:  # truncated: blocks fail
        raise InputError(Message("prob.damaged", name=Path(prob_path).name, detail=str(exc).split(": ")[-1][:120]),
                         Message("prob.damaged.fix")) from exc
    crs_key = crs.to_string()
    coeffs = [transform.a, transform.b, transform.d, transform.e, transform.c, transform.f]
    candidates = []
    for poly_px, (max_p, mean_p, detected, nodata_frac) in zip(outlines, stats):
        minx, miny, maxx, maxy = poly_px.bounds
        poly = affinity.affine_transform(poly_px, coeffs)
        centroid = poly.centroid
        candidates.append(Candidate(poly, {
            "candidate_id": candidate_id(crs_key, centroid.x, centroid.y, res),
            "max_prob": max_p,
            "mean_prob": mean_p,
            "area_m2": float(poly.area),
            "perimeter_m": float(poly.length),
            "nodata_frac": nodata_frac,
            "touches_extent_edge": bool(minx < 0.5 or width - maxx < 0.5 or miny < 0.5 or height - maxy < 0.5),
            "dates_detected": ",".join(d for d, hit in zip(dates, detected) if hit),
        }))
    return Vectorized(candidates, crs.to_wkt(version="WKT1_GDAL"), crs.to_epsg(), names[band - 1], meta,
                      near_nodata_m2=float(near_px) * res * res)


def _spans(size: int, chunk: int) -> list[tuple[int, int]]:
    return [(start, min(start + chunk, size)) for start in range(0, size, chunk)]


def _window_mask(src, spec: _Source, margin: int, rows: tuple[int, int], cols: tuple[int, int]
                 ) -> tuple[np.ndarray | None, int]:
    """Detections in one window (None when there are none) and how many pixels above the
    threshold the NoData margin took away. The halo of ``margin`` pixels makes the margin the
    same as on the whole raster."""
    (r0, r1), (c0, c1) = rows, cols
    hr0, hr1 = max(r0 - margin, 0), min(r1 + margin, spec.height)
    hc0, hc1 = max(c0 - margin, 0), min(c1 + margin, spec.width)
    halo = Window.from_slices((hr0, hr1), (hc0, hc1))
    values = src.read(spec.band, window=halo)
    core = (slice(r0 - hr0, r1 - hr0), slice(c0 - hc0, c1 - hc0))
    above = (values[core] != NODATA) & (values[core] >= spec.cut)
    if not above.any():
        return None, 0
    edge = np.ones(values.shape, bool)
    for b in spec.edge_bands:
        d_nodata = (values if b == spec.band else src.read(b, window=halo)) == NODATA
        edge &= d_nodata | nodata.near(d_nodata, margin)
    edge = edge[core]
    near = int(np.count_nonzero(above & edge))
    above &= ~edge
    return (above if above.any() else None), near


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, a: int) -> int:
        root = a
        while (up := self.parent.get(root, root)) != root:
            root = up
        while a != root:  # path compression
            self.parent[a], a = root, self.parent.get(a, a)
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def link(self, a: np.ndarray, b: np.ndarray) -> None:
        """Join the labels at equal positions of ``a`` and ``b`` where both are parts."""
        both = (a > 0) & (b > 0) & (a != b)
        if both.any():
            for x, y in np.unique(np.stack([a[both], b[both]], axis=1), axis=0):
                self.union(int(x), int(y))

    def link_seam(self, a: np.ndarray, b: np.ndarray) -> None:
        """``a`` and ``b`` are pixel lines on either side of a seam: join 8-neighbours."""
        self.link(a, b)
        self.link(a[:-1], b[1:])
        self.link(a[1:], b[:-1])


def _outlines(src, spec: _Source, params: VectorizeParams, px_area: float, res: float
              ) -> tuple[list[Polygon], int]:
    """Candidate outlines in pixel coordinates (sorted by their first pixel in row order) and
    the number of pixels left out as within the NoData margin."""
    uf = _UnionFind()
    parts: dict[int, Polygon] = {}  # parts of components that may still grow downwards
    next_id = 1
    near_px = 0
    done: list[tuple[tuple[float, float], Polygon]] = []
    prev_bottom = np.zeros(spec.width, np.int64)
    for rows in _spans(spec.height, params.chunk_px):
        top, bottom = np.zeros(spec.width, np.int64), np.zeros(spec.width, np.int64)
        prev_right = None
        for cols in _spans(spec.width, params.chunk_px):
            mask, near = _window_mask(src, spec, params.nodata_margin_px, rows, cols)
            near_px += near
            if mask is None:
                prev_right = None
                continue
            # integer offsets only: exact vertices that neighbouring windows share
            offset = Affine.translation(cols[0], rows[0])
            geoms = [g for g, _ in features.shapes(mask.view(np.uint8), mask=mask, connectivity=4,
                                                     transform=offset)]
            ids = range(next_id, next_id + len(geoms))
            next_id += len(geoms)
            parts.update((i, shape(g)) for i, g in zip(ids, geoms))
            labels = features.rasterize(zip(geoms, ids), out_shape=mask.shape, transform=offset, dtype="int32")
            uf.link(labels[:-1, :-1], labels[1:, 1:])  # diagonal touches inside the window
            uf.link(labels[:-1, 1:], labels[1:, :-1])
            if prev_right is not None:
                uf.link_seam(prev_right, labels[:, 0])
            prev_right = labels[:, -1]
            top[cols[0]:cols[1]], bottom[cols[0]:cols[1]] = labels[0], labels[-1]
        uf.link_seam(prev_bottom, top)
        prev_bottom = bottom
        open_roots = {uf.find(int(i)) for i in np.unique(bottom) if i}
        groups: dict[int, list[int]] = {}
        for i in parts:
            groups.setdefault(uf.find(i), []).append(i)
        for root, members in groups.items():
            if root in open_roots and rows[1] < spec.height:
                continue
            outline = _finish([parts.pop(i) for i in members], params, px_area, res)
            for i in members:
                uf.parent.pop(i, None)
            if outline is not None:
                done.append(outline)
    done.sort(key=lambda item: item[0])
    return [poly for _, poly in done], near_px


def _finish(parts: list[Polygon], params: VectorizeParams, px_area: float, res: float
            ) -> tuple[tuple[float, float], Polygon] | None:
    """One component's parts → its outline (pixel coordinates) after holes, minimum area and
    simplification, with its sort key (the top-left corner of its first pixel in row order)."""
    geom = shapely.union_all(parts)
    if isinstance(geom, MultiPolygon):
        geom = _bridge(list(geom.geoms))
    poly = _normalise(geom)
    xy = np.asarray(poly.exterior.coords)
    top = xy[:, 1].min()
    key = (float(top), float(xy[xy[:, 1] == top, 0].min()))
    if params.fill_holes:
        poly = Polygon(poly.exterior)
    if poly.area * px_area < params.min_area_m2:
        return None
    if params.simplify_m > 0:
        simplified = poly.simplify(params.simplify_m / res, preserve_topology=True)
        if isinstance(simplified, Polygon) and not simplified.is_empty and simplified.is_valid:
            poly = simplified
    return key, poly


def _bridge(pieces: list[Polygon]) -> Polygon:
    """Pieces of one 8-connected component touch only at pixel corners; a single valid Polygon
    cannot touch itself there, so each such corner gets a ½×½ px square centred on it: it adds
    ⅛ px of area and reaches no pixel centre, so the statistics are those of the pixels. (GDAL's
    own 8-connected outlines pinch instead, which is an invalid polygon.)"""
    # Pieces on the pixel grid that share no edge touch exactly where they share a vertex (at a
    # diagonal touch both outlines turn), so the corners are the vertices found in two pieces. A
    # "touches" query of every pair took seconds per component with tens of thousands of vertices
    # (a noisy 100 km² probability map: 59 of a run's 64 s of vectorising).
    xy, owner = shapely.get_coordinates(pieces, return_index=True)
    distinct = np.unique(np.column_stack([np.round(xy, 6), owner]), axis=0)  # each vertex once per piece
    points, count = np.unique(distinct[:, :2], axis=0, return_counts=True)
    corners = points[count > 1]
    merged = shapely.union_all(pieces + [box(x - 0.25, y - 0.25, x + 0.25, y + 0.25) for x, y in corners])
    if isinstance(merged, MultiPolygon):  # cannot happen for an 8-connected component
        raise RuntimeError("bridging diagonal pixel touches left separate polygons")
    return merged


def _normalise(poly: Polygon) -> Polygon:
    """The same rings however the component was cut into windows: no repeated or collinear
    vertices (seams leave them), canonical start vertex, orientation and hole order."""
    rings = [_drop_collinear(np.asarray(ring.coords)) for ring in (poly.exterior, *poly.interiors)]
    return shapely.normalize(Polygon(rings[0], rings[1:]))


def _drop_collinear(xy: np.ndarray) -> np.ndarray:
    xy = xy[:-1]
    xy = xy[np.any(xy != np.roll(xy, 1, axis=0), axis=1)]
    before, after = xy - np.roll(xy, 1, axis=0), np.roll(xy, -1, axis=0) - xy
    # exact: vertices are multiples of a quarter pixel
    return xy[before[:, 0] * after[:, 1] - before[:, 1] * after[:, 0] != 0]


def _zonal_stats(src, spec: _Source, polygons: list[Polygon], chunk: int
                 ) -> list[tuple[float, float, list[bool], float]]:
    """Per polygon: max and mean probability over the pixels whose centres it covers, per date
    whether any of them reaches the threshold, and the NoData fraction of its bounding box ±2 px.
    Integer counts, sums and maxima added up window by window."""
    n = len(polygons)
    if not n:
        return []
    bounds = shapely.bounds(polygons)
    foot = np.stack([np.floor(bounds[:, 1]), np.ceil(bounds[:, 3]),  # r0, r1, c0, c1
                     np.floor(bounds[:, 0]), np.ceil(bounds[:, 2])], axis=1).astype(np.int64)
    boxes = foot + np.array([-2, 2, -2, 2])
    boxes = np.clip(boxes, 0, [spec.height, spec.height, spec.width, spec.width])
    layer = _layers(foot)
    counts, sums = np.zeros(n, np.int64), np.zeros(n, np.int64)
    maxes = np.zeros(n, np.int64)
    hits = np.zeros((len(spec.date_bands), n), np.int64)
    box_nodata = np.zeros(n, np.int64)
    for r0, r1 in _spans(spec.height, chunk):
        in_rows = np.flatnonzero((boxes[:, 0] < r1) & (boxes[:, 1] > r0))
        for c0, c1 in _spans(spec.width, chunk):
            near = in_rows[(boxes[in_rows, 2] < c1) & (boxes[in_rows, 3] > c0)]
            if not near.size:
                continue
            window = Window.from_slices((r0, r1), (c0, c1))
            values = src.read(spec.band, window=window)
            nd = values == NODATA
            if nd.any():  # NoData pixels of the bounding boxes: a summed-area table of the window
                sat = np.zeros((r1 - r0 + 1, c1 - c0 + 1), np.int32)
                np.cumsum(nd, axis=0, out=sat[1:, 1:])  # in place: one int32 window, not three
                np.cumsum(sat[1:, 1:], axis=1, out=sat[1:, 1:])
                b = boxes[near]
                br0, br1 = np.clip(b[:, 0] - r0, 0, r1 - r0), np.clip(b[:, 1] - r0, 0, r1 - r0)
                bc0, bc1 = np.clip(b[:, 2] - c0, 0, c1 - c0), np.clip(b[:, 3] - c0, 0, c1 - c0)
                box_nodata[near] += sat[br1, bc1] - sat[br0, bc1] - sat[br1, bc0] + sat[br0, bc0]
            inside = near[(foot[near, 0] < r1) & (foot[near, 1] > r0) & (foot[near, 2] < c1) & (foot[near, 3] > c0)]
            if not inside.size:
                continue
            dates = [values if b == spec.band else src.read(b, window=window) for b in spec.date_bands]
            offset = Affine.translation(c0, r0)
            for lay in np.unique(layer[inside]):
                ids = inside[layer[inside] == lay]
                labels = features.rasterize(((polygons[i], i + 1) for i in ids), out_shape=values.shape,
                                            transform=offset, dtype="int32").ravel()
                sel = np.flatnonzero(labels)
                if not sel.size:
                    continue
                idx = sel[np.argsort(labels[sel], kind="stable")]
                lab = labels[idx]
                starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
                pid = lab[starts] - 1
                v = values.ravel()[idx]
                valid = v != NODATA
                counts[pid] += np.add.reduceat(valid.astype(np.int64), starts)
                sums[pid] += np.add.reduceat(np.where(valid, v, 0).astype(np.int64), starts)
                maxes[pid] = np.maximum(maxes[pid], np.maximum.reduceat(np.where(valid, v, 0), starts))
                for k, d in enumerate(dates):
                    dv = d.ravel()[idx]
                    hits[k, pid] = np.maximum(hits[k, pid], np.maximum.reduceat(np.where(dv != NODATA, dv, 0), starts))
    area = (boxes[:, 1] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 2])
    return [(float(maxes[i]) / SCALE, float(sums[i] / counts[i] / SCALE) if counts[i] else 0.0,
             [bool(h[i] >= spec.cut) for h in hits], float(box_nodata[i]) / max(int(area[i]), 1))
            for i in range(n)]


def _layers(foot: np.ndarray) -> np.ndarray:
    """Groups of polygons whose pixel footprints do not overlap, so each group rasterises into
    one label raster without a polygon hiding another (an island inside a filled hole, or
    outlines that simplification made overlap): every polygon gets all of its own pixels."""
    # shrunk by a quarter pixel: footprints that only share an edge do not overlap
    boxes = shapely.box(foot[:, 2] + 0.25, foot[:, 0] + 0.25, foot[:, 3] - 0.25, foot[:, 1] - 0.25)
    neighbours: dict[int, list[int]] = {}
    for i, j in zip(*shapely.STRtree(boxes).query(boxes, predicate="intersects")):
        if j < i:
            neighbours.setdefault(int(i), []).append(int(j))
    layer = np.zeros(len(foot), np.int64)
    for i in range(len(foot)):
        taken = {int(layer[j]) for j in neighbours.get(i, ())}
        layer[i] = next(k for k in range(len(taken) + 1) if k not in taken)
    return layer
