"""Training data of the starter model: the 16 real RTS tiles (../shared/data/rts_tiles_2m, MIT)
resampled to 3 m, and SYNTHETIC scenes from core.synthetic. Never the HOLDOUT folders."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from _bootstrap import ROOT, register_package

register_package()

from shapely.geometry import box, shape  # noqa: E402

from thaw_slump_mapper.core.learn.training import Sample, load_sample  # noqa: E402
from thaw_slump_mapper.core.synthetic import SceneSpec, generate  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
TILES = "rts_tiles_2m"
GSD = 3.0
RGB_OF_TILES = [1, 2, 3]  # the tiles: bands 1-3 = R,G,B; band 4 is an undocumented mask (ignored)
RGB_OF_MOSAICS = [3, 2, 1]  # PlanetScope and synthetic mosaics: B,G,R,N


def real_tiles(data: Path = DATA) -> list[tuple[str, Path, list]]:
    """(uid, path, expert polygons inside the tile, EPSG:3413) for every real tile."""
    folder = data / TILES
    truth = json.loads((folder / "GroundTruth_Final_20250625.geojson").read_text(encoding="utf-8"))
    polys = [(f["properties"]["UID"], shape(f["geometry"])) for f in truth["features"]]
    import rasterio

    out = []
    for path in sorted(folder.glob("*.tif")):
        with rasterio.open(path) as src:
            bounds = box(*src.bounds)
        inside = [p for _, p in polys if p.intersects(bounds)]
        out.append((path.stem, path, inside))
    return out


def real_samples(tiles) -> list[Sample]:
    return [load_sample(path, RGB_OF_TILES, polygons, GSD, source=uid) for uid, path, polygons in tiles]


def synthetic_samples(n_scenes: int = 6, size: int = 512, seed: int = 100) -> list[Sample]:
    samples = []
    with tempfile.TemporaryDirectory(prefix="tsm-synth-") as tmp:
        for i in range(n_scenes):
            scene = generate(Path(tmp) / f"s{i}", SceneSpec(width=size, height=size, seed=seed + i,
                                                             n_slumps=7, n_ponds=5, n_rocks=4))
            for path, year in scene.mosaics:
                outlines = [s.outlines[year] for s in scene.slumps if year in s.outlines]
                samples.append(load_sample(path, RGB_OF_MOSAICS, outlines, GSD, source=f"synthetic {i} {year}"))
    return samples


def description(provenance: dict) -> dict:
    return {
        "format": "thaw-slump-mapper/1", "name": "tsm-starter", "version": "0.1.0",
        "architecture": "Unet / tu-mobilenetv3_small_100 (segmentation-models-pytorch)",
        "bands": ["red", "green", "blue"], "value_domain": "reflectance",
        "normalization": {"kind": "percentile", "low": 2, "high": 98},
        "gsd_m": GSD, "tile_size": 256, "overlap": 64, "classes": ["rts"], "rts_class": 0,
        "activation": "sigmoid", "threshold": 0.5, "min_area_m2": 500,
        "model_card": "Starter model: 16 real RTS tiles (rts_tiles_2m, resampled to 3 m) plus SYNTHETIC scenes. "
                      "RGB only; NIR is not used. See MODEL_CARD.md for measured scores. Fine-tune it on your "
                      "own reviewed slumps.",
        "provenance": provenance,
    }
