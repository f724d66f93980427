"""The chunked run: reads in a thread pool, the model in the calling thread, blending and writing
in a thread of their own, one chunk file at a time.

Each tile's window is read for every date and the dates go through the model in the same batch.
A finished chunk is written once, as its own GeoTIFF (whole blocks, compressed once), after the
small parts of its tiles that reach into later chunks ("crops") are saved beside it; a chunk file
on disk is therefore complete and a rerun skips it.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
import zipfile
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import rasterio

from ..errors import OutputError
from ..outputs import atomic_file, raster_file
from ..progress import CancelToken
from .chunks import DATES_PER_FULL_CHUNK, Chunk, ChunkLayout, chunk_name
from .tiling import TileWeights

NODATA = 255
SCALE = 250.0
# tile rows per read in the first chunk, where the model would otherwise wait for the whole read
# before its first batch; later chunks are read whole, a chunk ahead (groups of 4 rows read 8-12 %
# twice and slowed a UNet-ResNet34)
FIRST_REGION_TILE_ROWS = 1
CACHE_FIX = "Choose a cache folder with free space (plugin settings or --cache)."



def chunk_done(folder: Path, chunk: Chunk | str) -> bool:
    """Written by this run or an earlier one: its GeoTIFF, or the marker of a chunk without data."""
    name = chunk if isinstance(chunk, str) else chunk.name
    return (folder / f"{name}.tif").exists() or (folder / f"{name}.empty").exists()


class TileSource(Protocol):
    """Reads for one thread: ``load`` a region of the grid for one date (one read per chunk:
    a window read per tile costs 3× as much in GDAL's unaligned copy), then ``tile`` cuts and
    prepares a tile of it: model input C×h×w and valid h×w, or None without a valid pixel."""

    def load(self, date: int, row: int, col: int, height: int, width: int) -> Any: ...

    def tile(self, region: Any, row: int, col: int, height: int, width: int
             ) -> tuple[np.ndarray, np.ndarray] | None: ...


def encode(prob: np.ndarray) -> np.ndarray:
    """Probabilities 0-1 (NaN: not seen) as uint8 0-SCALE, NODATA where not seen. Whole-array
    arithmetic: gathering and scattering the finite pixels by a boolean index took 4× as long."""
    unseen = ~np.isfinite(prob)
    scaled = np.multiply(prob, SCALE, dtype=np.float32)
    scaled[unseen] = 0
    np.rint(scaled, out=scaled)
    np.clip(scaled, 0, SCALE, out=scaled)
    out = scaled.astype(np.uint8)
    out[unseen] = NODATA
    return out


def _yield_to_model() -> None:
    """Run this thread only on CPU time the model leaves. A convolution splits each layer across
    the cores and waits for the slowest part: a reading thread taking a core now and then slowed a
    UNet-ResNet34 by 10 % on 2 cores. Under Linux's SCHED_IDLE policy (or nice 19 where that is
    refused) reads, blending and writing run between layers and batches; when the model runs out
    of read-ahead tiles it waits, its threads sleep and the reads get the cores. Linux sets this per
    thread; elsewhere nothing changes."""
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    try:
        os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        try:
            os.setpriority(os.PRIO_PROCESS, tid, 19)
        except (AttributeError, OSError):
            pass


@dataclass
class Stats:
    tiles_run: int = 0  # tiles with a valid pixel in some date, predicted
    tiles_recomputed: int = 0  # a neighbour's tile predicted again (its crop was not at hand)
    model_seconds: float = 0.0
    read_wait_seconds: float = 0.0  # the model thread waiting for reads
    sink_seconds: float = 0.0  # blending, encoding and writing (in their own thread)
    chunks_written: int = 0
    chunks_skipped: int = 0  # already on disk from an earlier, interrupted run


@dataclass
class _Acc:
    chunk: Chunk
    acc: np.ndarray
    wsum: np.ndarray
    crops: dict = field(default_factory=dict)  # (consumer name, tile) → (acc, wsum, r0, c0) or None


class ChunkedRun:
    """One run over a layout. ``folder`` holds the chunk files; ``dates`` the number of mosaics."""

    def __init__(self, layout: ChunkLayout, folder: Path, dates: int, make_source: Callable[[], TileSource],
                 predict: Callable[[np.ndarray], np.ndarray], keeps: Callable[[int, int, int, int], bool],
                 profile: dict, batch_size: int = 4, read_threads: int = 0, border: str = "reflect") -> None:
        self.layout, self.folder, self.dates = layout, folder, dates
        self.predict, self.keeps, self.profile = predict, keeps, profile
        self.batch_size = max(1, batch_size)
        self.read_threads = read_threads or min(4, os.cpu_count() or 1)
        self.make_source = make_source
        self.border = border  # how a grid smaller than a tile is padded (the model description says)
        self._local = threading.local()
        self.weights = TileWeights(layout.tile, layout.overlap)
        self.stats = Stats()
        self.crops: dict = {}  # in memory: (consumer name, tile) → crop
        # a tile's weighted probabilities and weights, reused from tile to tile by the one sink thread:
        # a fresh pair of arrays per tile cost a memory mapping and its page faults each time
        self._tile_buffers: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        self.bands = dates + (2 if dates > 1 else 0)

    # -- files --------------------------------------------------------------------------------
    def chunk_path(self, chunk: Chunk) -> Path:
        return self.folder / f"{chunk.name}.tif"

    def is_done(self, chunk: Chunk) -> bool:
        return chunk_done(self.folder, chunk)

    def _load_crops(self, producer: str) -> None:
        """The crops an earlier run saved; missing or unreadable ones (another run sharing the cache
        finished and removed them, a damaged file) are simply not at hand: their tiles are predicted
        again."""
        path = self.folder / f"{producer}.crops.npz"
        if not path.exists():
            return
        crops = {}
        try:
            with np.load(path) as data:
                for key in data.files:
                    if key.endswith("_a"):
                        consumer, ti, tj = key[:-2].rsplit("_", 2)
                        r0, c0 = (int(v) for v in data[key[:-2] + "_o"])
                        crops[(consumer, (int(ti), int(tj)))] = (data[key], data[key[:-2] + "_w"], r0, c0)
                    elif key.endswith("_none"):
                        consumer, ti, tj = key[:-5].rsplit("_", 2)
                        crops[(consumer, (int(ti), int(tj)))] = None
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return
        self.crops.update(crops)

    def _save_crops(self, state: _Acc) -> None:
        arrays = {}
        for (consumer, (ti, tj)), crop in state.crops.items():
            key = f"{consumer}_{ti}_{tj}"
            if crop is None:
                arrays[key + "_none"] = np.zeros(0, np.uint8)
            else:
                arrays[key + "_a"], arrays[key + "_w"] = crop[0], crop[1]
                arrays[key + "_o"] = np.array([crop[2], crop[3]])
        if arrays:  # under a name of this run's own: runs sharing a cache never write one file
            with atomic_file(self.folder / f"{state.chunk.name}.crops.npz", "crops of a chunk", CACHE_FIX,
                             sweep=False) as tmp:
                np.savez(tmp, **arrays)

    # -- reading (pool threads) -----------------------------------------------------------------
    def _source(self) -> TileSource:
        source = getattr(self._local, "source", None)
        if source is None:  # datasets are not shared between threads: each opens its own
            source = self._local.source = self.make_source()
        return source

    def _load(self, d: int, bounds: tuple[int, int, int, int]):
        return self._source().load(d, *bounds)

    def _prepare(self, ti: int, tj: int, regions: list[Future]):
        r, c, h, w = self.layout.tile_window(ti, tj)
        source = self._source()
        out = []
        for d, region in enumerate(regions):
            got = source.tile(region.result(), r, c, h, w)
            if got is not None:
                x, valid = got
                tile = self.layout.tile
                if (h, w) != (tile, tile):  # a grid smaller than a tile
                    mode = {"zeros": "constant", "edge": "edge"}.get(self.border,
                                                                     "reflect" if min(h, w) > 1 else "edge")
                    x = np.pad(x, ((0, 0), (0, tile - h), (0, tile - w)), mode=mode)
                out.append((d, x, valid))
        return out

    # -- the run --------------------------------------------------------------------------------
    def run(self, chunks: list[Chunk], cancel: CancelToken, on_tile: Callable[[int, bool], None]) -> Stats:
        """Run ``chunks`` (row by row); ``on_tile(n, resumed)`` after n owned tiles are done (by an
        earlier run when ``resumed``)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        loaded: set[tuple[int, int]] = set()  # producers done by an earlier run whose crops were read
        sink_q: queue.Queue = queue.Queue(maxsize=8)  # short: an idle-priority sink leaves little to do at the end
        sink_error: list[BaseException] = []
        # progress is counted by the sink and reported from this thread (as callers expect:
        # Processing's feedback and Qt signals belong to the thread that runs the work)
        self._counts = [0, 0]  # tiles done now, tiles found done from an earlier run
        self._counts_lock = threading.Lock()
        reported = [0, 0]

        def report() -> None:
            with self._counts_lock:
                now, earlier = list(self._counts)
            if earlier > reported[1]:
                on_tile(earlier - reported[1], True)
            if now > reported[0]:
                on_tile(now - reported[0], False)
            reported[0], reported[1] = now, earlier

        sink = threading.Thread(target=self._sink, args=(sink_q, sink_error), daemon=True, name="tsm-sink")
        sink.start()
        pool = ThreadPoolExecutor(self.read_threads, thread_name_prefix="tsm-read", initializer=_yield_to_model)
        lookahead: deque = deque()
        pending: list = []  # in order: ("tile", chunk, ti, tj, items) | ("crop", …) | ("end", chunk)
        pending_items = 0

        in_run = {(c.ci, c.cj) for c in chunks}
        done_before = {(c.ci, c.cj) for c in chunks if self.is_done(c)}

        started = [False]
        outside: dict[tuple[int, int], bool] = {}

        def owner_done(owner: tuple[int, int]) -> bool:
            """Done before this run started, or (a chunk outside this run: another process of a
            cluster run) done by now, with its crops on disk."""
            if owner in in_run:
                return owner in done_before
            if owner not in outside:
                outside[owner] = chunk_done(self.folder, chunk_name(*owner))
            return outside[owner]

        def plan(chunk: Chunk):
            """The chunk's jobs; its region reads start now, a chunk ahead of the model."""
            if (chunk.ci, chunk.cj) in done_before:
                return chunk, None, []
            jobs_here = []
            for ti, tj in chunk.tiles:
                r, c, h, w = self.layout.tile_window(ti, tj)
                if not self.keeps(r, c, h, w):
                    continue
                owner = self.layout.owner(ti, tj)
                key = (chunk.name, (ti, tj))
                if owner not in loaded and owner != (chunk.ci, chunk.cj) and owner_done(owner):
                    self._load_crops(chunk_name(*owner))  # read when needed: a resumed corridor has
                    loaded.add(owner)                     # thousands of them
                # a neighbour run earlier leaves its crop: taken by the sink, which gets there
                # after it has finished that neighbour (the reads run ahead of it)
                if owner != (chunk.ci, chunk.cj) and (key in self.crops
                                                      or (owner in in_run and owner not in done_before)):
                    jobs_here.append(("crop", chunk, ti, tj, key))
                else:
                    if owner != (chunk.ci, chunk.cj):
                        self.stats.tiles_recomputed += 1
                    jobs_here.append(("tile", chunk, ti, tj, (r, c, h, w)))
            # one read per date for the chunk's tiles; the first chunk a tile row at a time, so
            # that the model's first batch does not wait for the whole chunk
            rows = sorted({j[2] for j in jobs_here if j[0] == "tile"})
            regions: dict[int, list[Future]] = {}
            step = max(1, len(rows)) if started[0] else FIRST_REGION_TILE_ROWS
            started[0] = started[0] or bool(rows)
            for g in range(0, len(rows), step):
                group = set(rows[g:g + step])
                windows = [j[4] for j in jobs_here if j[0] == "tile" and j[2] in group]
                r0, c0 = min(b[0] for b in windows), min(b[1] for b in windows)
                r1, c1 = max(b[0] + b[2] for b in windows), max(b[1] + b[3] for b in windows)
                futures = [pool.submit(self._load, d, (r0, c0, r1 - r0, c1 - c0)) for d in range(self.dates)]
                regions.update({ti: futures for ti in group})
            return chunk, regions, jobs_here

        def jobs():
            planned: deque = deque()
            upcoming = iter(chunks)
            while True:
                while len(planned) < 2:
                    chunk = next(upcoming, None)
                    if chunk is None:
                        break
                    planned.append(plan(chunk))
                if not planned:
                    return
                chunk, regions, jobs_here = planned.popleft()
                if regions is None:
                    self.stats.chunks_skipped += 1
                    yield ("skip", chunk)
                    continue
                yield ("start", chunk)
                for job in jobs_here:
                    if job[0] == "tile":
                        yield (*job[:4], pool.submit(self._prepare, job[2], job[3], regions[job[2]]))
                    else:
                        yield job
                yield ("end", chunk)

        def put(item) -> None:
            while True:
                if sink_error:
                    raise sink_error[0]
                try:
                    sink_q.put(item, timeout=0.5)
                    return
                except queue.Full:
                    continue

        def flush() -> None:
            nonlocal pending_items
            batch = [(i, it) for i, job in enumerate(pending) if job[0] == "tile" for it in job[4]]
            probs = None
            if batch:
                t0 = time.monotonic()
                stacked = np.stack([it[1] for _, it in batch])
                if self.dates <= DATES_PER_FULL_CHUNK:
                    probs = self.predict(stacked)
                else:  # a tile brings every date: the model sees batch_size of them at a time, not 49
                    probs = np.concatenate([self.predict(stacked[k:k + self.batch_size])
                                            for k in range(0, len(stacked), self.batch_size)])
                self.stats.model_seconds += time.monotonic() - t0
            by_job: dict[int, list] = {}
            for k, (i, (d, _x, valid)) in enumerate(batch):
                by_job.setdefault(i, []).append((d, probs[k], valid))
            for i, job in enumerate(pending):
                if job[0] == "tile":
                    put(("tile", job[1], job[2], job[3], by_job.get(i, [])))
                else:
                    put(job)
            pending.clear()
            pending_items = 0

        prefetch = max(2 * self.batch_size, 2 * self.read_threads)
        if self.dates > DATES_PER_FULL_CHUNK:  # tiles read ahead hold every date: as many images as with four
            prefetch = max(1, -(-prefetch * DATES_PER_FULL_CHUNK // self.dates))
        try:
            source = jobs()
            done_source = False
            while True:
                while not done_source and sum(1 for j in lookahead if j[0] == "tile") < prefetch:
                    nxt = next(source, None)
                    if nxt is None:
                        done_source = True
                    else:
                        lookahead.append(nxt)
                if not lookahead:
                    break
                job = lookahead.popleft()
                report()
                cancel.check()
                if job[0] == "tile":
                    fut: Future = job[4]
                    t0 = time.monotonic()
                    items = fut.result()
                    self.stats.read_wait_seconds += time.monotonic() - t0
                    pending.append((*job[:4], items))
                    pending_items += len(items)
                    if pending_items >= self.batch_size:
                        flush()
                else:
                    pending.append(job)
            flush()
            put(None)
        except BaseException:
            for job in lookahead:
                if job[0] == "tile":
                    job[4].cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            try:
                sink_q.put_nowait(None)
            except queue.Full:
                pass
            self._stop = True
            sink.join(timeout=60)
            raise
        finally:
            pool.shutdown(wait=True)
        sink.join()
        if sink_error:
            raise sink_error[0]
        report()
        return self.stats

    _stop = False

    # -- blending and writing (sink thread) -------------------------------------------------------
    def _count(self, n: int, earlier: bool) -> None:
        with self._counts_lock:
            self._counts[1 if earlier else 0] += n

    def _sink(self, q: queue.Queue, error: list) -> None:
        # not idle: a light model would outrun it and leave a backlog to write at the end
        _yield_to_model()
        state: _Acc | None = None
        try:
            while True:
                item = q.get()
                if item is None or self._stop:
                    return
                t0 = time.monotonic()
                kind = item[0]
                if kind == "skip":
                    self._count(self._owned_count(item[1]), True)
                elif kind == "start":
                    h, w = item[1].shape
                    state = _Acc(item[1], np.zeros((self.dates, h, w), np.float32),
                                 np.zeros((self.dates, h, w), np.float32))
                elif kind == "tile":
                    self._add_tile(state, item[2], item[3], item[4])
                    if self.layout.owner(item[2], item[3]) == (state.chunk.ci, state.chunk.cj):
                        self._count(1, False)
                elif kind == "crop":
                    crop = self.crops.pop(item[4])
                    if crop is not None:
                        a, wt, r0, c0 = crop
                        h, w = a.shape[1:]
                        state.acc[:, r0:r0 + h, c0:c0 + w] += a
                        state.wsum[:, r0:r0 + h, c0:c0 + w] += wt
                elif kind == "end":
                    self._finish(state)
                    state = None
                self.stats.sink_seconds += time.monotonic() - t0
        except BaseException as exc:  # noqa: BLE001 - handed to the model thread, which raises it
            error.append(exc)
            while True:  # keep draining so that the producer never blocks
                try:
                    if q.get(timeout=1) is None:
                        return
                except queue.Empty:
                    return

    def _owned_count(self, chunk: Chunk) -> int:
        n = 0
        for ti, tj in chunk.tiles:
            if self.layout.owner(ti, tj) == (chunk.ci, chunk.cj) and self.keeps(*self.layout.tile_window(ti, tj)):
                n += 1
        return n

    def _add_tile(self, state: _Acc, ti: int, tj: int, preds: list) -> None:
        layout, chunk = self.layout, state.chunk
        r, c, h, w = layout.tile_window(ti, tj)
        height, width = layout.rows.length, layout.cols.length
        wgt = self.weights.get(r == 0, r + layout.tile >= height, c == 0, c + layout.tile >= width)[:h, :w]
        if (h, w) not in self._tile_buffers:
            self._tile_buffers[h, w] = (np.empty((self.dates, h, w), np.float32),
                                        np.empty((self.dates, h, w), np.float32))
        a, wt = self._tile_buffers[h, w]
        if len(preds) < self.dates:  # a date without valid pixels adds nothing
            a.fill(0)
            wt.fill(0)
        for d, prob, valid in preds:
            p = prob[:h, :w]
            if valid.all() and not np.isnan(p).any():  # the common case: no masking needed
                wt[d] = wgt
                np.multiply(p, wgt, out=a[d])
                continue
            seen = np.isfinite(p)  # a model with a smaller output leaves a NaN margin
            np.multiply(wgt, valid & seen, out=wt[d])
            np.multiply(np.where(seen, p, 0.0), wt[d], out=a[d])
        if preds:
            self.stats.tiles_run += 1
        own = layout.owner(ti, tj) == (chunk.ci, chunk.cj)
        targets = [(chunk.ci, chunk.cj)] + (layout.consumers(ti, tj) if own else [])
        for ci, cj in targets:
            rows, cols = layout.rows, layout.cols
            r0, r1 = max(r, rows.bounds[ci]), min(r + h, rows.bounds[ci + 1])
            c0, c1 = max(c, cols.bounds[cj]), min(c + w, cols.bounds[cj + 1])
            if r1 <= r0 or c1 <= c0:
                continue
            part_a = a[:, r0 - r:r1 - r, c0 - c:c1 - c]
            part_w = wt[:, r0 - r:r1 - r, c0 - c:c1 - c]
            dr, dc = r0 - rows.bounds[ci], c0 - cols.bounds[cj]
            if (ci, cj) == (chunk.ci, chunk.cj):
                state.acc[:, dr:dr + r1 - r0, dc:dc + c1 - c0] += part_a
                state.wsum[:, dr:dr + r1 - r0, dc:dc + c1 - c0] += part_w
            else:
                name = chunk_name(ci, cj)
                crop = (part_a.copy(), part_w.copy(), dr, dc) if preds else None
                state.crops[(name, (ti, tj))] = crop
                self.crops[(name, (ti, tj))] = crop

    def _finish(self, state: _Acc) -> None:
        chunk = state.chunk
        self._save_crops(state)
        seen = state.wsum > 0
        probs = state.acc  # divided in place: the chunk's accumulators are not needed after this
        np.divide(probs, state.wsum, out=probs, where=seen)
        probs[~seen] = np.nan
        if not seen.any():
            with atomic_file(self.folder / f"{chunk.name}.empty", "chunk marker", CACHE_FIX, sweep=False) as tmp:
                tmp.touch()
            return
        bands = [probs[d] for d in range(self.dates)]
        if self.dates > 1:
            any_valid = seen.any(axis=0)
            filled = np.where(seen, probs, 0.0)
            count = seen.sum(axis=0)
            mean = np.where(any_valid, filled.sum(axis=0) / np.maximum(count, 1), np.nan)
            mx = np.where(any_valid, np.where(seen, probs, -np.inf).max(axis=0), np.nan)
            bands += [mean, mx]
        data = encode(probs if self.dates == 1 else np.stack(bands).astype(np.float32))
        h, w = chunk.shape
        t = self.profile["transform"]
        transform = t * rasterio.Affine.translation(chunk.col0, chunk.row0)
        profile = {**self.profile, "width": w, "height": h, "count": self.bands, "transform": transform}
        # a hidden temporary name of this run's own (never matched by c*.tif), renamed when complete
        with atomic_file(self.chunk_path(chunk), "probability chunk", CACHE_FIX, sweep=False) as tmp:
            try:
                with raster_file(tmp, **profile) as dst:
                    dst.write(data)  # every band and block at once: each block compressed exactly once
            except rasterio.errors.RasterioError as exc:
                raise OutputError(f"Cannot write the probability chunk {tmp} ({exc}).", CACHE_FIX) from exc
        self.stats.chunks_written += 1
