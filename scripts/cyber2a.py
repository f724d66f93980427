"""The cyber2a RTS chips (../shared/data/cyber2a_rts): 756 real RGB chips with 1,783 COCO outlines.

Read by path, never copied into the repository. The chips carry no georeferencing and their pixel
size is not stated (probably 3-4.8 m); where the engine must read them (scoring "as a user runs
it") each chip is written once as an 8-bit RGB GeoTIFF on a nominal 3 m grid in a stand-in UTM
CRS, every chip at its own origin 5 km from the others.

The set has no place field. Chips of one place must never sit on both sides of a split, so chips
are grouped: by region (the file-name prefix: ``train_nitze_*`` = regions of Nitze et al. 2021,
``train_yg_*`` = Yang et al. 2023) and by near-duplicate imagery (a coarse grey thumbnail of one
chip correlating >= DUPLICATE_R with another's at any of the eight rot90/flip poses joins their
groups).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from _bootstrap import ROOT, register_package

register_package()

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from shapely.geometry import Polygon, box  # noqa: E402
from shapely.ops import unary_union  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "cyber2a_rts"
GSD = 3.0  # nominal pixel size of the chips
CRS_EPSG = 32606  # a stand-in UTM zone
SPACING = 5000.0  # metres between chip origins
DATE = "2020-07-15"  # a stand-in imagery date
BAND_MAP = (("red", 1), ("green", 2), ("blue", 3))
DUPLICATE_R = 0.92  # thumbnail correlation above which two chips count as one place
CITATION = ("cyber2a_rts: the Cyber2A project's teaching set of RTS chips derived from Yang et al. 2023, "
            "Remote Sensing of Environment 288, 113495 (no licence stated)")


class Chip:
    """One cyber2a chip: its image, mask, true outlines in map coordinates and, on demand, a GeoTIFF."""

    def __init__(self, image: dict, polygons: list, index: int, work: Path | None = None, data: Path = DATA) -> None:
        from rasterio.transform import from_origin

        self.name = Path(image["file_name"]).stem
        self.data = data
        self.region = "nitze" if self.name.startswith("train_nitze") else "yg"
        self.width, self.height = int(image["width"]), int(image["height"])
        col, row = index % 30, index // 30
        self.x0, self.y0 = 300000.0 + col * SPACING, 7700000.0 - row * SPACING
        self.transform = from_origin(self.x0, self.y0, GSD, GSD)
        self.bounds = box(self.x0, self.y0 - self.height * GSD, self.x0 + self.width * GSD, self.y0)
        self.truth = [g for g in (self._to_map(p) for p in polygons) if g is not None]
        self.path = (work / "chips" / f"{self.name}.tif") if work is not None else None
        self.group = self.name  # joined with near-duplicates by load_chips

    def _to_map(self, parts: list[list[float]]):
        shapes = []
        for flat in parts:
            xy = [(self.x0 + x * GSD, self.y0 - y * GSD) for x, y in zip(flat[0::2], flat[1::2])]
            if len(xy) >= 3:
                shapes.append(Polygon(xy).buffer(0))
        geom = unary_union(shapes) if shapes else None
        if geom is None or geom.is_empty:
            return None
        if geom.geom_type == "MultiPolygon":  # one outline, one polygon: keep the largest part
            geom = max(geom.geoms, key=lambda g: g.area)
        return geom

    def rgb(self) -> np.ndarray:
        return np.asarray(Image.open(self.data / "images" / f"{self.name}.jpg").convert("RGB"), np.uint8)

    def mask(self) -> np.ndarray:
        """The set's own 0/1 mask (rasterised from the same polygons)."""
        return (np.asarray(Image.open(self.data / "masks" / f"{self.name}.png")) > 0).astype(np.uint8)

    def mosaic(self):
        """The chip as the engine reads a mosaic (the GeoTIFF is written once, atomically)."""
        import rasterio
        from rasterio.crs import CRS

        from thaw_slump_mapper.core.engine.raster import MosaicSpec

        if self.path is None:
            raise ValueError("a Chip needs a work folder to be written as a GeoTIFF")
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".part.tif")
            with rasterio.open(tmp, "w", driver="GTiff", width=self.width, height=self.height, count=3,
                               dtype="uint8", crs=CRS.from_epsg(CRS_EPSG), transform=self.transform,
                               photometric="RGB") as dst:
                dst.write(self.rgb().transpose(2, 0, 1))
            tmp.replace(self.path)
        return MosaicSpec(str(self.path), DATE, BAND_MAP)

    def sample(self):
        """The chip as a training Sample (stretched as the engine stretches a mosaic of this one chip)."""
        from thaw_slump_mapper.core.learn.training import Sample, percentile_stretch

        rgb = self.rgb().transpose(2, 0, 1).astype(np.float32)
        valid = np.ones(rgb.shape[1:], bool)
        mask = self.mask()
        if mask.shape != valid.shape:
            raise SystemExit(f"{self.name}: mask {mask.shape} and image {valid.shape} differ")
        return Sample(percentile_stretch(rgb, valid), mask, valid, f"cyber2a {self.name}")


def _thumbnail(chip: Chip, size: int = 24) -> np.ndarray:
    grey = Image.open(chip.data / "images" / f"{chip.name}.jpg").convert("L").resize((size, size), Image.BILINEAR)
    a = np.asarray(grey, np.float32).ravel()
    return (a - a.mean()) / (a.std() + 1e-6)


def _poses(t: np.ndarray, size: int = 24) -> list[np.ndarray]:
    img = t.reshape(size, size)
    out = []
    for k in range(4):
        r = np.rot90(img, k)
        out += [r.ravel(), r[:, ::-1].ravel()]
    return out


def duplicate_pairs(chips: list[Chip], threshold: float = DUPLICATE_R) -> list[tuple[int, int, float]]:
    """(i, j, r) for chips whose thumbnails correlate >= threshold in some rot90/flip pose."""
    thumbs = np.stack([_thumbnail(c) for c in chips])
    n, d = thumbs.shape
    posed = np.stack([_poses(t) for t in thumbs], axis=1)  # pose × chip × pixels
    best = np.full((n, n), -1.0, np.float32)
    for pose in posed:
        best = np.maximum(best, thumbs @ pose.T / d)
    best = np.maximum(best, best.T)
    np.fill_diagonal(best, -1)
    i, j = np.nonzero(np.triu(best >= threshold))
    return [(int(a), int(b), float(best[a, b])) for a, b in zip(i, j)]


def load_chips(work: Path | None = None, data: Path = DATA) -> list[Chip]:
    """Every chip with its outlines, grouped with its near-duplicates (``Chip.group``)."""
    coco = json.loads((data / "coco_rts_train.json").read_text(encoding="utf-8"))
    outlines: dict[int, list] = {}
    for ann in coco["annotations"]:
        if isinstance(ann.get("segmentation"), list):  # polygons (no RLE in this set)
            outlines.setdefault(ann["image_id"], []).append(ann["segmentation"])
    images = sorted(coco["images"], key=lambda im: im["file_name"])  # positions independent of any seed
    chips = [Chip(im, outlines.get(im["id"], []), i, work, data) for i, im in enumerate(images)]
    parent = list(range(len(chips)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i, j, _ in duplicate_pairs(chips):
        parent[root(i)] = root(j)
    for k, chip in enumerate(chips):
        chip.group = chips[root(k)].name
    return chips


def folds(chips: list[Chip], k: int, seed: int = 0) -> list[int]:
    """Fold index per chip: whole groups to a fold, each region spread evenly over the folds."""
    rng = np.random.default_rng(seed)
    fold = [0] * len(chips)
    for region in sorted({c.region for c in chips}):
        members = Counter(c.group for c in chips if c.region == region)
        groups = sorted(members)
        order = [groups[i] for i in rng.permutation(len(groups))]
        sizes = [0] * k
        where = {}
        for g in order:  # to the fold with the fewest chips so far: balanced folds
            target = int(np.argmin(sizes))
            where[g] = target
            sizes[target] += members[g]
        for idx, chip in enumerate(chips):
            if chip.region == region:
                fold[idx] = where[chip.group]
    return fold
