"""Run a model over an extent of one or more mosaics and write a probability GeoTIFF.

The GeoTIFF has one band per mosaic date, plus the mean and the maximum across dates when there
are several (Nitze et al. 2021: false positives are inconsistent between dates, so the mean
suppresses them). Values are uint8: probability × 250, 255 = NoData. It is cached under a key of
(mosaics, grid, model), so a new threshold or minimum area only re-vectorises.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import rasterio
from rasterio.windows import Window

from .. import about
from ..errors import Cancelled, InputError, OutputError
from ..preferences import default_cache_dir
from ..progress import CancelToken, ProgressCallback, ProgressMeter
from . import masks, nodata
from .bands import normalise, raw_input, resolve_bands
from .models import LoadedModel, load_model
from .raster import Extent, Grid, MosaicInfo, MosaicReader, MosaicSpec, inspect_mosaic, plan_grid
from .tiling import tile_starts, tiled_predict

LOGGER = logging.getLogger("thaw_slump_mapper.inference")
ENGINE_VERSION = "2"  # bump when the output of identical inputs changes (2: NoData filled, masks)
SCALE = 250.0
NODATA = 255
PERCENTILE_SAMPLE = 1024  # pixels along the longer side when sampling percentiles
GDAL_CACHE_MB = 128


@dataclass(frozen=True)
class InferenceParams:
    mosaics: tuple[MosaicSpec, ...]
    model_path: str
    extent: Extent | None = None
    cache_dir: str = field(default_factory=default_cache_dir)
    batch_size: int = 4
    device: str = "auto"
    allow_reproject: bool = False
    aux: tuple[tuple[str, str], ...] = ()  # (role, raster path) for supplied inputs (dem, slope…)
    cache_limit_mb: int = 4096  # least recently used probability rasters beyond this are deleted


@dataclass
class ProbabilityRaster:
    path: Path
    dates: list[str]
    band_names: list[str]
    grid: Grid
    model: dict
    mosaics: list[dict]
    cached: bool
    tiles_total: int = 0
    tiles_run: int = 0
    seconds: float = 0.0
    model_seconds: float = 0.0

    def band_index(self, name: str) -> int:
        return self.band_names.index(name) + 1


def encode(prob: np.ndarray) -> np.ndarray:
    out = np.full(prob.shape, NODATA, np.uint8)
    ok = np.isfinite(prob)
    out[ok] = np.clip(np.rint(prob[ok] * SCALE), 0, SCALE).astype(np.uint8)
    return out


def decode(values: np.ndarray) -> np.ndarray:
    out = values.astype(np.float32) / SCALE
    out[values == NODATA] = np.nan
    return out


def band_names_for(dates: list[str]) -> list[str]:
    return dates + (["mean", "max"] if len(dates) > 1 else [])


def _mosaic_ids(infos: list[MosaicInfo]) -> list[dict]:
    out = []
    for info in infos:
        stat = os.stat(info.spec.path)
        entry = {"path": str(Path(info.spec.path).resolve()), "date": info.spec.label,
                 "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "domain": info.domain,
                 "band_map": dict(info.spec.band_map), "bands": info.count, "crs": info.crs.to_string()}
        if info.spec.mask:
            mstat = os.stat(info.spec.mask)
            entry["mask"] = {"path": str(Path(info.spec.mask).resolve()), "size": mstat.st_size,
                             "mtime_ns": mstat.st_mtime_ns}
        out.append(entry)
    return out


def cache_key(mosaics: list[dict], grid: Grid, model: LoadedModel, aux: tuple) -> str:
    payload = json.dumps({"engine": ENGINE_VERSION, "mosaics": mosaics, "grid": grid.key(),
                          "model": model.sha256, "spec": model.spec.to_dict(), "aux": list(aux)},
                         sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def _unique_dates(infos: list[MosaicInfo]) -> list[str]:
    dates, seen = [], {}
    for info in infos:
        label = info.spec.label
        seen[label] = seen.get(label, 0) + 1
        dates.append(label if seen[label] == 1 else f"{label}#{seen[label]}")
    return dates


def run_inference(params: InferenceParams, progress: ProgressCallback | None = None,
                  cancel: CancelToken | None = None, model: LoadedModel | None = None) -> ProbabilityRaster:
    # GDAL's block cache defaults to 5 % of RAM and would grow with the extent; tiles are read
    # once in row order, so a small cache loses nothing and keeps memory flat.
    with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB):
        return _run_inference(params, progress, cancel, model)


def _run_inference(params: InferenceParams, progress: ProgressCallback | None,
                   cancel: CancelToken | None, model: LoadedModel | None) -> ProbabilityRaster:
    start = time.monotonic()
    cancel = cancel or CancelToken()
    if not params.mosaics:
        raise InputError("No mosaic was given.", "Choose at least one mosaic (one per year).")
    model = model or load_model(params.model_path, params.device)
    spec = model.spec
    infos = [inspect_mosaic(m) for m in params.mosaics]
    mask_infos = [masks.inspect_mask(m.mask) if m.mask else None for m in params.mosaics]
    plans = [resolve_bands(spec, i.count, dict(i.spec.band_map), Path(i.spec.path).name, dict(params.aux),
                           i.band_map) for i in infos]
    grid = plan_grid(params.extent, infos, spec.gsd_m, params.allow_reproject)
    mosaics = _mosaic_ids(infos)
    dates = _unique_dates(infos)
    names = band_names_for(dates)
    model_info = {"name": spec.name, "version": spec.version, "sha256": model.sha256, "kind": model.kind,
                  "device": model.backend.device, "path": str(model.path)}

    cache = Path(params.cache_dir)
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Cannot create the cache folder {cache} ({exc.strerror}).",
                          "Choose a writable cache folder in the plugin settings (or --cache).") from exc
    key = cache_key(mosaics, grid, model, params.aux)
    final = cache / f"prob_{key}.tif"
    if final.exists():
        LOGGER.info("probabilities for this extent, mosaics and model are cached: %s", final)
        os.utime(final)  # recently used: last to be pruned
        return ProbabilityRaster(final, dates, names, grid, model_info, mosaics, cached=True,
                                 seconds=time.monotonic() - start)

    rows = tile_starts(grid.height, spec.tile_size, spec.overlap)
    cols = tile_starts(grid.width, spec.tile_size, spec.overlap)
    meter = ProgressMeter(len(rows) * len(cols) * len(infos), progress)
    tmp = final.with_name(final.name + f".{os.getpid()}.part")
    profile = dict(driver="GTiff", width=grid.width, height=grid.height, count=len(names), dtype="uint8",
                   nodata=NODATA, crs=grid.crs, transform=grid.transform, tiled=True, blockxsize=256,
                   blockysize=256, compress="deflate", predictor=2, BIGTIFF="IF_SAFER")
    result = ProbabilityRaster(final, dates, names, grid, model_info, mosaics, cached=False,
                               tiles_total=meter.total)
    try:
        try:
            dst = rasterio.open(tmp, "w+", **profile)
        except (rasterio.errors.RasterioError, OSError) as exc:
            raise OutputError(f"Cannot write the probability raster in {cache} ({exc}).",
                              "Choose a writable cache folder with free space.") from exc
        with dst:
            for band, (info, mask_info, (read_bands, positions)) in enumerate(zip(infos, mask_infos, plans), start=1):
                _run_one(model, info, mask_info, read_bands, positions, grid, dst, band, params, meter, cancel,
                         result)
            if result.tiles_run == 0:
                raise InputError("The extent holds only NoData in every mosaic: there is nothing to run on.",
                                 "Pan the map onto the imagery (or give an extent with valid pixels).")
            if len(dates) > 1:
                _write_mean_max(dst, len(dates), cancel)
            for i, name in enumerate(names, start=1):
                dst.set_band_description(i, name)
            dst.update_tags(TSM_DATES=json.dumps(dates), TSM_MODEL=json.dumps(model_info),
                            TSM_MOSAICS=json.dumps(mosaics), TSM_SCALE=str(SCALE),
                            TSM_PLUGIN_VERSION=about.version(), TSM_ENGINE=ENGINE_VERSION)
        tmp.replace(final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    prune_cache(cache, params.cache_limit_mb, keep=final)
    result.seconds = time.monotonic() - start
    LOGGER.info("inference: %d of %d tiles run in %.1f s (model %.1f s) on %s", result.tiles_run,
                result.tiles_total, result.seconds, result.model_seconds, model.backend.device)
    return result


def prune_cache(cache: Path, limit_mb: int, keep: Path | None = None, stale_part_s: float = 86400) -> list[Path]:
    """Delete the least recently used probability rasters until the folder fits ``limit_mb``
    (0 = no limit), and leftovers of runs killed more than a day ago. Returns what was deleted."""
    removed = []
    now = time.time()
    for part in cache.glob("prob_*.part"):
        if now - part.stat().st_mtime > stale_part_s:
            part.unlink(missing_ok=True)
            removed.append(part)
    if limit_mb <= 0:
        return removed
    files = sorted(cache.glob("prob_*.tif"), key=lambda f: f.stat().st_mtime)
    total = sum(f.stat().st_size for f in files)
    for f in files:
        if total <= limit_mb * 1024 * 1024:
            break
        if keep is not None and f == keep:
            continue
        total -= f.stat().st_size
        f.unlink(missing_ok=True)
        removed.append(f)
    return removed


def _percentiles(reader: MosaicReader, positions, spec, domain, aux_readers, grid: Grid,
                 mask_reader: MosaicReader | None) -> np.ndarray | None:
    if spec.normalization.kind != "percentile":
        return None
    scale = min(1.0, PERCENTILE_SAMPLE / max(grid.width, grid.height))
    shape = (max(1, int(grid.height * scale)), max(1, int(grid.width * scale)))
    values, valid = reader.read(0, 0, grid.height, grid.width, out_shape=shape)
    if mask_reader is not None:  # clouds and snow must not set the stretch
        valid &= ~masks.read_masked(mask_reader, 0, 0, grid.height, grid.width, out_shape=shape)
    aux = {r: a.read(0, 0, grid.height, grid.width, out_shape=shape)[0][0] for r, a in aux_readers.items()}
    x = raw_input(values, positions, spec, domain, aux)
    if not valid.any():
        return None
    lo, hi = spec.normalization.low, spec.normalization.high
    return np.stack([np.percentile(c[valid], [lo, hi]) for c in x]).astype(np.float32)


def _run_one(model: LoadedModel, info: MosaicInfo, mask_info: masks.MaskInfo | None, read_bands, positions,
             grid: Grid, dst, band: int, params: InferenceParams, meter: ProgressMeter, cancel: CancelToken,
             result: ProbabilityRaster) -> None:
    spec = model.spec

    def flush(row0: int, prob: np.ndarray, wsum: np.ndarray) -> None:
        dst.write(encode(prob), band, window=Window(0, row0, grid.width, prob.shape[0]))

    def predict(batch: np.ndarray) -> np.ndarray:
        t0 = time.monotonic()
        probs = model.predict(batch)
        result.model_seconds += time.monotonic() - t0
        return probs

    aux_readers: dict[str, MosaicReader] = {}
    mask_reader = None
    try:
        for role, path in params.aux:
            aux_readers[role] = MosaicReader(inspect_mosaic(MosaicSpec(path)), grid, [1])
        if mask_info is not None:
            mask_reader = masks.open_reader(mask_info, grid)
        with MosaicReader(info, grid, read_bands) as reader:
            pct = _percentiles(reader, positions, spec, info.domain, aux_readers, grid, mask_reader)

            def read(r0: int, c0: int, h: int, w: int):
                values, valid = reader.read(r0, c0, h, w)
                if mask_reader is not None and valid.any():
                    valid &= ~masks.read_masked(mask_reader, r0, c0, h, w)
                if not valid.any():
                    return None
                aux = {r: a.read(r0, c0, h, w)[0][0] for r, a in aux_readers.items()}
                raw = raw_input(values, positions, spec, info.domain, aux)
                if spec.nodata_fill == "fill":  # before normalisation: no extreme values, no step at its edge
                    raw = nodata.fill(raw, valid)
                x = normalise(raw, spec, pct)
                if spec.nodata_fill == "zero":  # a third-party model trained with 0 after normalisation
                    x[:, ~valid] = 0.0
                return x, valid

            counts = tiled_predict(read, predict, grid.height, grid.width, spec.tile_size, spec.overlap, flush,
                                   params.batch_size, before_tile=cancel.check,
                                   after_tile=lambda: meter.advance(stage=info.spec.label), border=spec.border)
            result.tiles_run += counts.run
    finally:
        for a in aux_readers.values():
            a.close()
        if mask_reader is not None:
            mask_reader.close()


def _write_mean_max(dst, n_dates: int, cancel: CancelToken, rows_per_block: int = 256) -> None:
    for row0 in range(0, dst.height, rows_per_block):
        if cancel.cancelled:
            raise Cancelled()
        h = min(rows_per_block, dst.height - row0)
        window = Window(0, row0, dst.width, h)
        stack = np.stack([decode(dst.read(b, window=window)) for b in range(1, n_dates + 1)])
        any_valid = np.isfinite(stack).any(axis=0)
        with np.errstate(all="ignore"):
            mean = np.where(any_valid, np.nanmean(np.where(any_valid, stack, 0), axis=0), np.nan)
            mx = np.where(any_valid, np.nanmax(np.where(any_valid, stack, 0), axis=0), np.nan)
        dst.write(encode(mean), n_dates + 1, window=window)
        dst.write(encode(mx), n_dates + 2, window=window)


def read_probability_meta(path: Path) -> dict:
    """Dates, band names, model and mosaics of a probability raster written by run_inference."""
    if not Path(path).is_file():
        raise InputError(f"The probability raster {path} does not exist.",
                         "Give the prob_….tif that 'tsm infer' printed (in its cache folder).")
    try:
        with rasterio.open(path) as src:
            tags = src.tags()
            if "TSM_DATES" not in tags or src.dtypes[0] != "uint8":
                raise InputError(f"{Path(path).name} is not a probability raster written by Thaw Slump Mapper "
                                 "(it lacks the TSM tags).",
                                 "Give the prob_….tif that 'tsm infer' printed, not an image or another raster.")
            names = [d or f"band{i}" for i, d in enumerate(src.descriptions, start=1)]
            return {"dates": json.loads(tags.get("TSM_DATES", "[]")), "band_names": names,
                    "model": json.loads(tags.get("TSM_MODEL", "{}")),
                    "mosaics": json.loads(tags.get("TSM_MOSAICS", "[]")),
                    "crs": src.crs, "transform": src.transform, "width": src.width, "height": src.height}
    except (rasterio.errors.RasterioError, rasterio.errors.RasterioIOError) as exc:
        raise InputError(f"{path} cannot be read as a probability raster ({exc}).",
                         "Give a probability GeoTIFF written by 'tsm infer' or the plugin.") from exc
