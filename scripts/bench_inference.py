"""Inference benchmark: throughput, overhead and memory of the engine on generated mosaics.

    .venv/bin/python scripts/bench_inference.py [--areas 10,100,1000] [--out build/bench]

Builds a UNet-ResNet34 (segmentation-models-pytorch, random weights: timing only) exported to
ONNX, generates 4-band uint16 3 m mosaics of the given areas (noise, written block by block),
and prints in one run: the raw model forward time for the same number of tiles, the end-to-end
time, their ratio, achieved GFLOP/s, peak RSS per area (each in a fresh process) and the time to
re-vectorise the 100 km² result. Numbers go to the README's "Benchmarks".
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bootstrap import ROOT, register_package

register_package()

import numpy as np  # noqa: E402
import rasterio  # noqa: E402
from rasterio.transform import from_origin  # noqa: E402
from rasterio.windows import Window  # noqa: E402

TILE, OVERLAP, GSD = 512, 64, 3.0


def build_model(out: Path) -> tuple[Path, float]:
    """UNet-ResNet34, 4 bands in, 1 class out; returns the ONNX path and GFLOP per tile."""
    path = out / "unet_r34.onnx"
    import segmentation_models_pytorch as smp
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    torch.manual_seed(0)
    net = smp.Unet("resnet34", encoder_weights=None, in_channels=4, classes=1).eval()
    x = torch.zeros(1, 4, TILE, TILE)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        net(x)
    gflop = counter.get_total_flops() / 1e9
    if not path.exists():
        torch.onnx.export(net, x, str(path), dynamo=False, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "n"}, "y": {0: "n"}}, opset_version=17)
    path.with_suffix(".json").write_text(json.dumps({
        "name": "bench-unet-r34", "version": "0", "architecture": "Unet/resnet34 (random weights)",
        "bands": ["blue", "green", "red", "nir"], "value_domain": "sr16", "gsd_m": GSD,
        "normalization": {"kind": "scale", "scale": 1e-4, "offset": 0}, "tile_size": TILE, "overlap": OVERLAP,
        "activation": "sigmoid"}))
    return path, gflop


def make_mosaic(path: Path, km2: float) -> Path:
    side = math.ceil(math.sqrt(km2 * 1e6) / GSD)
    if path.exists():
        return path
    rng = np.random.default_rng(0)
    block = rng.integers(200, 3000, (4, 256, side), dtype=np.uint16)
    with rasterio.open(path, "w", driver="GTiff", width=side, height=side, count=4, dtype="uint16", nodata=0,
                       crs="EPSG:32646", transform=from_origin(400000, 3900000, GSD, GSD), tiled=True,
                       blockxsize=256, blockysize=256, compress="deflate", predictor=2, BIGTIFF="IF_SAFER") as dst:
        for row in range(0, side, 256):
            h = min(256, side - row)
            dst.write(np.roll(block, row, axis=2)[:, :h], window=Window(0, row, side, h))
    return path


def child(mosaic: str, model: str, cache: str) -> None:
    """One end-to-end run in this process; prints timings and this process's peak RSS."""
    from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
    from thaw_slump_mapper.core.engine.models import load_model
    from thaw_slump_mapper.core.engine.raster import MosaicSpec

    loaded = load_model(model, "cpu")
    t0 = time.monotonic()
    res = run_inference(InferenceParams((MosaicSpec(mosaic, "2020"),), model, cache_dir=cache, batch_size=1),
                        model=loaded)
    total = time.monotonic() - t0
    print(json.dumps({"seconds": total, "model_seconds": res.model_seconds, "tiles": res.tiles_run,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "path": str(res.path), "pixels": res.grid.width * res.grid.height}))


def raw_forward(model: str, tiles: int) -> float:
    from thaw_slump_mapper.core.engine.models import load_model

    loaded = load_model(model, "cpu")
    x = np.random.default_rng(1).random((1, 4, TILE, TILE), dtype=np.float32)
    loaded.backend.run(x)  # warm-up
    t0 = time.monotonic()
    for _ in range(tiles):
        loaded.backend.run(x)
    return time.monotonic() - t0


def bench_vectorize(out: Path, km2: float = 100.0, blobs: int = 3000) -> None:
    """Re-vectorising a view full of candidates: ``blobs`` random slump-sized blobs."""
    from thaw_slump_mapper.core.engine.inference import NODATA
    from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize

    side = math.ceil(math.sqrt(km2 * 1e6) / GSD)
    rng = np.random.default_rng(2)
    prob = np.zeros((side, side), np.uint8)
    yy, xx = np.mgrid[-12:13, -12:13]
    for _ in range(blobs):
        r, c = rng.integers(20, side - 20, 2)
        radius = rng.uniform(4, 12)
        disc = (yy ** 2 + xx ** 2) <= radius ** 2
        prob[r - 12:r + 13, c - 12:c + 13][disc] = rng.integers(130, 250)
    prob[:, : side // 20] = NODATA
    path = out / f"prob_blobs_{km2:g}.tif"
    with rasterio.open(path, "w", driver="GTiff", width=side, height=side, count=1, dtype="uint8", nodata=NODATA,
                       crs="EPSG:32646", transform=from_origin(400000, 3900000, GSD, GSD), tiled=True,
                       compress="deflate") as dst:
        dst.write(prob, 1)
        dst.set_band_description(1, "2020")
        dst.update_tags(TSM_DATES=json.dumps(["2020"]))
    t0 = time.monotonic()
    result = vectorize(path, VectorizeParams(threshold=0.5, min_area_m2=200))
    print(f"re-vectorise {side * side / 1e6:.1f} Mpx ({km2:g} km²) with {len(result.candidates)} polygons: "
          f"{time.monotonic() - t0:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", default="10,100,1000", help="km², comma-separated; 100 gives the timings")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--vectorize-only", action="store_true", help="only the re-vectorisation timing")
    parser.add_argument("--child", nargs=3, metavar=("MOSAIC", "MODEL", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    if args.vectorize_only:
        bench_vectorize(args.out)
        return
    model, gflop = build_model(args.out)
    areas = [float(a) for a in args.areas.split(",")]
    print(f"model: UNet-ResNet34 ONNX, {gflop:.1f} GFLOP per {TILE}² tile; CPU cores: {os.cpu_count()}")
    runs = {}
    for km2 in areas:
        mosaic = make_mosaic(args.out / f"mosaic_{km2:g}km2.tif", km2)
        cache = args.out / f"cache_{km2:g}"
        for old in cache.glob("prob_*"):
            old.unlink()
        out = subprocess.run([sys.executable, __file__, "--child", str(mosaic), str(model), str(cache)],
                             capture_output=True, text=True, check=True)
        runs[km2] = json.loads(out.stdout.strip().splitlines()[-1])
        r = runs[km2]
        print(f"{km2:>6g} km²: {r['tiles']:4d} tiles, end-to-end {r['seconds']:7.1f} s, "
              f"peak RSS {r['peak_rss_mb']:6.0f} MB")
    ref = runs.get(100.0) or runs[areas[0]]
    forward = raw_forward(str(model), ref["tiles"])
    print(f"raw forward for the same {ref['tiles']} tiles: {forward:.1f} s; end-to-end {ref['seconds']:.1f} s; "
          f"ratio forward/end-to-end = {forward / ref['seconds']:.3f}")
    print(f"achieved: {gflop * ref['tiles'] / ref['seconds']:.0f} GFLOP/s end-to-end, "
          f"{gflop * ref['tiles'] / forward:.0f} GFLOP/s raw forward")
    rss = [runs[a]["peak_rss_mb"] for a in areas]
    print("peak RSS by area: " + ", ".join(f"{a:g} km² {m:.0f} MB" for a, m in zip(areas, rss))
          + f" (largest/smallest = {max(rss) / min(rss):.2f})")
    from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize

    t0 = time.monotonic()
    result = vectorize(ref["path"], VectorizeParams(threshold=0.5, min_area_m2=900))
    print(f"re-vectorise {ref['pixels'] / 1e6:.1f} Mpx: {time.monotonic() - t0:.2f} s, "
          f"{len(result.candidates)} polygons (random weights)")
    bench_vectorize(args.out)


if __name__ == "__main__":
    main()
