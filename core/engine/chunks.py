"""The tile grid cut into chunks: the unit of work that is written, resumed and distributed.

A chunk is a rectangle of the output. Its borders lie where a tile's non-zero blending weight
begins, so a chunk needs its own tiles plus, along its top and left side, the one tile row or
column of the neighbour whose weight reaches a few pixels (overlap/2 at most) into it. The
neighbour saves that small part of its weighted prediction ("crop"); a chunk run after a restart
reads it from disk instead of predicting the tile again. Every pixel is therefore blended from
the same tiles, in the same order, whatever the chunk size or the order the chunks run in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .tiling import ramp, tile_starts

CHUNK_PX = 2048  # about 6 km at 3 m: a few hundred tiles of work, tens of MB of accumulators
# The accumulators hold every date of a chunk (2 × 16 MB per date at 2048²): beyond this many dates
# the chunks shrink so that a run of dozens of dates (every clear scene of six summers) needs the
# memory of a four-date run (24 dates at 2048² peaked at 4.7 GB).
DATES_PER_FULL_CHUNK = 4
MIN_CHUNK_PX = 256


def chunk_side(chunk_px: int, dates: int) -> int:
    if dates <= DATES_PER_FULL_CHUNK:
        return chunk_px
    return max(MIN_CHUNK_PX, int(chunk_px * math.sqrt(DATES_PER_FULL_CHUNK / dates)))


@dataclass(frozen=True)
class Axis:
    """Tile starts along one axis and where each tile's weight is non-zero."""

    length: int
    starts: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]  # [first, end) of non-zero weight, inside [0, length)
    bounds: tuple[int, ...]  # chunk borders: bounds[k] .. bounds[k + 1]
    per_chunk: int
    reach: tuple[tuple[int, ...], ...] = ()  # per tile: the chunks its non-zero weight reaches

    @classmethod
    def plan(cls, length: int, tile: int, overlap: int, per_chunk: int) -> Axis:
        starts = tile_starts(length, tile, overlap)
        spans = []
        for i, s in enumerate(starts):
            size = min(tile, length - s)
            w = ramp(tile, overlap, i == 0, s + tile >= length)[:size]
            nz = w.nonzero()[0]
            spans.append((s + int(nz[0]), s + int(nz[-1]) + 1))
        bounds = [0] + [spans[k][0] for k in range(per_chunk, len(starts), per_chunk)] + [length]
        reach = tuple(tuple(k for k in range(len(bounds) - 1) if a < bounds[k + 1] and b > bounds[k])
                      for a, b in spans)
        return cls(length, tuple(starts), tuple(spans), tuple(bounds), per_chunk, reach)

    @property
    def chunks(self) -> int:
        return len(self.bounds) - 1

    def owner(self, tile: int) -> int:
        return tile // self.per_chunk

    def tiles_of(self, chunk: int) -> list[int]:
        """Tiles whose non-zero weight reaches into the chunk."""
        first = max(0, (chunk - 1) * self.per_chunk)  # a tile reaches its own chunk and the next
        return [i for i in range(first, min(len(self.starts), (chunk + 1) * self.per_chunk))
                if chunk in self.reach[i]]


def chunk_name(ci: int, cj: int) -> str:
    return f"c{ci:04d}_{cj:04d}"


@dataclass(frozen=True)
class Chunk:
    ci: int
    cj: int
    row0: int
    row1: int
    col0: int
    col1: int
    tiles: tuple[tuple[int, int], ...] = field(repr=False)  # (tile row index, tile column index)

    @property
    def name(self) -> str:
        return chunk_name(self.ci, self.cj)

    @property
    def shape(self) -> tuple[int, int]:
        return self.row1 - self.row0, self.col1 - self.col0


class ChunkLayout:
    def __init__(self, height: int, width: int, tile: int, overlap: int, chunk_px: int = CHUNK_PX) -> None:
        per_chunk = max(1, round(chunk_px / max(1, tile - overlap)))
        self.tile, self.overlap = tile, overlap
        self.rows = Axis.plan(height, tile, overlap, per_chunk)
        self.cols = Axis.plan(width, tile, overlap, per_chunk)

    @property
    def tiles_total(self) -> int:
        return len(self.rows.starts) * len(self.cols.starts)

    def owner(self, ti: int, tj: int) -> tuple[int, int]:
        return self.rows.owner(ti), self.cols.owner(tj)

    def chunk(self, ci: int, cj: int) -> Chunk:
        tiles = tuple((ti, tj) for ti in self.rows.tiles_of(ci) for tj in self.cols.tiles_of(cj))
        return Chunk(ci, cj, self.rows.bounds[ci], self.rows.bounds[ci + 1], self.cols.bounds[cj],
                     self.cols.bounds[cj + 1], tiles)

    def chunks(self) -> list[Chunk]:
        """Row by row, so that a chunk's top and left neighbours ran before it."""
        return [self.chunk(ci, cj) for ci in range(self.rows.chunks) for cj in range(self.cols.chunks)]

    def consumers(self, ti: int, tj: int) -> list[tuple[int, int]]:
        """Chunks other than the owner that the tile's weight reaches into."""
        own = self.owner(ti, tj)
        return [(a, b) for a in self.rows.reach[ti] for b in self.cols.reach[tj] if (a, b) != own]

    def tile_window(self, ti: int, tj: int) -> tuple[int, int, int, int]:
        """row, col, height, width of the tile inside the grid."""
        r, c = self.rows.starts[ti], self.cols.starts[tj]
        return r, c, min(self.tile, self.rows.length - r), min(self.tile, self.cols.length - c)
