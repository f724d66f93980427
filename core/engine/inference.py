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
import re
import shutil
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, unescape

import numpy as np
import rasterio

from .. import about
from ..errors import InputError, OutputError
from ..messages import Message
from ..outputs import atomic_file, sweep_stale_parts
from ..preferences import default_cache_dir
from ..progress import CancelToken, ProgressCallback, ProgressMeter
from . import masks, nodata
from .aoi import Aoi, TileFilter
from .bands import normalise, raw_input, resolve_bands
from .chunks import CHUNK_PX, Chunk, ChunkLayout, chunk_side
from .models import LoadedModel, load_model
from .pipeline import CACHE_FIX, NODATA, SCALE, ChunkedRun, Stats
from .raster import Extent, Grid, MosaicInfo, MosaicReader, MosaicSpec, inspect_mosaic, plan_grid

LOGGER = logging.getLogger("thaw_slump_mapper.inference")
# bump when the output of identical inputs changes (2: NoData filled, masks; 3: chunk files + VRT,
# mean and maximum from the unrounded probabilities)
ENGINE_VERSION = "3"
PERCENTILE_SAMPLE = 1024  # pixels along the longer side when sampling percentiles
PERCENTILE_LATTICE, PERCENTILE_WINDOW = 8, 128  # larger grids: 8×8 windows of 128² px (1 Mpx)
GDAL_CACHE_MB = 128


@dataclass(frozen=True)
class InferenceParams:
    mosaics: tuple[MosaicSpec, ...]
    model_path: str
    extent: Extent | None = None
    cache_dir: str = field(default_factory=default_cache_dir)
    batch_size: int = 0  # tiles per model call; 0: automatic (tiles_per_batch)
    device: str = "auto"
    allow_reproject: bool = False
    aux: tuple[tuple[str, str], ...] = ()  # (role, raster path) for supplied inputs (dem, slope…)
    cache_limit_mb: int = 4096  # least recently used probability rasters beyond this are deleted
    aoi: Aoi | None = None  # study area / corridor polygons: tiles outside are skipped
    chunk_px: int = CHUNK_PX  # side of the chunks written (and resumed) one at a time
    read_threads: int = 0  # 0: up to 4, by the CPU count
    backend: str = "auto"  # runtime of ONNX models (core.preferences.BACKENDS)


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
    stats: Stats | None = None

    def band_index(self, name: str) -> int:
        return self.band_names.index(name) + 1


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


def cache_key(mosaics: list[dict], grid: Grid, model: LoadedModel, aux: tuple, aoi: Aoi | None = None) -> str:
    payload = json.dumps({"engine": ENGINE_VERSION, "mosaics": mosaics, "grid": grid.key(),
                          "model": model.sha256, "spec": model.spec.to_dict(), "aux": list(aux),
                          "aoi": [aoi.wkt, aoi.crs] if aoi is not None else None,
                          # reduced precision gives other probabilities: never the fp32 run's cache
                          **({"precision": precision} if (precision := getattr(model.backend, "precision", "f32"))
                             != "f32" else {})},
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
    # GDAL's block cache defaults to 5 % of RAM and would grow with the extent; chunks are read
    # once in row order, so a modest cache loses nothing and keeps memory flat. rasterio passes
    # this value to GDALSetCacheMax in bytes (128 alone meant 128 bytes: every block decoded again
    # for every window, and the threads evicting each other's blocks all the time).
    with rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB * 2**20):
        return _run_inference(params, progress, cancel, model)


@dataclass
class Plan:
    """What a run will do, known before any tile is read (``tsm plan`` prints it)."""

    grid: Grid
    layout: ChunkLayout
    chunks: list[Chunk]
    tiles: int  # tiles of the grid that touch the area
    dates: list[str]
    key: str
    vrt: Path
    folder: Path

    @property
    def bands(self) -> int:
        return len(self.dates) + (2 if len(self.dates) > 1 else 0)


def plan_run(params: InferenceParams, model: LoadedModel, infos: list[MosaicInfo]) -> Plan:
    spec = model.spec
    extent = params.extent or (params.aoi.extent() if params.aoi is not None else None)
    grid = plan_grid(extent, infos, spec.gsd_m, params.allow_reproject)
    layout = ChunkLayout(grid.height, grid.width, spec.tile_size, spec.overlap,
                         chunk_side(params.chunk_px, len(infos)))
    keep = TileFilter(params.aoi, grid)
    chunks = []
    tiles = 0
    for chunk in layout.chunks():
        owned = [t for t in chunk.tiles if layout.owner(*t) == (chunk.ci, chunk.cj)
                 and keep.keeps(*layout.tile_window(*t))]
        if any(keep.keeps(*layout.tile_window(*t)) for t in chunk.tiles):
            chunks.append(chunk)
        tiles += len(owned)
    mosaics = _mosaic_ids(infos)
    key = cache_key(mosaics, grid, model, params.aux, params.aoi)
    cache = Path(params.cache_dir)
    return Plan(grid, layout, chunks, tiles, _unique_dates(infos), key, cache / f"prob_{key}.vrt",
                cache / f"prob_{key}")


@dataclass
class Setup:
    """What a run derives from its parameters and model before reading a tile. The client and
    every cluster worker derive it alike; the plan's key (mosaic sizes and times, grid, model hash)
    tells whether they see the same files."""

    infos: list[MosaicInfo]
    mask_infos: list
    band_plans: list
    plan: Plan
    mosaics: list[dict]
    names: list[str]
    model_info: dict


def setup_run(params: InferenceParams, model: LoadedModel) -> Setup:
    if not params.mosaics:
        raise InputError("No mosaic was given.", "Choose at least one mosaic (one per year).")
    spec = model.spec
    infos = [inspect_mosaic(m) for m in params.mosaics]
    mask_infos = [masks.inspect_mask(m.mask) if m.mask else None for m in params.mosaics]
    band_plans = [resolve_bands(spec, i.count, dict(i.spec.band_map), Path(i.spec.path).name, dict(params.aux),
                                i.band_map) for i in infos]
    plan = plan_run(params, model, infos)
    model_info = {"name": spec.name, "version": spec.version, "sha256": model.sha256, "kind": model.kind,
                  "device": model.backend.device, "path": str(model.path)}
    return Setup(infos, mask_infos, band_plans, plan, _mosaic_ids(infos), band_names_for(plan.dates), model_info)


def open_cache(params: InferenceParams) -> Path:
    cache = Path(params.cache_dir)
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Cannot create the cache folder {cache} ({exc.strerror}).",
                          "Choose a writable cache folder in the plugin settings (or --cache).") from exc
    return cache


# the automatic batch: as many tiles as 4 of 256² px (the starter's 4), one of 512²: a UNet-ResNet34 at
# 512² peaked at 1.1 GB with 4 tiles a call and 0.4 GB with one, at the same speed per tile (onnxruntime,
# AMD EPYC AVX2, 2 cores)
AUTO_BATCH_PIXELS = 4 * 256 * 256


def tiles_per_batch(requested: int, tile_size: int, backend: object = None) -> int:
    """``requested`` tiles per model call, or with 0 the automatic batch: AUTO_BATCH_PIXELS' worth
    (four times that on a GPU, which a single tile leaves idle; at most 16), and at least one tile
    per parallel OpenVINO request so that none idles."""
    if requested > 0:
        return requested
    parallel = len(getattr(backend, "requests", ()) or ()) or 1
    budget = AUTO_BATCH_PIXELS * (4 if str(getattr(backend, "device", "")).startswith("CUDA") else 1)
    return min(16, max(parallel, budget // max(tile_size, 1) ** 2, 1))


def chunk_run(params: InferenceParams, model: LoadedModel, setup: Setup, readers: _Readers,
              pct: Future) -> ChunkedRun:
    """The chunked run of this setup: reads through ``readers``, the stretch from ``pct``."""
    grid, spec = setup.plan.grid, model.spec

    def make_source():
        return readers.open(pct)

    # one band after another in each chunk file: a read of one band (the mean, a date) decompresses only
    # that band's blocks; pixel-interleaved, every read decompressed all the dates' bands, and a run of 48
    # dates spent 55 of its 77 s reading its own probabilities back in vectorize
    profile = dict(driver="GTiff", dtype="uint8", nodata=NODATA, crs=grid.crs, transform=grid.transform,
                   tiled=True, blockxsize=256, blockysize=256, compress="deflate", predictor=2, interleave="band")
    keep = TileFilter(params.aoi, grid)
    return ChunkedRun(setup.plan.layout, setup.plan.folder, len(setup.plan.dates), make_source, model.predict,
                      keep.keeps, profile, tiles_per_batch(params.batch_size, spec.tile_size, model.backend),
                      params.read_threads, spec.border)


def open_readers(setup: Setup, params: InferenceParams, model: LoadedModel) -> _Readers:
    return _Readers(setup.infos, setup.mask_infos, setup.band_plans, params.aux, setup.plan.grid, model.spec)


def cached_result(setup: Setup, start: float) -> ProbabilityRaster | None:
    """The finished raster of an earlier identical run, if any. One whose chunk files are not all
    there at the sizes written (one deleted, truncated) is never trusted: its raster is removed, the
    damaged chunks too, and the run computes what is missing (the others are kept)."""
    final = setup.plan.vrt
    if not final.exists():
        return None
    damaged = damaged_chunks(setup.plan)
    if damaged:
        LOGGER.warning("the cached probabilities %s lack %d chunk file(s) or hold truncated ones: computing "
                       "them again", final, len(damaged))
        final.unlink(missing_ok=True)  # the raster first: the run is incomplete from now on
        for chunk in damaged:
            chunk.unlink(missing_ok=True)
        return None
    LOGGER.info("probabilities for this extent, mosaics and model are cached: %s", final)
    os.utime(final)  # recently used: last to be pruned
    return ProbabilityRaster(final, setup.plan.dates, setup.names, setup.plan.grid, setup.model_info,
                             setup.mosaics, cached=True, seconds=time.monotonic() - start,
                             tiles_total=setup.plan.tiles)


CHUNK_SIZES = "chunks.json"  # in a run's folder: each chunk file's size when the run finished


def damaged_chunks(plan: Plan) -> list[Path]:
    """The chunk files the finished raster ``plan.vrt`` names that are missing, or whose size differs
    from the one recorded when the run finished (an unreadable raster: all of them)."""
    try:
        text = plan.vrt.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return [plan.vrt]
    names = sorted(set(re.findall(r'<SourceFilename relativeToVRT="1">([^<]*)</SourceFilename>', text)))
    if not names:
        return [plan.vrt]
    try:
        sizes = json.loads((plan.folder / CHUNK_SIZES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        sizes = {}  # a run of an earlier version: only whether each file is there
    sizes = sizes if isinstance(sizes, dict) else {}
    damaged = []
    for rel in names:
        path = plan.vrt.parent / unescape(rel)
        try:
            size = path.stat().st_size
        except OSError:
            damaged.append(path)
            continue
        if sizes.get(path.name, size) != size:
            damaged.append(path)
    return damaged


def finish_run(params: InferenceParams, setup: Setup, cache: Path) -> None:
    """The VRT over the chunk files (written last: it marks the run complete), then housekeeping."""
    plan = setup.plan
    if not any(plan.folder.glob("c*.tif")):
        shutil.rmtree(plan.folder, ignore_errors=True)
        masks = [Path(m.mask).name for m in params.mosaics if m.mask]
        if masks:  # the masks may be what hid every pixel: not a matter of panning the map
            raise InputError(Message("inference.all_masked", masks=", ".join(masks)),
                             Message("inference.all_masked.fix"))
        raise InputError("The extent holds only NoData in every mosaic: there is nothing to run on.",
                         "Pan the map onto the imagery (or give an extent with valid pixels).")
    sizes = {f.name: f.stat().st_size for f in plan.folder.glob("c*.tif")}
    with atomic_file(plan.folder / CHUNK_SIZES, "probability raster", CACHE_FIX, sweep=False) as tmp:
        tmp.write_text(json.dumps(sizes), encoding="utf-8")
    _write_vrt(plan, setup.names, {"TSM_DATES": json.dumps(plan.dates), "TSM_MODEL": json.dumps(setup.model_info),
                                   "TSM_MOSAICS": json.dumps(setup.mosaics), "TSM_SCALE": str(SCALE),
                                   "TSM_PLUGIN_VERSION": about.version(), "TSM_ENGINE": ENGINE_VERSION,
                                   "TSM_AOI": params.aoi.label if params.aoi is not None else ""})
    for crops in plan.folder.glob("*.crops.npz"):  # only needed to resume
        crops.unlink(missing_ok=True)
    sweep_stale_parts(plan.folder)  # temporary files of writes killed long ago
    prune_cache(cache, params.cache_limit_mb, keep=plan.vrt)


def begin_run(params: InferenceParams, model: LoadedModel, start: float
              ) -> tuple[Setup, Path, ProbabilityRaster | None]:
    """The setup, the cache folder, and the finished raster of an identical earlier run (then
    nothing is to be done) or else the run's folder prepared (kept from a stopped run: resume)."""
    setup = setup_run(params, model)
    cache = open_cache(params)
    cached = cached_result(setup, start)
    if cached is not None:
        return setup, cache, cached
    if not setup.plan.chunks:
        raise InputError("The area and the mosaics do not overlap: there is nothing to run on.",
                         "Choose an area (or extent) that lies on the mosaics.")
    prepare_folder(setup.plan, chunk_side(params.chunk_px, len(setup.plan.dates)))
    return setup, cache, None


def _run_inference(params: InferenceParams, progress: ProgressCallback | None,
                   cancel: CancelToken | None, model: LoadedModel | None) -> ProbabilityRaster:
    start = time.monotonic()
    cancel = cancel or CancelToken()
    model = model or load_model(params.model_path, params.device, params.backend)
    setup, cache, cached = begin_run(params, model, start)
    if cached is not None:
        return cached
    plan = setup.plan
    result = ProbabilityRaster(plan.vrt, plan.dates, setup.names, plan.grid, setup.model_info, setup.mosaics,
                               cached=False, tiles_total=plan.tiles)
    meter = ProgressMeter(plan.tiles, progress)
    readers = open_readers(setup, params, model)
    pct = None
    try:
        # the stretch is needed to prepare tiles, not to read them: the first chunk's reads start
        # while it is computed
        stretch = ThreadPoolExecutor(1, thread_name_prefix="tsm-stretch")
        pct = stretch.submit(readers.percentiles)
        stretch.shutdown(wait=False)
        run = chunk_run(params, model, setup, readers, pct)
        meter_lock = threading.Lock()

        def on_tile(n: int, resumed: bool) -> None:
            with meter_lock:
                (meter.skip if resumed else meter.advance)(n, stage="tiles")

        stats = run.run(plan.chunks, cancel, on_tile)
    finally:
        if pct is not None:
            wait([pct])  # its thread reads the mosaics too: never close them under it
        readers.close()
    result.tiles_run, result.model_seconds, result.stats = stats.tiles_run, stats.model_seconds, stats
    finish_run(params, setup, cache)
    result.seconds = time.monotonic() - start
    LOGGER.info("inference: %d of %d tiles run in %.1f s (model %.1f s) on %s", result.tiles_run,
                result.tiles_total, result.seconds, result.model_seconds, model.backend.device)
    return result


def prepare_folder(plan: Plan, chunk_px: int) -> None:
    """The chunk folder of this run: kept from an interrupted run with the same layout (resume),
    emptied when the layout differs."""
    layout = {"height": plan.grid.height, "width": plan.grid.width, "tile": plan.layout.tile,
              "overlap": plan.layout.overlap, "chunk_px": chunk_px, "engine": ENGINE_VERSION}
    meta = plan.folder / "run.json"
    try:
        if plan.folder.exists():
            try:
                same = json.loads(meta.read_text()) == layout
            except FileNotFoundError:  # none yet: just made by a run starting beside this one (keep it)
                same = not any(plan.folder.glob("c*"))
            except (OSError, ValueError):
                same = False
            if not same:
                shutil.rmtree(plan.folder)
            else:
                LOGGER.info("resuming the run in %s", plan.folder)
        plan.folder.mkdir(parents=True, exist_ok=True)
        # whole or absent: a run starting beside this one never reads half of it
        with atomic_file(meta, "run description", CACHE_FIX, sweep=False) as tmp:
            tmp.write_text(json.dumps(layout))
    except OSError as exc:
        raise OutputError(f"Cannot write in the cache folder {plan.folder.parent} ({exc.strerror}).",
                          "Choose a writable cache folder with free space (plugin settings or --cache).") from exc


def _write_vrt(plan: Plan, names: list[str], tags: dict[str, str]) -> None:
    """One raster over the chunk files: written last, so its existence means the run is complete."""
    g = plan.grid
    files = sorted(plan.folder.glob("c*.tif"))
    t = g.transform
    lines = [f'<VRTDataset rasterXSize="{g.width}" rasterYSize="{g.height}">',
             f"  <SRS>{escape(g.crs.to_wkt())}</SRS>",
             f"  <GeoTransform>{t.c!r}, {t.a!r}, {t.b!r}, {t.f!r}, {t.d!r}, {t.e!r}</GeoTransform>",
             "  <Metadata>"]
    lines += [f'    <MDI key="{k}">{escape(v)}</MDI>' for k, v in tags.items()]
    lines.append("  </Metadata>")
    layout = plan.layout
    placed = []
    for f in files:
        ci, cj = (int(v) for v in f.stem[1:].split("_"))
        r0, c0 = layout.rows.bounds[ci], layout.cols.bounds[cj]
        h, w = layout.rows.bounds[ci + 1] - r0, layout.cols.bounds[cj + 1] - c0
        placed.append((f"{plan.folder.name}/{f.name}", r0, c0, h, w))
    for b, name in enumerate(names, start=1):
        lines += [f'  <VRTRasterBand dataType="Byte" band="{b}">', f"    <Description>{escape(name)}</Description>",
                  f"    <NoDataValue>{NODATA}</NoDataValue>"]
        for rel, r0, c0, h, w in placed:
            lines += ["    <SimpleSource>",
                      f'      <SourceFilename relativeToVRT="1">{escape(rel)}</SourceFilename>',
                      f"      <SourceBand>{b}</SourceBand>",
                      f'      <SourceProperties RasterXSize="{w}" RasterYSize="{h}" DataType="Byte" '
                      'BlockXSize="256" BlockYSize="256"/>',
                      f'      <SrcRect xOff="0" yOff="0" xSize="{w}" ySize="{h}"/>',
                      f'      <DstRect xOff="{c0}" yOff="{r0}" xSize="{w}" ySize="{h}"/>',
                      "    </SimpleSource>"]
        lines.append("  </VRTRasterBand>")
    lines.append("</VRTDataset>")
    with atomic_file(plan.vrt, "probability raster", CACHE_FIX, sweep=False) as tmp:
        tmp.write_text("\n".join(lines) + "\n")


class _Readers:
    """Opens the mosaics, masks and supplied rasters once per reading thread (datasets are not
    shared between threads) and closes them all at the end."""

    def __init__(self, infos, mask_infos, plans, aux, grid: Grid, spec) -> None:
        self.infos, self.mask_infos, self.plans = infos, mask_infos, plans
        self.aux, self.grid, self.spec = aux, grid, spec
        self._opened: list[MosaicReader] = []
        self._lock = threading.Lock()

    def _open_set(self):
        with self._lock:
            mosaics = [MosaicReader(i, self.grid, rb) for i, (rb, _) in zip(self.infos, self.plans)]
            mask_readers = [masks.open_reader(m, self.grid) if m is not None else None for m in self.mask_infos]
            aux = {role: MosaicReader(inspect_mosaic(MosaicSpec(path)), self.grid, [1]) for role, path in self.aux}
            self._opened += mosaics + [m for m in mask_readers if m is not None] + list(aux.values())
        return mosaics, mask_readers, aux

    def percentiles(self) -> list:
        mosaics, mask_readers, aux = self._open_set()
        return [_percentiles(r, positions, self.spec, info.domain, aux, self.grid, m)
                for r, m, info, (_, positions) in zip(mosaics, mask_readers, self.infos, self.plans)]

    def open(self, pct: Future) -> _Source:
        return _Source(self, *self._open_set(), pct)

    def close(self) -> None:
        for r in self._opened:
            r.close()
        self._opened.clear()


def _folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file()) if folder.is_dir() else 0


def prune_cache(cache: Path, limit_mb: int, keep: Path | None = None, stale_part_s: float = 86400,
                stale_run_s: float = 7 * 86400) -> list[Path]:
    """Delete the least recently used probability rasters (a .vrt with its chunk folder, or an
    older single .tif) until the folder fits ``limit_mb`` (0 = no limit), leftovers of writes
    killed more than a day ago, and interrupted runs (kept to resume) untouched for a week.
    Returns what was deleted."""
    removed = []
    now = time.time()
    for part in cache.glob("prob_*.part"):  # of earlier versions
        if now - part.stat().st_mtime > stale_part_s:
            part.unlink(missing_ok=True)
            removed.append(part)
    sweep_stale_parts(cache, stale_part_s)
    for folder in cache.glob("prob_*"):
        if folder.is_dir() and not folder.with_suffix(".vrt").exists() and folder != (keep and keep.with_suffix("")):
            newest = max([f.stat().st_mtime for f in folder.iterdir()] + [folder.stat().st_mtime])
            if now - newest > stale_run_s:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    if limit_mb <= 0:
        return removed
    files = sorted([*cache.glob("prob_*.tif"), *cache.glob("prob_*.vrt")], key=lambda f: f.stat().st_mtime)
    sizes = {f: f.stat().st_size + (_folder_size(f.with_suffix("")) if f.suffix == ".vrt" else 0) for f in files}
    total = sum(sizes.values())
    for f in files:
        if total <= limit_mb * 1024 * 1024:
            break
        if keep is not None and f == keep:
            continue
        total -= sizes[f]
        f.unlink(missing_ok=True)  # the raster first: a half-deleted folder is never taken as complete
        if f.suffix == ".vrt":
            shutil.rmtree(f.with_suffix(""), ignore_errors=True)
        removed.append(f)
    return removed


@dataclass
class _Region:
    row: int
    col: int
    values: np.ndarray | None  # B×h×w raw band values; None: no valid pixel in the region
    valid: np.ndarray | None
    aux: dict
    date: int = 0


class _Source:
    """The reads of one thread (see pipeline.TileSource)."""

    def __init__(self, readers: _Readers, mosaics, mask_readers, aux_readers, pct) -> None:
        self.r, self.mosaics, self.mask_readers, self.aux_readers, self.pct = (readers, mosaics, mask_readers,
                                                                             aux_readers, pct)

    def load(self, d: int, r0: int, c0: int, h: int, w: int) -> _Region:
        values, valid = self.mosaics[d].read(r0, c0, h, w)
        mask_reader = self.mask_readers[d]
        if mask_reader is not None and valid.any():
            valid &= ~masks.read_masked(mask_reader, r0, c0, h, w)
        if not valid.any():
            return _Region(r0, c0, None, None, {}, d)
        aux = {role: a.read(r0, c0, h, w)[0][0] for role, a in self.aux_readers.items()}
        return _Region(r0, c0, values, valid, aux, d)

    def tile(self, region: _Region, r: int, c: int, h: int, w: int):
        if region.values is None:
            return None
        rr, cc = r - region.row, c - region.col
        valid = region.valid[rr:rr + h, cc:cc + w]
        if not valid.any():
            return None
        d, spec = region.date, self.r.spec
        values = region.values[:, rr:rr + h, cc:cc + w]
        aux = {role: a[rr:rr + h, cc:cc + w] for role, a in region.aux.items()}
        raw = raw_input(values, self.r.plans[d][1], spec, self.r.infos[d].domain, aux)
        if spec.nodata_fill == "fill":  # before normalisation: no extreme values, no step at its edge
            raw = nodata.fill(raw, valid)
        x = normalise(raw, spec, self.pct.result()[d])
        if spec.nodata_fill == "zero":  # a third-party model trained with 0 after normalisation
            x[:, ~valid] = 0.0
        return x, valid


def _percentiles(reader: MosaicReader, positions, spec, domain, aux_readers, grid: Grid,
                 mask_reader: MosaicReader | None) -> np.ndarray | None:
    """The stretch of the whole grid, from a decimated read of a small grid or, for a large one,
    from a lattice of windows: a decimated read of a GeoTIFF without overviews decompresses every
    block (54 s of a 66 s run over 100 km²), the lattice touches a few hundred."""
    if spec.normalization.kind != "percentile":
        return None
    if max(grid.width, grid.height) <= 2 * PERCENTILE_SAMPLE:
        scale = min(1.0, PERCENTILE_SAMPLE / max(grid.width, grid.height))
        shape = (max(1, int(grid.height * scale)), max(1, int(grid.width * scale)))
        windows = [(0, 0, grid.height, grid.width, shape)]
    else:
        # windows inside one 256² block of a mosaic on the grid: one block decoded per window
        n, size = PERCENTILE_LATTICE, PERCENTILE_WINDOW
        windows = [(min(grid.height - size, int(i * grid.height / n) // 256 * 256 + 64),
                    min(grid.width - size, int(j * grid.width / n) // 256 * 256 + 64), size, size, None)
                   for i in range(n) for j in range(n)]
    xs, valids = [], []
    for r, c, h, w, shape in windows:
        values, valid = reader.read(r, c, h, w, out_shape=shape)
        if mask_reader is not None:  # clouds and snow must not set the stretch
            valid &= ~masks.read_masked(mask_reader, r, c, h, w, out_shape=shape)
        aux = {role: a.read(r, c, h, w, out_shape=shape)[0][0] for role, a in aux_readers.items()}
        x = raw_input(values, positions, spec, domain, aux)
        xs.append(x[:, valid])
        valids.append(valid.sum())
    if not sum(valids):
        return None
    x = np.concatenate(xs, axis=1)
    lo, hi = spec.normalization.low, spec.normalization.high
    return np.stack([np.percentile(c, [lo, hi]) for c in x]).astype(np.float32)


def read_probability_meta(path: Path) -> dict:
    """Dates, band names, model and mosaics of a probability raster written by run_inference."""
    if not Path(path).is_file():
        raise InputError(f"The probability raster {path} does not exist.",
                         "Give the prob_….vrt that 'tsm infer' printed (in its cache folder).")
    try:
        with rasterio.open(path) as src:
            tags = src.tags()
            if "TSM_DATES" not in tags or src.dtypes[0] != "uint8":
                raise InputError(f"{Path(path).name} is not a probability raster written by Thaw Slump Mapper "
                                 "(it lacks the TSM tags).",
                                 "Give the prob_….vrt that 'tsm infer' printed, not an image or another raster.")
            names = [d or f"band{i}" for i, d in enumerate(src.descriptions, start=1)]
            return {"dates": json.loads(tags.get("TSM_DATES", "[]")), "band_names": names,
                    "model": json.loads(tags.get("TSM_MODEL", "{}")),
                    "mosaics": json.loads(tags.get("TSM_MOSAICS", "[]")),
                    "crs": src.crs, "transform": src.transform, "width": src.width, "height": src.height}
    except (rasterio.errors.RasterioError, rasterio.errors.RasterioIOError) as exc:
        raise InputError(f"{path} cannot be read as a probability raster ({exc}).",
                         "Give a probability GeoTIFF written by 'tsm infer' or the plugin.") from exc
