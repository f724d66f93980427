"""Tiles with overlap, and blending of overlapping tile predictions without seams.

Each tile's prediction is weighted by a window that is zero for the outer quarter of the
overlap on every side that faces another tile, then rises smoothly (sin²) to one. A model
whose receptive field reaches less than that zero margin therefore contributes only pixels it
saw with full context, and the blended result equals one pass over the whole image away from
the extent border. Sides on the extent border keep full weight: no other tile covers them.

Tiles are processed row by row; a row's pixels are final once the next row of tiles starts
below them, so only one tile-height strip of accumulators is held (memory flat in the height).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets along one axis; the last tile is moved back to end at the border."""
    if length <= tile:
        return [0]
    stride = tile - overlap
    starts = list(range(0, length - tile, stride))
    starts.append(length - tile)
    return starts


def ramp(tile: int, overlap: int, at_start: bool, at_end: bool) -> np.ndarray:
    """1-D weight window; ``at_start``/``at_end``: that side lies on the extent border."""
    w = np.ones(tile, dtype=np.float64)
    margin = overlap // 4
    rise = overlap - 2 * margin  # weight reaches one before the neighbour's zero margin ends
    if rise > 0:
        t = (np.arange(rise) + 0.5) / rise
        shape = np.sin(t * np.pi / 2) ** 2
    else:
        shape = np.ones(0)
    if not at_start and overlap > 0:
        w[:margin] = 0
        w[margin:margin + rise] = shape
    if not at_end and overlap > 0:
        w[tile - margin:] = 0
        w[tile - margin - rise:tile - margin] = np.minimum(w[tile - margin - rise:tile - margin], shape[::-1])
    return w.astype(np.float32)


class TileWeights:
    """Cached 2-D windows for the border situations a tile can be in."""

    def __init__(self, tile: int, overlap: int) -> None:
        self.tile, self.overlap = tile, overlap
        self._cache: dict[tuple[bool, bool, bool, bool], np.ndarray] = {}

    def get(self, top: bool, bottom: bool, left: bool, right: bool) -> np.ndarray:
        key = (top, bottom, left, right)
        if key not in self._cache:
            wy = ramp(self.tile, self.overlap, top, bottom)
            wx = ramp(self.tile, self.overlap, left, right)
            self._cache[key] = np.outer(wy, wx)
        return self._cache[key]


FlushFn = Callable[[int, np.ndarray, np.ndarray], None]


class StripBlender:
    """Accumulates weighted tile predictions over a moving strip of rows of the output.

    ``add`` tiles of one tile-row, then ``finish_row(next_row_start)`` hands every output row
    above ``next_row_start`` to ``flush(row0, probability, weight)`` and forgets it.
    """

    def __init__(self, width: int, height: int, flush: FlushFn) -> None:
        self.width, self.height, self.flush = width, height, flush
        self.base = 0
        self.acc = np.zeros((0, width), np.float32)
        self.wsum = np.zeros((0, width), np.float32)

    def _ensure(self, row_end: int) -> None:
        need = row_end - self.base - self.acc.shape[0]
        if need > 0:
            self.acc = np.vstack([self.acc, np.zeros((need, self.width), np.float32)])
            self.wsum = np.vstack([self.wsum, np.zeros((need, self.width), np.float32)])

    def add(self, row: int, col: int, prob: np.ndarray, weight: np.ndarray) -> None:
        h, w = prob.shape
        self._ensure(row + h)
        r = row - self.base
        self.acc[r:r + h, col:col + w] += prob * weight
        self.wsum[r:r + h, col:col + w] += weight

    def finish_row(self, next_row_start: int | None) -> None:
        end = self.height if next_row_start is None else next_row_start
        n = end - self.base
        if n <= 0:
            return
        self._ensure(end)
        acc, wsum = self.acc[:n], self.wsum[:n]
        prob = np.divide(acc, wsum, out=np.full_like(acc, np.nan), where=wsum > 0)
        self.flush(self.base, prob, wsum)
        self.acc, self.wsum = self.acc[n:].copy(), self.wsum[n:].copy()
        self.base = end


ReadFn = Callable[[int, int, int, int], "tuple[np.ndarray, np.ndarray] | None"]
PredictFn = Callable[[np.ndarray], np.ndarray]


@dataclass
class TileCounts:
    total: int = 0
    run: int = 0
    skipped: int = 0


def tiled_predict(read: ReadFn, predict: PredictFn, height: int, width: int, tile: int, overlap: int,
                  flush: FlushFn, batch_size: int = 4, before_tile: Callable[[], None] | None = None,
                  after_tile: Callable[[], None] | None = None, border: str = "reflect") -> TileCounts:
    """Run ``predict`` over a height×width image tile by tile and blend the results.

    ``read(row, col, h, w)`` returns (model input C×h×w, valid h×w) or None for a tile with no
    valid pixel (skipped). ``predict`` maps N×C×T×T to N×T×T probabilities. ``flush`` receives
    finished rows in order (see StripBlender). ``before_tile`` may raise to cancel.
    """
    rows, cols = tile_starts(height, tile, overlap), tile_starts(width, tile, overlap)
    weights = TileWeights(tile, overlap)
    blender = StripBlender(width, height, flush)
    counts = TileCounts(total=len(rows) * len(cols))
    pending: list[tuple[int, int, int, np.ndarray, np.ndarray]] = []
    left = [len(cols)] * len(rows)
    next_to_finish = 0

    def finish_ready_rows() -> None:
        nonlocal next_to_finish
        while next_to_finish < len(rows) and left[next_to_finish] == 0:
            nxt = next_to_finish + 1
            blender.finish_row(rows[nxt] if nxt < len(rows) else None)
            next_to_finish = nxt

    def run_pending() -> None:
        if pending:
            probs = predict(np.stack([p[3] for p in pending]))
            for (ri, r0, c0, _, valid), prob in zip(pending, probs):
                h, w = valid.shape
                wgt = weights.get(r0 == 0, r0 + tile >= height, c0 == 0, c0 + tile >= width)
                p = prob[:h, :w]
                seen = np.isfinite(p)  # a model with a smaller output leaves a NaN margin
                blender.add(r0, c0, np.where(seen, p, 0.0), wgt[:h, :w] * valid * seen)
                left[ri] -= 1
            pending.clear()
        finish_ready_rows()

    for ri, r0 in enumerate(rows):
        for c0 in cols:
            if before_tile is not None:
                before_tile()
            h, w = min(tile, height - r0), min(tile, width - c0)
            got = read(r0, c0, h, w)
            if got is None:
                left[ri] -= 1
                counts.skipped += 1
            else:
                x, valid = got
                if (h, w) != (tile, tile):  # image smaller than a tile: pad as the model description says
                    mode = {"zeros": "constant", "edge": "edge"}.get(border, "reflect" if min(h, w) > 1 else "edge")
                    x = np.pad(x, ((0, 0), (0, tile - h), (0, tile - w)), mode=mode)
                pending.append((ri, r0, c0, x, valid))
                counts.run += 1
                if len(pending) >= max(1, batch_size):
                    run_pending()
            if after_tile is not None:
                after_tile()
        run_pending()
    run_pending()
    return counts
