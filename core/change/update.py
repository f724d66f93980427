"""Measure the candidates of a GeoPackage against a multi-date probability raster and store the
result: what `tsm change`, the Processing algorithm, a multi-date run and the review dock call."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rasterio.crs import CRS
from rasterio.warp import transform_geom
from shapely.geometry import mapping, shape

from ..engine.inference import read_probability_meta
from ..errors import InputError
from ..messages import Message
from ..progress import CancelToken, ProgressCallback
from ..store.candidate_dates import multidate_runs, write_change
from ..store.candidates import file_crs, read_candidates
from .measure import AREA_THRESHOLD, ChangeResult, date_bands, measure_change


@dataclass
class ChangeSummary:
    measured: int
    outside: int  # candidates the probability raster does not cover (left as they were)
    dates: list[str]
    probability_raster: str
    run_id: str | None
    result: ChangeResult


def pick_raster(gpkg_path: str | Path, prob: str | Path | None = None) -> tuple[Path, str | None, float]:
    """The probability raster to measure (``prob``, or the newest multi-date run's), its run and
    the run's minimum area; refuses, before anything is written, a file without such a run or
    whose raster was deleted."""
    runs = multidate_runs(gpkg_path)
    if prob:
        path = Path(prob)
        run = next((r for r in runs if Path(r["probability_raster"]).resolve() == path.resolve()), None)
        return path, (run or {}).get("run_id"), float((run or {}).get("min_area_m2") or 0.0)
    if not runs:
        raise InputError(Message("change.no_multidate", name=Path(gpkg_path).name), Message("change.no_multidate.fix"))
    run = runs[0]
    path = Path(run["probability_raster"])
    if not path.is_file():
        raise InputError(Message("change.prob_missing", name=Path(gpkg_path).name, path=str(path)),
                         Message("change.prob_missing.fix"))
    return path, run["run_id"], float(run.get("min_area_m2") or 0.0)


def update_change(gpkg_path: str | Path, prob: str | Path | None = None, threshold: float = AREA_THRESHOLD,
                  candidate_ids: list[str] | None = None, progress: ProgressCallback | None = None,
                  cancel: CancelToken | None = None) -> ChangeSummary:
    """Measure every candidate (or ``candidate_ids``) the raster covers and store it; every check
    comes before the first write, and the write is one transaction."""
    path, run_id, min_area = pick_raster(gpkg_path, prob)
    meta = read_probability_meta(path)
    date_bands(meta, path)  # one date, or labels that are no dates: refused before the long work
    rows = read_candidates(gpkg_path)
    if candidate_ids is not None:
        wanted = set(candidate_ids)
        rows = [r for r in rows if r["candidate_id"] in wanted]
    src_crs, dst_crs = file_crs(gpkg_path), meta["crs"]
    targets = []
    for r in rows:
        geom = r["geometry"]
        if geom is not None and src_crs is not None and src_crs != dst_crs:
            geom = shape(transform_geom(src_crs, dst_crs, mapping(geom)))
        targets.append((r["candidate_id"], geom))
    result = measure_change(path, targets, threshold, min_area, progress, cancel)
    write_change(gpkg_path, result, CRS.from_user_input(dst_crs), run_id)
    return ChangeSummary(len(result.changes), len(result.outside), result.dates, str(path), run_id, result)
