"""Train the bundled starter model and write models/tsm_starter/ (ONNX + Torch + descriptions).

    .venv/bin/python scripts/train_starter.py [--steps 700] [--out models/tsm_starter]

Trains on all 16 real tiles of ../shared/data/rts_tiles_2m and SYNTHETIC scenes; never on the
HOLDOUT folders. CPU is enough (about 3 minutes on 2 cores); deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import starter_data

from thaw_slump_mapper.core.learn.training import TrainConfig, export_package, train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=700)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=starter_data.ROOT / "models" / "tsm_starter")
    parser.add_argument("--data", type=Path, default=starter_data.DATA)
    args = parser.parse_args()
    if not (args.data / starter_data.TILES).is_dir():
        raise SystemExit(f"the real tiles are not at {args.data / starter_data.TILES}; pass --data")
    start = time.monotonic()
    tiles = starter_data.real_tiles(args.data)
    real = starter_data.real_samples(tiles)
    synthetic = starter_data.synthetic_samples()
    config = TrainConfig(steps=args.steps, seed=args.seed)
    model, history = train([real, synthetic], config, weights=[0.5, 0.5],
                           progress=lambda s, n, loss: print(f"\rstep {s}/{n} loss {loss:.3f}", end="", flush=True)
                           if s % 25 == 0 or s == n else None)
    print()
    provenance = {"training_data": f"{len(real)} real tiles (rts_tiles_2m, MIT, resampled 2 m -> 3 m) and "
                                   f"{len(synthetic)} SYNTHETIC mosaics (core.synthetic, seeds 100-105)",
                  "steps": config.steps, "batch": config.batch, "chip": config.chip, "seed": config.seed,
                  "loss": "BCE + soft Dice", "augmentation": "rot90, flips, brightness/contrast",
                  "final_loss": round(sum(history[-20:]) / 20, 4), "command": "make starter-model",
                  "train_seconds": round(time.monotonic() - start)}
    paths = export_package(model, args.out, "tsm_starter", starter_data.description(provenance), config, 3)
    for kind, path in paths.items():
        print(f"{kind}: {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
