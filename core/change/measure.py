"""Per-date measures of each candidate from a run's per-date probability bands.

A candidate's footprint is the union of every date's detections that touch its outline (so growth
beyond the first outline counts), within a window around it. On each date the area is the part of
the footprint above the threshold, read only where that date saw the ground: a date whose NoData
(scene edge, masked cloud or snow, no coverage) hides more than MAX_HIDDEN of the footprint is
"not observed", never an area of 0. Only a window per candidate is read, so memory follows the
candidate and the number of dates, not the extent of the run.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import rasterio
from rasterio import features
from rasterio.windows import Window, from_bounds
from shapely.geometry import MultiPolygon, Polygon, box, shape
from shapely.ops import unary_union

from ..engine.inference import read_probability_meta
from ..engine.pipeline import NODATA, SCALE
from ..errors import InputError
from ..messages import Message
from ..progress import CancelToken, Progress, ProgressCallback
from .growth import Growth, decimal_year, summarise

# Per-pixel area threshold. The detection threshold (0.6 for the starter) is set for fewer false
# candidates, and the model's outlines sit inside the slump's edge: on all four hand-labelled math76
# sites the median per-date area was 14-27 % below the hand-drawn one at 0.5, 1-19 % at 0.4, with the
# growth rates unchanged (scripts/bench_change.py; the synthetic demo's outlines sit inside too).
AREA_THRESHOLD = 0.4
MAX_HIDDEN = 0.1  # a date that hides more of the footprint than this is not observed
MIN_MARGIN_M = 60.0  # how far beyond a candidate its slump may have grown (at least)


@dataclass
class DateMeasure:
    date: str
    observed: bool
    area_m2: float | None  # None where not observed
    mean_prob: float | None
    hidden_frac: float  # the share of the footprint without data on that date
    outline: Polygon | MultiPolygon | None  # that date's detections inside the footprint (raster CRS)


@dataclass
class SlumpChange:
    candidate_id: str
    dates: list[DateMeasure]
    growth: Growth
    footprint: Polygon | MultiPolygon | None = None


@dataclass
class ChangeResult:
    dates: list[str]  # in time order
    threshold: float
    changes: list[SlumpChange] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)  # candidates the raster does not cover


def date_bands(meta: dict, path: Path) -> list[tuple[str, int]]:
    """(date, 1-based band) of every date band, in time order; refuses a raster that cannot show
    change: one date only, or dates that name no day, month or year."""
    dates, names = meta["dates"], meta["band_names"]
    if len(dates) < 2:
        raise InputError(Message("change.one_date", name=path.name, date=dates[0] if dates else "?"),
                         Message("change.one_date.fix"))
    undated = [d for d in dates if decimal_year(d) is None]
    if undated:
        raise InputError(Message("change.no_dates", name=path.name, labels=", ".join(undated[:3])),
                         Message("change.no_dates.fix"))
    pairs = [(d, names.index(d) + 1) for d in dates if d in names]
    return sorted(pairs, key=lambda p: (decimal_year(p[0]), p[0]))


def measure_change(prob_path: str | Path, targets: list[tuple[str, Polygon | MultiPolygon]],
                   threshold: float = AREA_THRESHOLD, min_area_m2: float = 0.0,
                   progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> ChangeResult:
    """Measure every (candidate id, outline in the raster's CRS) of ``targets``."""
    if not 0.0 < threshold < 1.0:
        raise InputError(Message("change.threshold", value=threshold), Message("change.threshold.fix"))
    path = Path(prob_path)
    meta = read_probability_meta(path)
    bands = date_bands(meta, path)
    cut = math.ceil(threshold * SCALE - 1e-9)
    result = ChangeResult([d for d, _ in bands], threshold)
    start = time.monotonic()
    try:
        with rasterio.open(path) as src:
            px_area = abs(src.transform.a * src.transform.e - src.transform.b * src.transform.d)
            whole = box(*src.bounds)
            for n, (cid, geom) in enumerate(targets, start=1):
                if cancel is not None:
                    cancel.check("Measuring change")
                if geom is None or geom.is_empty or not geom.intersects(whole):
                    result.outside.append(cid)
                else:
                    result.changes.append(_measure_one(src, cid, geom, bands, cut, px_area, min_area_m2))
                if progress is not None:
                    progress(Progress(n, len(targets), "change", time.monotonic() - start))
    except (rasterio.errors.RasterioError, rasterio.errors.RasterioIOError) as exc:
        raise InputError(Message("prob.damaged", name=path.name, detail=str(exc).split(": ")[-1][:120]),
                         Message("prob.damaged.fix")) from exc
    return result


def _window(src, geom) -> Window | None:
    minx, miny, maxx, maxy = geom.bounds
    margin = max(MIN_MARGIN_M, math.sqrt(max(geom.area, 0.0)))
    win = from_bounds(minx - margin, miny - margin, maxx + margin, maxy + margin, src.transform)
    c0, r0 = max(0, math.floor(win.col_off)), max(0, math.floor(win.row_off))
    c1 = min(src.width, math.ceil(win.col_off + win.width))
    r1 = min(src.height, math.ceil(win.row_off + win.height))
    return Window(c0, r0, c1 - c0, r1 - r0) if c1 > c0 and r1 > r0 else None


def _measure_one(src, cid: str, geom, bands: list[tuple[str, int]], cut: int, px_area: float,
                 min_area_m2: float) -> SlumpChange:
    win = _window(src, geom)  # not None: the outline meets the raster
    wt = src.window_transform(win)
    data = src.read([b for _, b in bands], window=win)  # dates × h × w, uint8
    valid = data != NODATA
    detected = valid & (data >= cut)
    shape_hw = data.shape[1:]
    parts: list[list] = []
    for i in range(len(bands)):
        found = [shape(g) for g, _ in features.shapes(detected[i].astype(np.uint8), mask=detected[i], transform=wt)]
        parts.append([p for p in found if p.intersects(geom)])
    footprint = unary_union([geom, *(p for date_parts in parts for p in date_parts)])
    fmask = features.rasterize([(footprint, 1)], out_shape=shape_hw, transform=wt, dtype=np.uint8).astype(bool)
    if not fmask.any():  # smaller than a pixel: its centre pixel
        fmask = features.rasterize([(geom, 1)], out_shape=shape_hw, transform=wt, all_touched=True,
                                   dtype=np.uint8).astype(bool)
    size = int(fmask.sum())
    measures = []
    for i, (date, _) in enumerate(bands):
        seen = valid[i] & fmask
        hidden = 1.0 - seen.sum() / size if size else 1.0
        observed = size > 0 and hidden <= MAX_HIDDEN
        area = float((detected[i] & fmask).sum() * px_area) if observed else None
        mean = float(data[i][seen].mean() / SCALE) if seen.any() else None
        outline = unary_union(parts[i]).intersection(footprint) if parts[i] and observed else None
        if outline is not None and (outline.is_empty or outline.geom_type not in ("Polygon", "MultiPolygon")):
            polys = [g for g in getattr(outline, "geoms", [outline]) if g.geom_type == "Polygon" and not g.is_empty]
            outline = MultiPolygon(polys) if polys else None
        measures.append(DateMeasure(date, observed, area, mean, float(hidden), outline))
    growth = summarise([(m.date, m.area_m2) for m in measures], min_area_m2)
    return SlumpChange(cid, measures, growth, footprint)
