"""Training data export: image and mask chips around reviewed candidates, for training here or
anywhere else (a GPU cluster).

Chips are GeoTIFFs with the model's input bands (raw mosaic values, bands named by role) and a
mask GeoTIFF (1 = accepted slump, 0 = not); positives and hard negatives are centred on the
reviewed outlines, background chips are drawn at random. The train/validation split is by
spatial blocks, and a chip that would reach into a block of the other split is dropped, so no
two neighbouring chips sit on both sides. manifest.json/manifest.csv describe every chip.

An existing inventory (core.store.inventory_file) gives the same chips: its slumps are the
positives, its negatives (ARTS TrainClass = Negative, or a field and value) the hard negatives,
and background chips are drawn away from every polygon; each polygon is read from the mosaic
that covers most of it (any CRS), and each mosaic keeps its own stretch.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio import features
from rasterio.transform import Affine
from shapely.geometry import Point, box
from shapely.strtree import STRtree

from ..engine.bands import resolve_bands
from ..engine.model_spec import ModelSpec
from ..engine.raster import Grid, MosaicInfo, MosaicReader, MosaicSpec, inspect_mosaic
from ..errors import InputError
from ..store.candidates import read_candidates
from ..store.inventory_file import Inventory


@dataclass
class ChipRecord:
    image: str
    mask: str
    split: str
    kind: str  # positive, negative, background
    candidate_id: str
    date: str
    minx: float
    miny: float
    maxx: float
    maxy: float
    positive_pixels: int
    mosaic: int = 0  # index into the manifest's "sources" (the mosaic the chip was read from)


def block_split(x: float, y: float, block_m: float, val_share: float, seed: int) -> str:
    """Deterministic split of the block containing (x, y)."""
    key = f"{seed}:{math.floor(x / block_m)}:{math.floor(y / block_m)}".encode()
    value = int(hashlib.sha256(key).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "val" if value < val_share else "train"



@dataclass
class _Source:
    """One mosaic the chips are read from, with the polygons in its CRS."""

    info: MosaicInfo
    read_bands: list[int]
    roles: list[str]
    positives: list  # shapely, burnt into the masks
    avoid: list  # every polygon, kept out of background chips (inventory mode)


@dataclass
class _Target:
    kind: str
    cid: str
    centre: Point
    source: int
    keep: tuple[float, float, float, float] | None = None  # bounds that must stay inside the chip


def _source(info: MosaicInfo, spec: ModelSpec) -> tuple[list[int], list[str]]:
    read_bands, positions = resolve_bands(spec, info.count, dict(info.spec.band_map), Path(info.spec.path).name,
                                          base=info.band_map)
    return read_bands, sorted(positions, key=positions.get)


def _fit_block(lo: float, size: float, keep: tuple[float, float] | None, block_lo: float, block_m: float,
               res: float) -> float:
    """Slide a chip [lo, lo + size] into the block [block_lo, block_lo + block_m] while it keeps
    ``keep`` inside; the original position when it cannot."""
    low, high = block_lo, block_lo + block_m - size
    if keep is not None:
        low, high = max(low, keep[1] - size), min(high, keep[0])
    low, high = math.ceil(low / res - 1e-9) * res, math.floor(high / res + 1e-9) * res
    if low > high:
        return lo
    return min(max(lo, low), high)


def _write_chips(out: Path, targets: list[_Target], sources: list[_Source], spec: ModelSpec, chip: int,
                 block_m: float, val_share: float, seed: int, slide: bool) -> tuple[list[ChipRecord], int]:
    res = spec.gsd_m
    half = chip * res / 2
    records: list[ChipRecord] = []
    dropped = 0
    trees = [STRtree(s.positives) if s.positives else None for s in sources]
    for n, t in enumerate(targets):
        src, c = sources[t.source], t.centre
        x0, y1 = math.floor((c.x - half) / res) * res, math.floor((c.y + half) / res) * res
        split = block_split(c.x, c.y, block_m, val_share, seed)

        def straddles(x0: float, y1: float, split: str = split) -> bool:
            corners = [(x0, y1 - chip * res), (x0, y1), (x0 + chip * res, y1 - chip * res), (x0 + chip * res, y1)]
            return any(block_split(x, y, block_m, val_share, seed) != split for x, y in corners)

        if straddles(x0, y1) and slide:  # slide the chip into its centre's block, the outline still inside
            bx, by = math.floor(c.x / block_m) * block_m, math.floor(c.y / block_m) * block_m
            keep = t.keep
            x0 = _fit_block(x0, chip * res, (keep[0], keep[2]) if keep else None, bx, block_m, res)
            y0 = _fit_block(y1 - chip * res, chip * res, (keep[1], keep[3]) if keep else None, by, block_m, res)
            y1 = y0 + chip * res
        if straddles(x0, y1):
            dropped += 1  # would reach into a block of the other split
            continue
        bounds = (x0, y1 - chip * res, x0 + chip * res, y1)
        info = src.info
        grid = Grid(info.crs, Affine(res, 0, x0, 0, -res, y1), chip, chip)
        with MosaicReader(info, grid, src.read_bands) as reader:
            values, valid = reader.read(0, 0, chip, chip)
        if valid.mean() < 0.5:
            dropped += 1
            continue
        tree = trees[t.source]
        shapes = [src.positives[i] for i in tree.query(box(*bounds))] if tree is not None else []
        mask = features.rasterize([(p, 1) for p in shapes], out_shape=(chip, chip), transform=grid.transform,
                                  dtype="uint8") if shapes else np.zeros((chip, chip), np.uint8)
        mask[~valid] = 255
        stem = f"{n:05d}_{t.kind}"
        image_path, mask_path = out / "images" / f"{stem}.tif", out / "masks" / f"{stem}.tif"
        with rasterio.open(image_path, "w", driver="GTiff", width=chip, height=chip, count=len(src.read_bands),
                           dtype=values.dtype, crs=info.crs, transform=grid.transform, nodata=info.nodata) as dst:
            dst.write(values)
            for b, role in enumerate(src.roles, start=1):
                dst.set_band_description(b, role)
        with rasterio.open(mask_path, "w", driver="GTiff", width=chip, height=chip, count=1, dtype="uint8",
                           crs=info.crs, transform=grid.transform, nodata=255) as dst:
            dst.write(mask, 1)
        records.append(ChipRecord(str(image_path.relative_to(out)), str(mask_path.relative_to(out)), split, t.kind,
                                  t.cid, info.spec.label, *bounds, int((mask == 1).sum()), t.source))
    return records, dropped


def _percentiles(src: _Source) -> list[list[float]]:
    """The stretch of the whole mosaic, so training sees what the engine's percentile
    normalisation gives."""
    info = src.info
    full = Grid(info.crs, info.transform, info.width, info.height)
    with MosaicReader(info, full, src.read_bands) as reader:
        scale = min(1.0, 1024 / max(info.width, info.height))
        shape = (max(1, int(info.height * scale)), max(1, int(info.width * scale)))
        sample, sample_valid = reader.read(0, 0, info.height, info.width, out_shape=shape)
    return [[float(v) for v in np.percentile(b[sample_valid], [2, 98])] for b in sample.astype(np.float32)]


def _manifest(out: Path, records: list[ChipRecord], sources: list[_Source], spec: ModelSpec, chip: int,
              block_m: float, val_share: float, seed: int, dropped: int, extra: dict) -> dict:
    note = ""
    if records and not any(r.split == "train" for r in records):
        for r in records:  # an area too small for a spatial split: train on everything, validate on nothing
            r.split = "train"
        note = "area smaller than the spatial blocks: every chip is used for training, none for validation"
    used = sorted({r.mosaic for r in records} | {0})
    stretch = {i: _percentiles(sources[i]) for i in used}
    first = sources[0].info
    manifest = {
        "format": "thaw-slump-mapper-chips/1", "crs": first.crs.to_wkt(), "gsd_m": spec.gsd_m, "chip": chip,
        "band_percentiles_2_98": stretch[0],
        "bands": sources[0].roles, "value_domain": first.domain,
        "source_mosaic": str(Path(first.spec.path).resolve()), "block_m": block_m, "val_share": val_share,
        "seed": seed, "dropped_at_split_borders_or_nodata": dropped, "note": note,
        "counts": {k: sum(1 for r in records if r.kind == k) for k in ("positive", "negative", "background")},
        "splits": {s: sum(1 for r in records if r.split == s) for s in ("train", "val")},
        **extra,
        # each mosaic's own stretch (chips say which mosaic by index); band_percentiles_2_98 is the first's
        "sources": [{"path": str(Path(s.info.spec.path).resolve()), "crs": s.info.crs.to_wkt(),
                     "band_percentiles_2_98": stretch.get(i)} for i, s in enumerate(sources)],
        "chips": [asdict(r) for r in records],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(asdict(records[0]).keys()) if records else ["image"])
        writer.writeheader()
        for r in records:
            writer.writerow(asdict(r))
    return manifest


def export_chips(gpkg: str | Path, mosaics: list[MosaicSpec], spec: ModelSpec, out_dir: str | Path,
                 chip: int = 128, background: int = 20, block_m: float = 600.0, val_share: float = 0.25,
                 seed: int = 0) -> dict:
    """Chips from the review decisions of a candidates GeoPackage, read from the latest mosaic."""
    out = Path(out_dir)
    rows = read_candidates(gpkg)
    infos = [inspect_mosaic(m) for m in mosaics]  # every input checked before anything is written
    info = infos[-1]  # the latest mosaic: the slumps as they were last outlined
    read_bands, roles = _source(info, spec)
    positives = [r["geometry"] for r in rows if r.get("status") == "accepted"]
    negatives = [r for r in rows if r.get("status") == "rejected"]
    if not positives:
        raise InputError("There are no accepted slumps to learn from.", "Review candidates (accept some) first.")
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "masks").mkdir(parents=True, exist_ok=True)
    half = chip * spec.gsd_m / 2
    rng = np.random.default_rng(seed)
    left, bottom, right, top = info.bounds
    targets = [_Target("positive", r["candidate_id"], r["geometry"].centroid, 0)
               for r in rows if r.get("status") == "accepted"]
    targets += [_Target("negative", r["candidate_id"], r["geometry"].centroid, 0) for r in negatives]
    for i in range(background):
        targets.append(_Target("background", f"bg{i}", Point(rng.uniform(left + half, right - half),
                                                             rng.uniform(bottom + half, top - half)), 0))
    sources = [_Source(info, read_bands, roles, positives, [])]
    records, dropped = _write_chips(out, targets, sources, spec, chip, block_m, val_share, seed, slide=False)
    return _manifest(out, records, sources, spec, chip, block_m, val_share, seed, dropped, {})


def export_inventory_chips(inventory: Inventory, mosaics: list[MosaicSpec], spec: ModelSpec, out_dir: str | Path,
                           chip: int = 128, background: int = 30, block_m: float = 1000.0, val_share: float = 0.25,
                           seed: int = 0) -> dict:
    """Chips from an existing inventory drawn on ``mosaics``: its slumps are positives, its
    negatives hard negatives, and ``background`` chips are drawn away from every polygon. Each
    polygon is read from the mosaic that covers most of it; polygons outside every mosaic are
    counted in the manifest (``inventory.outside_mosaics``), not an error. A chip that would reach
    into a block of the other split first slides within its own block, keeping the outline inside."""
    out = Path(out_dir)
    if not mosaics:
        raise InputError("No mosaic was given for the inventory.", "Give the mosaics its slumps were drawn on.")
    infos = [inspect_mosaic(m) for m in mosaics]  # every input checked before anything is written
    sources = []
    for info in infos:
        read_bands, roles = _source(info, spec)
        if sources and roles != sources[0].roles:
            raise InputError(f"{Path(info.spec.path).name} gives the bands {', '.join(roles)} but "
                             f"{Path(infos[0].spec.path).name} gives {', '.join(sources[0].roles)}.",
                             "Give mosaics with the same bands (or the same band mapping).")
        local = inventory.in_crs(info.crs)
        sources.append(_Source(info, read_bands, roles, [p.geometry for p in local if not p.negative],
                               [p.geometry for p in local]))
    footprints = [box(*s.info.bounds) for s in sources]
    targets: list[_Target] = []
    outside = {"positive": 0, "negative": 0}
    for k, polygon in enumerate(inventory.polygons):
        kind = "negative" if polygon.negative else "positive"
        best, best_area = None, 0.0
        for i, s in enumerate(sources):
            g = s.avoid[k]
            area = g.intersection(footprints[i]).area / max(g.area, 1e-12)
            if area > 0 and area >= best_area:  # ties: the later mosaic (the latest year)
                best, best_area = i, area
        if best is None:
            outside[kind] += 1
            continue
        g = sources[best].avoid[k]
        targets.append(_Target(kind, polygon.uid, g.representative_point() if not g.centroid.within(g) else
                               g.centroid, best, g.bounds))
    if not any(t.kind == "positive" for t in targets):
        raise InputError(f"None of the {len(inventory.positives)} slumps of {inventory.label} lies on the "
                         f"{len(infos)} mosaic(s) given ({outside['positive']} outside all of them).",
                         "Give the mosaics the inventory was drawn on (any CRS is fine).")
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "masks").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    half = chip * spec.gsd_m / 2
    margin = 2 * spec.gsd_m  # a background chip stays this far from any polygon
    avoid_trees = [STRtree(s.avoid) if s.avoid else None for s in sources]
    placed, tries = 0, 0
    while placed < background and tries < background * 50:
        tries += 1
        i = int(rng.integers(len(sources)))
        left, bottom, right, top = sources[i].info.bounds
        if right - left < 2 * half or top - bottom < 2 * half:
            continue
        c = Point(rng.uniform(left + half, right - half), rng.uniform(bottom + half, top - half))
        window = box(c.x - half - margin, c.y - half - margin, c.x + half + margin, c.y + half + margin)
        tree = avoid_trees[i]
        if tree is not None and any(sources[i].avoid[j].intersects(window) for j in tree.query(window)):
            continue
        targets.append(_Target("background", f"bg{placed}", c, i))
        placed += 1
    records, dropped = _write_chips(out, targets, sources, spec, chip, block_m, val_share, seed, slide=True)
    extra = {"inventory": {"label": inventory.label, "polygons": len(inventory.polygons),
                           "positives": len(inventory.positives), "negatives": len(inventory.negatives),
                           "negative_rule": list(inventory.negative_rule) if inventory.negative_rule else None,
                           "outside_mosaics": outside["positive"] + outside["negative"],
                           "outside_positives": outside["positive"], "outside_negatives": outside["negative"],
                           "without_polygon": inventory.skipped, "background_wanted": background,
                           "background_placed": placed}}
    return _manifest(out, records, sources, spec, chip, block_m, val_share, seed, dropped, extra)
