"""Accuracy of detected slumps against reference outlines: pixel and object measures.

Object matching follows the seed papers: one-to-one matching at IoU >= 0.5 (Huang et al. 2020)
and any-overlap matching (Zeng et al. 2026). Pixel measures follow Nitze et al. 2021.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from shapely.strtree import STRtree


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def pixel_metrics(pred: np.ndarray, ref: np.ndarray, valid: np.ndarray | None = None) -> dict:
    """IoU, precision, recall and F1 of two boolean masks over the valid pixels."""
    valid = np.ones(pred.shape, bool) if valid is None else valid
    p, r = pred.astype(bool) & valid, ref.astype(bool) & valid
    tp = int((p & r).sum())
    fp = int((p & ~r).sum())
    fn = int((~p & r).sum())
    precision, recall, f1 = _prf(tp, fp, fn)
    return {"pixel_iou": tp / (tp + fp + fn) if tp + fp + fn else 0.0, "pixel_precision": precision,
            "pixel_recall": recall, "pixel_f1": f1, "tp": tp, "fp": fp, "fn": fn}


def iou(a, b) -> float:
    inter = a.intersection(b).area
    union = a.area + b.area - inter
    return inter / union if union else 0.0


def object_metrics(pred: list, ref: list, min_iou: float = 0.5) -> dict:
    """Object precision/recall/F1: one-to-one greedy matching by decreasing IoU >= ``min_iou``,
    and any-overlap matching (a prediction touching a reference is right, a reference touched by
    a prediction is found)."""
    pairs = []
    if pred and ref:
        tree = STRtree(ref)
        for i, p in enumerate(pred):
            for j in tree.query(p):
                value = iou(p, ref[j])
                if value >= min_iou:
                    pairs.append((value, i, int(j)))
    used_p, used_r = set(), set()
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_p and j not in used_r:
            used_p.add(i)
            used_r.add(j)
    tp = len(used_p)
    precision, recall, f1 = _prf(tp, len(pred) - tp, len(ref) - tp)
    hit_p = hit_r = 0
    if pred and ref:
        tree = STRtree(ref)
        hit_p = sum(1 for p in pred if any(ref[j].intersects(p) for j in tree.query(p)))
        ptree = STRtree(pred)
        hit_r = sum(1 for r in ref if any(pred[i].intersects(r) for i in ptree.query(r)))
    any_p = hit_p / len(pred) if pred else 0.0
    any_r = hit_r / len(ref) if ref else 0.0
    any_f1 = 2 * any_p * any_r / (any_p + any_r) if any_p + any_r else 0.0
    return {"object_precision": precision, "object_recall": recall, "object_f1": f1,
            "anyoverlap_precision": any_p, "anyoverlap_recall": any_r, "anyoverlap_f1": any_f1,
            "matched": tp, "predicted": len(pred), "reference": len(ref)}


POLYGONAL = {"POLYGON", "MULTIPOLYGON", "CURVEPOLYGON", "MULTISURFACE", "SURFACE", "GEOMETRY",
             "GEOMETRYCOLLECTION"}


def read_outlines(path, layer: str | None = None, where_status: str | None = None, role: str = "ref"):
    """Polygons and CRS WKT of outlines in a GeoPackage (:func:`read_polygons`), or in any vector
    file OGR reads (a shapefile, GeoJSON), as mark-known and export-chips take them."""
    from shapely.geometry import MultiPolygon

    from ..store.inventory_file import read_inventory

    if Path(path).suffix.lower() == ".gpkg":
        return read_polygons(path, layer, where_status, role)
    inventory = read_inventory(path, layer)  # refuses a file of points or lines: "holds no polygon"
    polys = []
    for item in inventory.polygons:
        polys.extend(item.geometry.geoms if isinstance(item.geometry, MultiPolygon) else [item.geometry])
    return polys, inventory.crs


def read_polygons(gpkg, layer: str | None = None, where_status: str | None = None, role: str = ""):
    """Polygons of a GeoPackage feature layer (the first one when ``layer`` is None) and its CRS WKT.
    ``where_status`` keeps only rows with that review status (e.g. 'accepted') when the layer has one.
    A layer of points or lines is refused (it would score 0 without a word)."""
    from shapely.geometry import MultiPolygon, Polygon

    from ..errors import InputError
    from ..messages import Message
    from ..store.gpkg import connect, decode_geometry, table_srs

    conn = connect(gpkg, create=False)
    try:
        tables = [r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents WHERE data_type='features'")]
        if not tables:
            raise InputError(f"{gpkg} has no feature layer.", "Give a GeoPackage with polygons.")
        name = layer or ("candidates" if "candidates" in tables else tables[0])
        if name not in tables:
            raise InputError(f"{gpkg} has no layer '{name}' (it has {', '.join(tables)}).", "Choose one of those.")
        column, kind = conn.execute("SELECT column_name, geometry_type_name FROM gpkg_geometry_columns "
                                    "WHERE table_name=?", (name,)).fetchone()
        if role and str(kind).upper() not in POLYGONAL:
            raise InputError(Message("evaluate.not_polygons", role=Message(f"evaluate.role.{role}"),
                                     name=f"{Path(gpkg).name}|{name}", kind=str(kind).upper()),
                             Message("evaluate.not_polygons.fix"))
        cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')]
        sql = f'SELECT "{column}" FROM "{name}"'
        params: tuple = ()
        if where_status and "status" in cols:
            sql += " WHERE status = ?"
            params = (where_status,)
        polys = []
        for (blob,) in conn.execute(sql, params):
            if blob is None:
                continue
            g = decode_geometry(blob)
            if isinstance(g, MultiPolygon):
                polys.extend(g.geoms)
            elif isinstance(g, Polygon) and not g.is_empty:
                polys.append(g)
        return polys, table_srs(conn, name)[1]
    finally:
        conn.close()


def evaluate_layers(pred: list, ref: list, area=None, min_iou: float = 0.5, pixel_size: float = 3.0) -> dict:
    """Object (IoU ≥ ``min_iou`` and any-overlap) and pixel measures over ``area`` (a polygon; by
    default the bounding box of both sets). All geometries in one projected CRS (metres)."""

    from shapely.geometry import box

    if area is not None:
        pred = [p for p in pred if p.intersects(area)]
        ref = [r for r in ref if r.intersects(area)]
    out = object_metrics(pred, ref, min_iou)
    region = area if area is not None else (box(*_bounds(pred + ref)) if pred or ref else None)
    if region is None:
        return {**out, "pixel_iou": 0.0, "pixel_precision": 0.0, "pixel_recall": 0.0, "pixel_f1": 0.0}
    pix = _pixel_counts(pred, ref, region, pixel_size)
    return {**out, **{k: pix[k] for k in ("pixel_iou", "pixel_precision", "pixel_recall", "pixel_f1")}}


def _pixel_counts(pred: list, ref: list, region, pixel_size: float) -> dict:
    """pixel_metrics over ``region`` on a grid of ``pixel_size`` from its top-left corner, burnt
    only in windows around clusters of polygons: a pixel outside every polygon counts in none of
    the measures, so the result equals burning the whole region, while memory follows the
    polygons, not the distance between them (two 1 ha squares 20 km apart burnt 360 MB, a
    reference in a distant CRS asked for 364 GiB)."""
    import math

    from rasterio import features
    from rasterio.transform import from_origin
    from shapely.geometry import box
    from shapely.ops import unary_union

    minx, _, _, maxy = region.bounds
    width = max(1, math.ceil((region.bounds[2] - minx) / pixel_size))
    height = max(1, math.ceil((maxy - region.bounds[1]) / pixel_size))

    def window(b) -> tuple[int, int, int, int]:  # col0, row0, col1, row1 on the region's grid, clipped
        return (max(0, math.floor((b[0] - minx) / pixel_size)), max(0, math.floor((maxy - b[3]) / pixel_size)),
                min(width, math.ceil((b[2] - minx) / pixel_size)), min(height, math.ceil((maxy - b[1]) / pixel_size)))

    boxes = [box(*window(g.bounds)) for g in pred + ref if not g.is_empty]
    boxes = [b for b in boxes if b.area > 0]
    while True:  # windows whose boxes touch become one, until no two windows overlap
        merged = unary_union(boxes) if boxes else None
        parts = [] if merged is None else [box(*p.bounds) for p in getattr(merged, "geoms", [merged])]
        if len(parts) == len(boxes):
            break
        boxes = parts
    tp = fp = fn = 0
    for part in parts:
        c0, r0, c1, r1 = (int(v) for v in part.bounds)
        shape_hw = (r1 - r0, c1 - c0)
        transform = from_origin(minx + c0 * pixel_size, maxy - r0 * pixel_size, pixel_size, pixel_size)
        clip = box(minx + c0 * pixel_size, maxy - r1 * pixel_size, minx + c1 * pixel_size, maxy - r0 * pixel_size)

        def burn(polys, clip=clip, shape_hw=shape_hw, transform=transform) -> np.ndarray:
            polys = [p for p in polys if p.intersects(clip)]
            if not polys:
                return np.zeros(shape_hw, bool)
            return features.rasterize([(p, 1) for p in polys], out_shape=shape_hw, transform=transform) > 0

        counts = pixel_metrics(burn(pred), burn(ref), burn([region]))
        tp, fp, fn = tp + counts["tp"], fp + counts["fp"], fn + counts["fn"]
    precision, recall, f1 = _prf(tp, fp, fn)
    return {"pixel_iou": tp / (tp + fp + fn) if tp + fp + fn else 0.0, "pixel_precision": precision,
            "pixel_recall": recall, "pixel_f1": f1, "tp": tp, "fp": fp, "fn": fn}


def _bounds(geoms) -> tuple[float, float, float, float]:
    b = np.array([g.bounds for g in geoms])
    return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())


def size_breakdown(pred: list, ref: list, edges_ha=(0.1, 1.0, 5.0), min_iou: float = 0.5) -> list[dict]:
    """Object recall by reference slump size (ha) — small slumps are where models fail first."""
    rows = []
    bounds = [0.0, *edges_ha, float("inf")]
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        subset = [r for r in ref if lo <= r.area / 1e4 < hi]
        m = object_metrics(pred, subset, min_iou) if subset else {"object_recall": 0.0, "matched": 0}
        rows.append({"size_ha": f"{lo:g}-{hi:g}" if hi != float("inf") else f">={lo:g}", "reference": len(subset),
                     "matched": m["matched"], "object_recall": m["object_recall"],
                     "anyoverlap_recall": m.get("anyoverlap_recall", 0.0)})
    return rows


def evaluate_files(pred_gpkg, ref_gpkg, area_gpkg=None, min_iou: float = 0.5, pixel_size: float = 3.0,
                   status: str | None = None, pred_layer: str | None = None, ref_layer: str | None = None) -> dict:
    """evaluate_layers on GeoPackages: predictions reprojected to the reference's CRS, an optional
    area polygon layer, and the breakdown by size under 'by_size'."""
    from rasterio.crs import CRS
    from rasterio.warp import transform_geom
    from shapely.geometry import mapping, shape
    from shapely.ops import unary_union

    from ..errors import InputError

    pred, pred_crs = read_polygons(pred_gpkg, pred_layer, status, role="pred")
    ref, ref_crs = read_outlines(ref_gpkg, ref_layer, role="ref")
    if CRS.from_wkt(ref_crs).is_geographic:
        raise InputError("The reference layer is in a geographic CRS; areas and IoU need metres.",
                         "Reproject it to a projected CRS (e.g. UTM or EPSG:3413) first.")

    def to_ref(polys, wkt):
        src, dst = CRS.from_wkt(wkt), CRS.from_wkt(ref_crs)
        return polys if src == dst else [shape(transform_geom(src, dst, mapping(p))) for p in polys]

    area = None
    if area_gpkg:
        area_polys, area_crs = read_polygons(area_gpkg)
        area = unary_union(to_ref(area_polys, area_crs))
    pred = to_ref(pred, pred_crs)
    result = evaluate_layers(pred, ref, area, min_iou, pixel_size)
    result["by_size"] = size_breakdown(pred, ref, min_iou=min_iou)
    result["warnings"] = []
    if pred and ref:
        from shapely.geometry import box

        from ..messages import Message

        a, b = box(*_bounds(pred)), box(*_bounds(ref))
        if not a.intersects(b):  # scores of 0 that say nothing about the model: another place or CRS
            result["warnings"].append(Message("evaluate.apart", km=a.distance(b) / 1000))
    return result
