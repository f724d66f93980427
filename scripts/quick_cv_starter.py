"""Quick 4-fold cross-validation of starter-model recipes on the 16 real tiles (never the HOLDOUT
folders): the folds of scripts/evaluate_starter.py (tile i held out in fold i % folds), each fold's
model trained by scripts/starter_data.train_recipe with the recipe's overrides, scored in torch on
the held-out tiles at 3 m (no engine: an indication for choosing, not the reported score). Pixel
IoU pooled over tiles at several thresholds; objects are connected components of at least
``min_area_m2`` matched at IoU >= 0.5 with the reference components.

    .venv/bin/python scripts/quick_cv_starter.py --name lite0 --set steps=200 nodata_share=0 [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import starter_data
from scipy import ndimage

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
MIN_AREAS = (500, 2000, 5000)


def predict(model, sample) -> np.ndarray:
    import torch

    _, h, w = sample.image.shape
    ph, pw = (-h) % 32, (-w) % 32
    x = np.pad(sample.image, ((0, 0), (0, ph), (0, pw)), mode="reflect")
    with torch.inference_mode():
        return torch.sigmoid(model(torch.from_numpy(x[None])))[0, 0, :h, :w].numpy()


def objects(pred: np.ndarray, ref: np.ndarray, min_px: int) -> dict:
    lab, n = ndimage.label(pred)
    sizes = ndimage.sum(np.ones_like(lab), lab, range(1, n + 1))
    preds = [lab == i + 1 for i in range(n) if sizes[i] >= min_px]
    rlab, rn = ndimage.label(ref)
    refs = [rlab == i + 1 for i in range(rn)]
    matched = sum(any((p & r).sum() / (p | r).sum() >= 0.5 for p in preds) for r in refs)
    touched = sum(any((p & r).any() for p in preds) for r in refs)
    return {"matched": matched, "predicted": len(preds), "reference": len(refs), "touched": touched,
            "tp": int(sum((p & ref).sum() for p in preds)), "fp": int(sum((p & ~ref).sum() for p in preds)),
            "fn": int((ref & ~np.any(preds, axis=0)).sum()) if preds else int(ref.sum())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--folds", type=int, default=4)
    starter_data.add_recipe_arguments(parser, default="lite0")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    recipe = starter_data.recipe_with(args.recipe, args.set)
    tiles = starter_data.real_tiles()
    real = starter_data.real_samples(tiles)
    lookalikes: list = []
    synthetic = starter_data.synthetic_samples(lookalikes=lookalikes)
    t0 = time.monotonic()
    probs = {}
    for k in range(args.folds):
        held = [i for i in range(len(real)) if i % args.folds == k]
        model, _, _, _ = starter_data.train_recipe([s for i, s in enumerate(real) if i not in held], synthetic,
                                                   lookalikes, recipe, seed=k)
        for i in held:
            probs[i] = predict(model, real[i])
        print(f"fold {k} done ({time.monotonic() - t0:.0f} s)", flush=True)
    table = {}
    for t in THRESHOLDS:
        for a in MIN_AREAS:
            agg = {"matched": 0, "predicted": 0, "reference": 0, "touched": 0, "tp": 0, "fp": 0, "fn": 0}
            for i, p in probs.items():
                s = real[i]
                o = objects((p >= t) & s.valid, s.mask.astype(bool) & s.valid, round(a / starter_data.GSD ** 2))
                for key in agg:
                    agg[key] += o[key]
            prec = agg["matched"] / agg["predicted"] if agg["predicted"] else 0.0
            rec = agg["matched"] / agg["reference"] if agg["reference"] else 0.0
            table[f"t{t}_a{a}"] = {
                "pixel_iou_pooled": round(agg["tp"] / max(agg["tp"] + agg["fp"] + agg["fn"], 1), 3),
                "object_f1_iou50": round(2 * prec * rec / (prec + rec) if prec + rec else 0.0, 3),
                "touched": round(agg["touched"] / max(agg["reference"], 1), 3),
                "candidates_per_tile": round(agg["predicted"] / len(probs), 2)}
    out = {"name": args.name, "base": args.recipe, "recipe": recipe, "folds": args.folds,
           "seconds": round(time.monotonic() - t0), "scores": table}
    for key, v in table.items():
        print(key, v)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
