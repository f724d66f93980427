"""CPU inference speed of a candidate starter model against another (today's bundled starter), end
to end through run_inference on the same generated mosaic, runs interleaved (A B A B ...) so that
a machine shared with other work slows both alike; the median of each.

    .venv/bin/python scripts/bench_starter_speed.py OLD.onnx NEW.onnx [--km2 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

import bench_inference  # registers the package


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--km2", type=float, default=100.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tsm-speed-") as tmp:
        mosaic = bench_inference.make_mosaic(Path(tmp) / f"mosaic_{args.km2:g}km2.tif", args.km2)
        runs: dict[str, list[float]] = {"old": [], "new": []}
        for i in range(args.repeat):
            for name in ("old", "new"):
                model = getattr(args, name)
                run = bench_inference.run_child(mosaic, model, Path(tmp) / f"cache_{name}", args.batch)
                runs[name].append(run["seconds"])
                print(f"run {i + 1} {name}: {run['seconds']:.1f} s, {run['tiles']} tiles", flush=True)
    out = {"km2": args.km2, "batch": args.batch, "old": str(args.old), "new": str(args.new),
           "old_seconds": runs["old"], "new_seconds": runs["new"],
           "ratio_new_over_old": statistics.median(runs["new"]) / statistics.median(runs["old"])}
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
