"""Training data export: image and mask chips around reviewed candidates, for training here or
anywhere else (a GPU cluster).

Chips are GeoTIFFs with the model's input bands (raw mosaic values, bands named by role) and a
mask GeoTIFF (1 = accepted slump, 0 = not); positives and hard negatives are centred on the
reviewed outlines, background chips are drawn at random. The train/validation split is by
spatial blocks, and a chip that would reach into a block of the other split is dropped, so no
two neighbouring chips sit on both sides. manifest.json/manifest.csv describe every chip.
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
from shapely.geometry import box

from ..engine.bands import resolve_bands
from ..engine.model_spec import ModelSpec
from ..engine.raster import Grid, MosaicReader, MosaicSpec, inspect_mosaic
from ..errors import InputError
from ..store.candidates import read_candidates


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


def block_split(x: float, y: float, block_m: float, val_share: float, seed: int) -> str:
    """Deterministic split of the block containing (x, y)."""
    key = f"{seed}:{math.floor(x / block_m)}:{math.floor(y / block_m)}".encode()
    value = int(hashlib.sha256(key).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "val" if value < val_share else "train"


def export_chips(gpkg: str | Path, mosaics: list[MosaicSpec], spec: ModelSpec, out_dir: str | Path,
                 chip: int = 128, background: int = 20, block_m: float = 600.0, val_share: float = 0.25,
                 seed: int = 0) -> dict:
    out = Path(out_dir)
    rows = read_candidates(gpkg)
    infos = [inspect_mosaic(m) for m in mosaics]  # every input checked before anything is written
    info = infos[-1]  # the latest mosaic: the slumps as they were last outlined
    read_bands, positions = resolve_bands(spec, info.count, dict(info.spec.band_map), Path(info.spec.path).name,
                                          base=info.band_map)
    positives = [r["geometry"] for r in rows if r.get("status") == "accepted"]
    negatives = [r for r in rows if r.get("status") == "rejected"]
    if not positives:
        raise InputError("There are no accepted slumps to learn from.", "Review candidates (accept some) first.")
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "masks").mkdir(parents=True, exist_ok=True)
    res = spec.gsd_m
    half = chip * res / 2
    rng = np.random.default_rng(seed)
    left, bottom, right, top = info.bounds
    centres = [("positive", r["candidate_id"], r["geometry"].centroid) for r in rows if r.get("status") == "accepted"]
    centres += [("negative", r["candidate_id"], r["geometry"].centroid) for r in negatives]
    for i in range(background):
        from shapely.geometry import Point

        centres.append(("background", f"bg{i}", Point(rng.uniform(left + half, right - half),
                                                      rng.uniform(bottom + half, top - half))))
    records: list[ChipRecord] = []
    dropped = 0
    for n, (kind, cid, c) in enumerate(centres):
        x0, y1 = math.floor((c.x - half) / res) * res, math.floor((c.y + half) / res) * res
        bounds = (x0, y1 - chip * res, x0 + chip * res, y1)
        split = block_split(c.x, c.y, block_m, val_share, seed)
        corners = [(bounds[0], bounds[1]), (bounds[0], bounds[3]), (bounds[2], bounds[1]), (bounds[2], bounds[3])]
        if any(block_split(x, y, block_m, val_share, seed) != split for x, y in corners):
            dropped += 1  # would straddle a train/validation border
            continue
        grid = Grid(info.crs, Affine(res, 0, x0, 0, -res, y1), chip, chip)
        with MosaicReader(info, grid, read_bands) as reader:
            values, valid = reader.read(0, 0, chip, chip)
        if valid.mean() < 0.5:
            dropped += 1
            continue
        shapes = [p for p in positives if p.intersects(box(*bounds))]
        mask = features.rasterize([(p, 1) for p in shapes], out_shape=(chip, chip), transform=grid.transform,
                                  dtype="uint8") if shapes else np.zeros((chip, chip), np.uint8)
        mask[~valid] = 255
        stem = f"{n:05d}_{kind}"
        image_path, mask_path = out / "images" / f"{stem}.tif", out / "masks" / f"{stem}.tif"
        roles = sorted(positions, key=positions.get)
        with rasterio.open(image_path, "w", driver="GTiff", width=chip, height=chip, count=len(read_bands),
                           dtype=values.dtype, crs=info.crs, transform=grid.transform, nodata=info.nodata) as dst:
            dst.write(values)
            for b, role in enumerate(roles, start=1):
                dst.set_band_description(b, role)
        with rasterio.open(mask_path, "w", driver="GTiff", width=chip, height=chip, count=1, dtype="uint8",
                           crs=info.crs, transform=grid.transform, nodata=255) as dst:
            dst.write(mask, 1)
        records.append(ChipRecord(str(image_path.relative_to(out)), str(mask_path.relative_to(out)), split, kind,
                                  cid, info.spec.label, *bounds, int((mask == 1).sum())))
    note = ""
    if records and not any(r.split == "train" for r in records):
        for r in records:  # an area too small for a spatial split: train on everything, validate on nothing
            r.split = "train"
        note = "area smaller than the spatial blocks: every chip is used for training, none for validation"
    # the stretch of the whole mosaic, so training sees what the engine's percentile normalisation gives
    full = Grid(info.crs, info.transform, info.width, info.height)
    with MosaicReader(info, full, read_bands) as reader:
        scale = min(1.0, 1024 / max(info.width, info.height))
        shape = (max(1, int(info.height * scale)), max(1, int(info.width * scale)))
        sample, sample_valid = reader.read(0, 0, info.height, info.width, out_shape=shape)
    percentiles = [[float(v) for v in np.percentile(b[sample_valid], [2, 98])] for b in sample.astype(np.float32)]
    manifest = {
        "format": "thaw-slump-mapper-chips/1", "crs": info.crs.to_wkt(), "gsd_m": res, "chip": chip,
        "band_percentiles_2_98": percentiles,
        "bands": sorted(positions, key=positions.get), "value_domain": info.domain,
        "source_mosaic": str(Path(info.spec.path).resolve()), "block_m": block_m, "val_share": val_share,
        "seed": seed, "dropped_at_split_borders_or_nodata": dropped, "note": note,
        "counts": {k: sum(1 for r in records if r.kind == k) for k in ("positive", "negative", "background")},
        "splits": {s: sum(1 for r in records if r.split == s) for s in ("train", "val")},
        "chips": [asdict(r) for r in records],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(asdict(records[0]).keys()) if records else ["image"])
        writer.writeheader()
        for r in records:
            writer.writerow(asdict(r))
    return manifest
