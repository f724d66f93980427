"""Training data export: image and mask chips around reviewed candidates, for training here or
anywhere else (a GPU cluster).

Chips are GeoTIFFs with the model's input bands (raw mosaic values, bands named by role) and a
mask GeoTIFF (1 = accepted slump, 0 = not); positives and hard negatives are centred on the
reviewed outlines, background chips are drawn at random away from anything not yet decided.
Every polygon is read from the mosaic that covers most of it (ties: the later one; any CRS),
so a review spread over many tiles or scenes keeps every decided example, and each mosaic keeps
its own stretch. manifest.json/manifest.csv describe every chip.

The train/validation split is by groups of examples: chips that come within ``block_m`` of each
other are one group and go to one side, groups are drawn for validation until it holds its share
of the positives, and a background chip near groups of both sides is left out. So no two
neighbouring chips sit on both sides, and scattered small areas (tiles far apart) still get a
validation set; one cluster alone cannot be split (the manifest says so).

An existing inventory (core.store.inventory_file) gives the same chips: its slumps are the
positives, its negatives (ARTS TrainClass = Negative, or a field and value) the hard negatives.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from rasterio import features
from rasterio.transform import Affine
from shapely.geometry import Point, box
from shapely.strtree import STRtree

from ..engine.bands import resolve_bands
from ..engine.model_spec import ModelSpec
from ..engine.raster import Grid, MosaicInfo, MosaicReader, MosaicSpec, inspect_mosaic
from ..errors import InputError
from ..outputs import raster_file, staged_folder
from ..preferences import CHIPS
from ..store.candidates import read_candidates
from ..store.inventory_file import Inventory, InventoryPolygon


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


DEFAULTS = CHIPS  # one set of defaults for dock, Processing and CLI (core.preferences)


@dataclass
class _Source:
    """One mosaic the chips are read from, with the polygons in its CRS."""

    info: MosaicInfo
    read_bands: list[int]
    roles: list[str]
    positives: list  # shapely, burnt into the masks
    avoid: list  # polygons nobody has decided on (unreviewed candidates): kept out of background chips


@dataclass
class _Target:
    kind: str
    cid: str
    centre: Point
    source: int


def _source(info: MosaicInfo, spec: ModelSpec) -> tuple[list[int], list[str]]:
    read_bands, positions = resolve_bands(spec, info.count, dict(info.spec.band_map), Path(info.spec.path).name,
                                          base=info.band_map)
    return read_bands, sorted(positions, key=positions.get)


def _write_chips(out: Path, targets: list[_Target], sources: list[_Source], spec: ModelSpec,
                 chip: int) -> tuple[list[ChipRecord], int]:
    """Every target's chip and mask; a chip that is mostly NoData is left out (counted)."""
    res = spec.gsd_m
    half = chip * res / 2
    records: list[ChipRecord] = []
    dropped = 0
    trees = [STRtree(s.positives) if s.positives else None for s in sources]
    for n, t in enumerate(targets):
        src, c = sources[t.source], t.centre
        x0, y1 = math.floor((c.x - half) / res) * res, math.floor((c.y + half) / res) * res
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
        # in memory, then one file write: a full disk raises instead of leaving a truncated chip
        with raster_file(image_path, driver="GTiff", width=chip, height=chip, count=len(src.read_bands),
                         dtype=values.dtype, crs=info.crs, transform=grid.transform, nodata=info.nodata) as dst:
            dst.write(values)
            for b, role in enumerate(src.roles, start=1):
                dst.set_band_description(b, role)
        with raster_file(mask_path, driver="GTiff", width=chip, height=chip, count=1, dtype="uint8",
                         crs=info.crs, transform=grid.transform, nodata=255) as dst:
            dst.write(mask, 1)
        records.append(ChipRecord(str(image_path.relative_to(out)), str(mask_path.relative_to(out)), "train", t.kind,
                                  t.cid, info.spec.label, *bounds, int((mask == 1).sum()), t.source))
    return records, dropped


def _key(seed: int, record: ChipRecord) -> float:
    text = f"{seed}:{record.mosaic}:{record.minx:.1f}:{record.miny:.1f}".encode()
    return int(hashlib.sha256(text).hexdigest()[:8], 16) / 0xFFFFFFFF


def split_groups(records: list[ChipRecord], block_m: float, val_share: float, seed: int,
                 same_ground: Callable[[int, int], bool] = lambda a, b: True) -> tuple[int, list[int]]:
    """Set each record's split (see the module's description). Returns the number of example groups
    and the indices of background records that sat near both sides (to be left out).
    ``same_ground(i, j)``: whether chips of mosaics i and j can be neighbours (a shared CRS)."""
    examples = [i for i, r in enumerate(records) if r.kind != "background"]
    parent = {i: i for i in examples}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def reach(r: ChipRecord):  # the chip's footprint grown by the distance that makes neighbours
        return box(r.minx, r.miny, r.maxx, r.maxy).buffer(block_m / 2, join_style=2)

    shapes = {i: reach(records[i]) for i in examples}
    if examples:
        tree = STRtree([shapes[i] for i in examples])
        for a in examples:
            for j in tree.query(shapes[a]):
                b = examples[int(j)]
                if b != a and shapes[a].intersects(shapes[b]) and same_ground(records[a].mosaic, records[b].mosaic):
                    parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in examples:
        groups.setdefault(root(i), []).append(i)
    positives = sum(records[i].kind == "positive" for i in examples)
    with_positives = [g for g in groups.values() if any(records[i].kind == "positive" for i in g)]
    val_groups: set[int] = set()
    if len(with_positives) >= 2 and val_share > 0:
        val_pos = 0
        for g in sorted(with_positives, key=lambda g: _key(seed, records[min(g)])):
            n = sum(records[i].kind == "positive" for i in g)
            if val_pos >= val_share * positives or positives - val_pos - n < 1:
                continue
            val_groups.add(min(g))
            val_pos += n
        for g in groups.values():  # groups of negatives alone: drawn with the validation share
            if not any(records[i].kind == "positive" for i in g) and _key(seed, records[min(g)]) < val_share:
                val_groups.add(min(g))
    for g in groups.values():
        for i in g:
            records[i].split = "val" if min(g) in val_groups else "train"
    conflicts: list[int] = []
    placed: list[tuple[int, object]] = []
    tree = STRtree([shapes[i] for i in examples]) if examples else None
    for i, r in enumerate(records):
        if r.kind != "background":
            continue
        grown = reach(r)
        near = set()
        for e in (examples[int(j)] for j in tree.query(grown)) if tree is not None else ():
            if shapes[e].intersects(grown) and same_ground(r.mosaic, records[e].mosaic):
                near.add(records[e].split)
        for b, other in placed:  # background chips placed before this one are neighbours too
            if other.intersects(grown) and same_ground(r.mosaic, records[b].mosaic):
                near.add(records[b].split)
        if len(near) > 1:
            conflicts.append(i)
            continue
        r.split = near.pop() if near else ("val" if val_groups and _key(seed, r) < val_share else "train")
        placed.append((i, grown))
    return len(groups), conflicts


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
              block_m: float, val_share: float, seed: int, dropped: dict, groups: int, extra: dict) -> dict:
    note = ""
    if records and not any(r.split == "val" for r in records):
        note = (f"the examples form {groups} group(s) with positives too close to split: every chip is used for "
                "training, none for validation")
    used = sorted({r.mosaic for r in records} | {0})
    stretch = {i: _percentiles(sources[i]) for i in used}
    first = sources[0].info
    manifest = {
        "format": "thaw-slump-mapper-chips/1", "crs": first.crs.to_wkt(), "gsd_m": spec.gsd_m, "chip": chip,
        "band_percentiles_2_98": stretch[0],
        "bands": sources[0].roles, "value_domain": first.domain,
        "source_mosaic": str(Path(first.spec.path).resolve()), "block_m": block_m, "val_share": val_share,
        "seed": seed, "groups": groups, "dropped": dropped,
        "dropped_at_split_borders_or_nodata": sum(dropped.values()), "note": note,
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


def _sources(inventory: Inventory, infos: list[MosaicInfo], spec: ModelSpec, undecided: list,
             undecided_crs: str) -> list[_Source]:
    sources = []
    for info in infos:
        read_bands, roles = _source(info, spec)
        if sources and roles != sources[0].roles:
            raise InputError(f"{Path(info.spec.path).name} gives the bands {', '.join(roles)} but "
                             f"{Path(infos[0].spec.path).name} gives {', '.join(sources[0].roles)}.",
                             "Give mosaics with the same bands (or the same band mapping).")
        local = inventory.in_crs(info.crs)
        others = Inventory(undecided_crs, [InventoryPolygon(g, "", False) for g in undecided], "", [], None)
        sources.append(_Source(info, read_bands, roles, [p.geometry for p in local if not p.negative],
                               [p.geometry for p in others.in_crs(info.crs)] if undecided else []))
    return sources


def _export(inventory: Inventory, mosaics: list[MosaicSpec], spec: ModelSpec, out: Path, chip: int, background: int,
            block_m: float, val_share: float, seed: int, undecided: list, extra: Callable[[dict], dict]) -> dict:
    """Chips of ``inventory``'s polygons, each from the mosaic covering most of it, and their
    manifest; ``extra(kept)`` adds the caller's part (``kept``: background placed, polygons outside)."""
    if not mosaics:
        raise InputError("No mosaic was given.", "Give the mosaics the outlines were drawn on.")
    infos = [inspect_mosaic(m) for m in mosaics]  # every input checked before anything is written
    sources = _sources(inventory, infos, spec, undecided, inventory.crs)
    in_source = [inventory.in_crs(s.info.crs) for s in sources]
    footprints = [box(*s.info.bounds) for s in sources]
    targets: list[_Target] = []
    outside = {"positive": 0, "negative": 0}
    for k, polygon in enumerate(inventory.polygons):
        kind = "negative" if polygon.negative else "positive"
        best, best_area = None, 0.0
        for i in range(len(sources)):
            g = in_source[i][k].geometry
            area = g.intersection(footprints[i]).area / max(g.area, 1e-12)
            if area > 0 and area >= best_area:  # ties: the later mosaic (the latest year)
                best, best_area = i, area
        if best is None:
            outside[kind] += 1
            continue
        g = in_source[best][k].geometry
        targets.append(_Target(kind, polygon.uid, g.representative_point() if not g.centroid.within(g) else
                               g.centroid, best))
    if not any(t.kind == "positive" for t in targets):
        raise InputError(f"None of the {len(inventory.positives)} slumps of {inventory.label} lies on the "
                         f"{len(infos)} mosaic(s) given ({outside['positive']} outside all of them).",
                         "Give the mosaics the outlines were drawn on (any CRS is fine).")
    rng = np.random.default_rng(seed)
    half = chip * spec.gsd_m / 2
    margin = 2 * spec.gsd_m  # a background chip stays this far from the polygons it avoids
    # First away from every polygon; where the mosaics are small tiles full of outlines, then away
    # from the undecided ones only (the masks carry the labelled slumps, so nothing is mislabelled).
    labelled = [[p.geometry for p in polys] for polys in in_source]
    placed, tries = 0, 0
    for avoid_sets in ([s.avoid + labelled[i] for i, s in enumerate(sources)], [s.avoid for s in sources]):
        trees = [STRtree(a) if a else None for a in avoid_sets]
        tries = 0
        while placed < background and tries < background * 50:
            tries += 1
            i = int(rng.integers(len(sources)))
            left, bottom, right, top = sources[i].info.bounds
            if right - left < 2 * half or top - bottom < 2 * half:
                continue
            c = Point(rng.uniform(left + half, right - half), rng.uniform(bottom + half, top - half))
            window = box(c.x - half - margin, c.y - half - margin, c.x + half + margin, c.y + half + margin)
            tree = trees[i]
            if tree is not None and any(avoid_sets[i][j].intersects(window) for j in tree.query(window)):
                continue
            targets.append(_Target("background", f"bg{placed}", c, i))
            placed += 1
    # written into a hidden folder inside ``out`` and moved in when complete, manifest.json last: a
    # failed or killed export leaves no chips or manifest behind (a folder without manifest is not done)
    with staged_folder(out, "manifest.json", "training chips") as stage:
        (stage / "images").mkdir()
        (stage / "masks").mkdir()
        records, nodata = _write_chips(stage, targets, sources, spec, chip)
        crs = [src.info.crs for src in sources]
        groups, conflicts = split_groups(records, block_m, val_share, seed, lambda a, b: crs[a] == crs[b])
        for i in conflicts:
            (stage / records[i].image).unlink(missing_ok=True)
            (stage / records[i].mask).unlink(missing_ok=True)
        drop = set(conflicts)
        records = [r for i, r in enumerate(records) if i not in drop]
        kept = {"placed": placed, "outside": outside}
        dropped = {"nodata": nodata, "background_near_both_splits": len(conflicts)}
        return _manifest(stage, records, sources, spec, chip, block_m, val_share, seed, dropped, groups,
                         extra(kept))


def export_chips(gpkg: str | Path, mosaics: list[MosaicSpec], spec: ModelSpec, out_dir: str | Path,
                 chip: int = DEFAULTS.chip, background: int = DEFAULTS.background, block_m: float = DEFAULTS.block_m,
                 val_share: float = DEFAULTS.val_share, seed: int = DEFAULTS.seed) -> dict:
    """Chips from the review decisions of a candidates GeoPackage: every accepted slump (edited or
    drawn by hand) and every rejection, each read from the mosaic that covers most of it."""
    from ..store.candidates import file_crs

    out = Path(out_dir)
    for mosaic in mosaics:  # a missing or unreadable mosaic is said first, as for every other input
        inspect_mosaic(mosaic)
    rows = read_candidates(gpkg)
    decided = [r for r in rows if r.get("status") in ("accepted", "rejected")]
    if not any(r.get("status") == "accepted" for r in decided):
        raise InputError("There are no accepted slumps to learn from.", "Review candidates (accept some) first.")
    crs = file_crs(gpkg)
    review = Inventory(crs.to_wkt(), [InventoryPolygon(r["geometry"], r["candidate_id"], r["status"] == "rejected")
                                      for r in decided], Path(gpkg).name, [], None)
    undecided = [r["geometry"] for r in rows if r.get("status") not in ("accepted", "rejected")]
    return _export(review, mosaics, spec, out, chip, background, block_m, val_share, seed, undecided, lambda kept: {
        "review": {"accepted": len(review.positives), "rejected": len(review.negatives),
                   "outside_mosaics": sum(kept["outside"].values()), "background_wanted": background,
                   "background_placed": kept["placed"]}})


def export_inventory_chips(inventory: Inventory, mosaics: list[MosaicSpec], spec: ModelSpec, out_dir: str | Path,
                           chip: int = DEFAULTS.chip, background: int = DEFAULTS.background,
                           block_m: float = DEFAULTS.block_m, val_share: float = DEFAULTS.val_share,
                           seed: int = DEFAULTS.seed) -> dict:
    """Chips from an existing inventory drawn on ``mosaics``: its slumps are positives, its
    negatives hard negatives, and ``background`` chips are drawn at random (their masks carry the
    inventory's slumps). Polygons outside every mosaic are counted in the manifest
    (``inventory.outside_mosaics``), not an error."""
    def extra(kept: dict) -> dict:
        outside = kept["outside"]
        return {"inventory": {
            "label": inventory.label, "polygons": len(inventory.polygons), "positives": len(inventory.positives),
            "negatives": len(inventory.negatives),
            "negative_rule": list(inventory.negative_rule) if inventory.negative_rule else None,
            "outside_mosaics": outside["positive"] + outside["negative"], "outside_positives": outside["positive"],
            "outside_negatives": outside["negative"], "without_polygon": inventory.skipped,
            "background_wanted": background, "background_placed": kept["placed"]}}

    return _export(inventory, mosaics, spec, Path(out_dir), chip, background, block_m, val_share, seed, [], extra)
