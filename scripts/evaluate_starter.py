"""Measure the starter model honestly and write its model card.

    .venv/bin/python scripts/evaluate_starter.py [--recipe starter-0.1|lite0] [--steps N] [--folds 4]
                                                 [--model PATH.onnx] [--out PATH.json] [--skip-cv]

1. Cross-validation on the 16 real tiles (../shared/data/rts_tiles_2m): fold k's model is trained
   on the other tiles plus the SYNTHETIC scenes and look-alikes, by the recipe with which
   scripts/train_starter.py trains the model (starter_data.RECIPES[--recipe], seed k), and scores
   only the tiles it never saw, at the recipe's threshold and minimum area.
2. HOLDOUT Peel (Sentinel-2, 12 experts): the bundled model's pixel IoU against the experts'
   majority, next to each expert's own IoU against that majority.
3. HOLDOUT Deering (real PlanetScope 4-band SR, no slumps): false detections per km².
Everything runs through the plugin's own engine (run_inference + vectorize). The HOLDOUT folders
are only ever predicted on, never trained or tuned on.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np
import rasterio
import starter_data
from rasterio import features
from shapely import wkb

from thaw_slump_mapper.core.engine.inference import InferenceParams, decode, run_inference
from thaw_slump_mapper.core.engine.raster import MosaicSpec
from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize
from thaw_slump_mapper.core.learn.evaluate import object_metrics, pixel_metrics
from thaw_slump_mapper.core.learn.training import export_package

MODEL = starter_data.ROOT / "models" / "tsm_starter" / "tsm_starter.onnx"

# Issue 15's goals for the starter model, in cross-validation on the 16 real tiles: (key, test, text).
GOALS = (
    ("pixel_iou_pooled", lambda v: v >= 0.35, "pixel IoU pooled >= 0.35"),
    ("object_f1_iou50", lambda v: v >= 0.3, "object F1 at IoU >= 0.5 >= 0.3"),
    ("anyoverlap_recall", lambda v: v >= 0.9, "outlines touched by a candidate >= 90 %"),
    ("candidates_per_tile_mean", lambda v: v < 2, "candidates per tile < 2"),
)


def goals(cv: dict) -> list[dict]:
    return [{"goal": text, "value": round(cv[key], 3), "met": bool(test(cv[key]))} for key, test, text in GOALS]


def predict(model: Path, mosaic: MosaicSpec, cache: Path, threshold: float | None = None,
            min_area: float | None = None):
    """Probabilities and candidates; threshold and minimum area default to the model's description."""
    desc = json.loads(Path(str(model) + ".json").read_text(encoding="utf-8"))
    threshold = desc.get("threshold", 0.5) if threshold is None else threshold
    min_area = desc.get("min_area_m2", 500.0) if min_area is None else min_area
    prob = run_inference(InferenceParams((mosaic,), str(model), cache_dir=str(cache)))
    with rasterio.open(prob.path) as src:
        p = decode(src.read(1))
        transform, crs = src.transform, src.crs
    polys = [c.geometry for c in vectorize(prob.path, VectorizeParams(threshold, min_area, band=prob.dates[0]))
             .candidates]
    return p, polys, transform, crs


def burn(polys, shape, transform) -> np.ndarray:
    if not polys:
        return np.zeros(shape, bool)
    return features.rasterize([(p, 1) for p in polys], out_shape=shape, transform=transform, dtype="uint8") > 0


def cross_validate(folds: int, steps: int | None, work: Path, recipe: dict, probs: Path | None = None,
                   seed_base: int = 0) -> dict:
    tiles = starter_data.real_tiles()
    samples = starter_data.real_samples(tiles)
    lookalikes: list = []
    synthetic = starter_data.synthetic_samples(lookalikes=lookalikes)
    per_tile, pooled = [], {"tp": 0, "fp": 0, "fn": 0}
    all_pred, all_ref = [], []
    saved = {}
    for k in range(folds):
        held = [i for i in range(len(tiles)) if i % folds == k]
        train_set = [s for i, s in enumerate(samples) if i not in held]
        model, _, config, _ = starter_data.train_recipe(train_set, synthetic, lookalikes, recipe, seed=seed_base + k,
                                                      steps=steps)
        paths = export_package(model, work / f"fold{k}", "fold", starter_data.description({"fold": k}, recipe),
                               config, 3)
        for i in held:
            uid, path, ref = tiles[i]
            p, polys, transform, _ = predict(paths["onnx"], MosaicSpec(str(path), "tile", (("red", 1), ("green", 2),
                                                                                          ("blue", 3))), work / "cache")
            valid = np.isfinite(p)
            saved[f"prob_{i}"], saved[f"ref_{i}"] = p.astype(np.float32), burn(ref, p.shape, transform)
            m = pixel_metrics(burn(polys, p.shape, transform), burn(ref, p.shape, transform), valid)
            o = object_metrics(polys, ref)
            for key in pooled:
                pooled[key] += m[key]
            all_pred += [(i, g) for g in polys]
            all_ref += [(i, g) for g in ref]
            per_tile.append({"tile": uid, "fold": k, "pixel_iou": round(m["pixel_iou"], 3),
                             "detected_iou50": o["matched"] > 0, "candidates": len(polys),
                             "outlines": len(ref), "outlines_touched": round(o["anyoverlap_recall"] * len(ref))})
            print(f"fold {k} tile {uid[:8]}: pixel IoU {m['pixel_iou']:.3f}, {len(polys)} candidates, "
                  f"matched {o['matched']}/{len(ref)}", flush=True)
    if probs is not None:  # the held-out probabilities, for looking at other thresholds afterwards
        np.savez_compressed(probs, **saved)
    tp, fp, fn = pooled["tp"], pooled["fp"], pooled["fn"]
    obj = {"matched": 0, "predicted": 0, "reference": 0, "hit_pred": 0, "hit_ref": 0}
    for i in {t for t, _ in all_ref}:
        om = object_metrics([g for t, g in all_pred if t == i], [g for t, g in all_ref if t == i])
        obj["matched"] += om["matched"]
        obj["predicted"] += om["predicted"]
        obj["reference"] += om["reference"]
        obj["hit_pred"] += round(om["anyoverlap_precision"] * om["predicted"])
        obj["hit_ref"] += round(om["anyoverlap_recall"] * om["reference"])
    prec = obj["matched"] / obj["predicted"] if obj["predicted"] else 0.0
    rec = obj["matched"] / obj["reference"] if obj["reference"] else 0.0
    return {
        "folds": folds, "tiles": len(tiles), "steps": steps or recipe["steps"],
        "pixel_iou_pooled": tp / (tp + fp + fn) if tp + fp + fn else 0.0,
        "pixel_iou_median_tile": statistics.median(t["pixel_iou"] for t in per_tile),
        "object_precision_iou50": prec, "object_recall_iou50": rec,
        "object_f1_iou50": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
        "anyoverlap_precision": obj["hit_pred"] / obj["predicted"] if obj["predicted"] else 0.0,
        "anyoverlap_recall": obj["hit_ref"] / obj["reference"] if obj["reference"] else 0.0,
        "candidates_per_tile_mean": statistics.mean(t["candidates"] for t in per_tile),
        "per_tile": per_tile,
    }


def read_shapes(path: Path, crs_wkt: str) -> list:
    from osgeo import ogr, osr

    ds = ogr.Open(str(path))
    layer = ds.GetLayer(0)
    target = osr.SpatialReference()
    target.ImportFromWkt(crs_wkt)
    target.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    source = layer.GetSpatialRef()
    if source is not None:
        source.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    transform = osr.CoordinateTransformation(source, target) if source is not None else None
    out = []
    for feature in layer:
        geom = feature.GetGeometryRef()
        if geom is None:
            continue
        geom = geom.Clone()
        if transform is not None:
            geom.Transform(transform)
        shp = wkb.loads(bytes(geom.ExportToWkb()))
        if not shp.is_empty:
            out.append(shp.buffer(0))
    return out


def peel(work: Path, model: Path) -> dict:
    folder = starter_data.DATA / "peel_bykovsky" / "peel"
    s2 = next(folder.glob("S2_*.tif"))
    p, polys, transform, crs = predict(model, MosaicSpec(str(s2), "2021-08-21", (("blue", 1), ("green", 2),
                                                                                  ("red", 3))), work / "cache")
    wkt = crs.to_wkt()
    aoi = read_shapes(folder / "Peel_AOI_2500.geojson", wkt)
    area = burn(aoi, p.shape, transform) & np.isfinite(p)
    experts = {e.stem: burn(read_shapes(e, wkt), p.shape, transform) for e in sorted(folder.glob("experts/*.shp"))}
    votes = np.sum(list(experts.values()), axis=0)
    majority = votes > len(experts) / 2
    expert_iou = {name: pixel_metrics(m, majority, area)["pixel_iou"] for name, m in experts.items()}
    model_mask = burn(polys, p.shape, transform)
    best = max((pixel_metrics(p >= t, majority, area)["pixel_iou"], t) for t in np.arange(0.1, 0.95, 0.1))
    return {"experts": len(experts), "majority_ha": float(majority[area].sum() * abs(transform.a) ** 2 / 1e4),
            "model_pixel_iou": pixel_metrics(model_mask, majority, area)["pixel_iou"],
            "model_detected_ha": float(model_mask[area].sum() * abs(transform.a) ** 2 / 1e4),
            "model_candidates": len(polys),
            "expert_vs_majority_iou_median": statistics.median(expert_iou.values()),
            "expert_vs_majority_iou": {k: round(v, 3) for k, v in expert_iou.items()},
            "model_iou_at_best_threshold_not_used": {"iou": best[0], "threshold": round(float(best[1]), 1)}}


def deering(work: Path, model: Path) -> dict:
    folder = starter_data.DATA / "planetscope_deering"
    sr = next(folder.glob("*_SR_clip.tif"))
    p, polys, transform, _ = predict(model, MosaicSpec(str(sr), "2016-09-09"), work / "cache")
    km2 = float(np.isfinite(p).sum() * abs(transform.a) ** 2 / 1e6)
    return {"valid_km2": km2, "false_detections": len(polys),
            "false_detections_per_km2": len(polys) / km2 if km2 else 0.0,
            "false_area_ha": float(sum(g.area for g in polys) / 1e4),
            "largest_false_ha": float(max((g.area for g in polys), default=0.0) / 1e4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    starter_data.add_recipe_arguments(parser)
    parser.add_argument("--steps", type=int, help="default: the recipe's")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--seed-base", type=int, default=0, help="fold k trains with seed BASE+k (seed spread)")
    parser.add_argument("--model", type=Path, default=MODEL, help="the trained model the HOLDOUT is scored with")
    parser.add_argument("--out", type=Path, help="default: evaluation.json beside the model")
    parser.add_argument("--skip-cv", action="store_true", help="only the HOLDOUT scores")
    parser.add_argument("--probs", type=Path, help="also save the held-out tiles' probabilities (.npz)")
    args = parser.parse_args()
    out = args.out or args.model.parent / "evaluation.json"
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tsm-eval-") as tmp:
        work = Path(tmp)
        results = {}
        if not args.skip_cv:  # first: the HOLDOUT needs the trained model only at the end
            recipe = starter_data.recipe_with(args.recipe, args.set)
            results["cross_validation"] = cross_validate(args.folds, args.steps, work, recipe, args.probs,
                                                           args.seed_base)
            results["cross_validation"].update(recipe=" ".join([args.recipe, *args.set]), threshold=recipe["threshold"],
                                               min_area_m2=recipe["min_area_m2"])
            results["cross_validation"]["goals"] = goals(results["cross_validation"])
        if not args.model.exists():
            if args.skip_cv:
                raise SystemExit("train the starter model first: .venv/bin/python scripts/train_starter.py")
            print(f"HOLDOUT not scored: no model at {args.model} (train it, then run with --skip-cv)")
        else:
            results.update(holdout_peel=peel(work, args.model), holdout_deering=deering(work, args.model))
            print(json.dumps({k: results[k] for k in ("holdout_peel", "holdout_deering")}, indent=1), flush=True)
        if args.skip_cv:
            return
    results["seconds"] = round(time.monotonic() - start)
    order = ("holdout_peel", "holdout_deering", "cross_validation", "seconds")
    results = {k: results[k] for k in order if k in results}
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in results["cross_validation"].items() if k not in ("per_tile", "goals")},
                     indent=1))
    print("Cross-validation goals (issue 15):")
    for g in results["cross_validation"]["goals"]:
        print(f"  {'met    ' if g['met'] else 'NOT met'}  {g['goal']}: {g['value']}")
    print(f"written: {out}")


if __name__ == "__main__":
    main()
