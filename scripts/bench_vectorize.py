"""Vectorisation benchmark: time and peak memory against the extent of the probability raster.

    .venv/bin/python scripts/bench_vectorize.py [--areas 100,1000,10000] [--chunk 2048] [--out build/bench]

Writes probability rasters as run_inference does (2 dates + mean + max, uint8 ×250, 255 =
NoData, 256 px deflate tiles) at 3 m, strip by strip so generating one never holds it whole:
mostly zeros (so even 10,000 km², 1.1 Gpx, is a small file) with ``--density`` slump-sized
blobs per km² and NoData (a scene edge in one date, clouds in the other). Each raster is then
vectorised in a fresh process, which prints its time, candidates and peak RSS (ru_maxrss).
Linux carries a parent's peak RSS into a child's ru_maxrss, so this parent stays small: it
imports neither numpy nor rasterio, and generating runs in a process of its own as well.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bootstrap import ROOT, register_package

register_package()

GSD, STRIP, NODATA = 3.0, 1024, 255
DATES = ["2019", "2021"]


def make_probability(path: Path, km2: float, density: float) -> Path:
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    side = math.ceil(math.sqrt(km2 * 1e6) / GSD)
    rng = np.random.default_rng(int(km2))
    n = int(km2 * density)
    # all blob centres first, so blobs cross strip (and vectorising window) seams unharmed
    centre = rng.uniform(0, side, (n, 2))
    radius = rng.uniform(4, 12, n)
    level = rng.integers(130, 250, n).astype(np.uint8)
    clouds = [(rng.uniform(0, side), rng.uniform(0, side), rng.uniform(100, 600)) for _ in range(max(1, int(km2 / 50)))]
    profile = dict(driver="GTiff", width=side, height=side, count=4, dtype="uint8", nodata=NODATA,
                   crs="EPSG:32646", transform=from_origin(400000, 3900000, GSD, GSD), tiled=True,
                   blockxsize=256, blockysize=256, compress="deflate", predictor=2, BIGTIFF="IF_SAFER")
    with rasterio.open(path, "w", **profile) as dst:
        for row in range(0, side, STRIP):
            h = min(STRIP, side - row)
            prob = np.zeros((h, side), np.uint8)
            for i in np.flatnonzero(np.abs(centre[:, 0] - (row + h / 2)) < h / 2 + 13):
                cy, cx = centre[i]
                r0, r1 = max(int(cy - radius[i]), row), min(int(cy + radius[i]) + 1, row + h)
                c0, c1 = max(int(cx - radius[i]), 0), min(int(cx + radius[i]) + 1, side)
                if r0 >= r1 or c0 >= c1:
                    continue
                yy, xx = np.mgrid[r0:r1, c0:c1]
                disc = (yy + 0.5 - cy) ** 2 + (xx + 0.5 - cx) ** 2 <= radius[i] ** 2
                prob[r0 - row:r1 - row, c0:c1][disc] = level[i]
            first, second = prob.copy(), prob.copy()
            first[:, : side // 20] = NODATA  # the 2019 scene does not reach the west edge
            yy = np.arange(row, row + h)[:, None]
            xx = np.arange(side)[None, :]
            for cy, cx, cr in clouds:  # masked clouds in 2021
                if abs(cy - (row + h / 2)) < h / 2 + cr:
                    second[(yy - cy) ** 2 + (xx - cx) ** 2 <= cr * cr] = NODATA
            both = (first == NODATA) & (second == NODATA)
            mean = np.where(both, NODATA, prob)  # the same detection in both dates
            dst.write(np.stack([first, second, mean, mean]), window=Window(0, row, side, h))
        for i, name in enumerate([*DATES, "mean", "max"], start=1):
            dst.set_band_description(i, name)
        dst.update_tags(TSM_DATES=json.dumps(DATES), TSM_MODEL=json.dumps({"name": "bench", "version": "0"}))
    return path


def child(path: str, chunk: int) -> None:
    """One vectorisation in this process: its time, candidates and peak RSS as JSON."""
    from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize

    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.monotonic()
    result = vectorize(path, VectorizeParams(threshold=0.5, min_area_m2=200, chunk_px=chunk))
    print(json.dumps({"seconds": time.monotonic() - t0, "candidates": len(result.candidates),
                      "near_nodata_m2": result.near_nodata_m2, "import_rss_mb": start_rss,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", default="100,1000,10000", help="km², comma-separated")
    parser.add_argument("--density", type=float, default=2.0, help="blobs per km²")
    parser.add_argument("--chunk", type=int, default=2048, help="vectorising window, px")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--child", nargs=2, metavar=("PROB", "CHUNK"), help=argparse.SUPPRESS)
    parser.add_argument("--make", nargs=3, metavar=("PROB", "KM2", "DENSITY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    if args.make:
        make_probability(Path(args.make[0]), float(args.make[1]), float(args.make[2]))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"{'km²':>7} {'Mpx':>7} {'file MB':>8} {'write s':>8} {'vectorise s':>12} {'candidates':>10} "
          f"{'RSS after imports MB':>21} {'peak RSS MB':>12}")
    for km2 in (float(a) for a in args.areas.split(",")):
        path = args.out / f"prob_{km2:g}km2_d{args.density:g}.tif"
        t0 = time.monotonic()
        if not path.exists():
            subprocess.run([sys.executable, __file__, "--make", str(path), str(km2), str(args.density)], check=True)
        written = time.monotonic() - t0
        out = subprocess.run([sys.executable, __file__, "--child", str(path), str(args.chunk)],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        mpx = math.ceil(math.sqrt(km2 * 1e6) / GSD) ** 2 / 1e6
        print(f"{km2:>7g} {mpx:>7.0f} {path.stat().st_size / 2**20:>8.1f} {written:>8.1f} {r['seconds']:>12.1f} "
              f"{r['candidates']:>10d} {r['import_rss_mb']:>21.0f} {r['peak_rss_mb']:>12.0f}", flush=True)


if __name__ == "__main__":
    main()
