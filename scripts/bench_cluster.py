"""Cluster benchmark: the same run in one process and on a Dask LocalCluster of N worker
processes (one thread each), in one run of this script, alternating, so that both see the same
machine. Not a test: timings depend on the machine.

    .venv/bin/python scripts/bench_cluster.py               # 1,000 km², starter model, 2 workers
    .venv/bin/python scripts/bench_cluster.py --km2 100 --repeat 1

Prints per run: wall time, tiles per second, and for the cluster the time inside the tasks, the
tiles predicted twice (a chunk running beside its neighbour predicts the shared tile row itself)
and the overhead per task = (wall × workers − time inside tasks) / tasks; plus Dask's own
round trip per task, measured with empty tasks.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bootstrap import ROOT, register_package

register_package()

from bench_inference import make_mosaic  # noqa: E402

from thaw_slump_mapper.core.engine.cluster import connect, run_inference_on_cluster  # noqa: E402
from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference  # noqa: E402
from thaw_slump_mapper.core.engine.raster import MosaicSpec  # noqa: E402

STARTER = ROOT / "models" / "tsm_starter" / "tsm_starter.onnx"


def _noop(i: int) -> int:
    return i


def round_trip(client, n: int = 200) -> float:
    """Seconds per empty task, submitted together and gathered (Dask's own cost)."""
    t0 = time.monotonic()
    client.gather([client.submit(_noop, i, pure=False) for i in range(n)])
    return (time.monotonic() - t0) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--km2", type=float, default=1000.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="working folder (default: a temporary one)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="tsm_bench_cluster_"))
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    mosaic = make_mosaic(out / f"mosaic_{args.km2:g}km2.tif", args.km2, bands=3, kind="blobs")
    print(f"mosaic: {args.km2:g} km², 3 bands, written in {time.monotonic() - t0:.0f} s; model: starter (ONNX)")
    mosaics = (MosaicSpec(str(mosaic), "2024"),)
    one_s, two_s, rows = [], [], []
    with connect(f"local:{args.workers}") as client:
        trip = round_trip(client)
        for k in range(args.repeat):
            for mode in ("one", "cluster"):
                cache = out / f"cache_{mode}_{k}"
                params = InferenceParams(mosaics, str(STARTER), cache_dir=str(cache), batch_size=8)
                t = time.monotonic()
                if mode == "one":
                    prob = run_inference(params)
                else:
                    prob = run_inference_on_cluster(params, client)
                wall = time.monotonic() - t
                (one_s if mode == "one" else two_s).append(wall)
                stats = prob.stats
                line = (f"  {mode:8s} run {k + 1}: {prob.tiles_total} tiles in {wall:6.1f} s "
                        f"({prob.tiles_total / wall:5.1f} tiles/s)")
                if mode == "cluster":
                    chunks = stats.chunks_run
                    overhead = (wall * stats.workers - stats.task_seconds) / max(stats.tasks, 1)
                    line += (f", {chunks} chunks in {stats.tasks} tasks, inside tasks {stats.task_seconds:.1f} s, "
                             f"tiles predicted twice {stats.tiles_recomputed} "
                             f"({100 * stats.tiles_recomputed / max(prob.tiles_total, 1):.1f} %), "
                             f"overhead {overhead:.2f} s per task")
                    rows.append((chunks, overhead, stats.tiles_recomputed))
                print(line, flush=True)
                shutil.rmtree(cache, ignore_errors=True)
    one, two = statistics.median(one_s), statistics.median(two_s)
    print(f"median: one process {one:.1f} s, LocalCluster of {args.workers} workers {two:.1f} s "
          f"(cluster / one process = {two / one:.2f}); Dask round trip {1000 * trip:.1f} ms per empty task; "
          f"overhead per task {statistics.median(r[1] for r in rows):.2f} s")
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
