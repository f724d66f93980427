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


THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
MIN_AREAS = (250.0, 500.0, 1000.0, 2000.0)
# Issue 25's goals, in cross-validation on the cyber2a chips: (key, test, text).
CYBER2A_GOALS = (
    ("object_f1_iou50", lambda v: v >= 0.5, "object F1 at IoU >= 0.5 >= 0.5"),
    ("pixel_iou_pooled", lambda v: v >= 0.5, "pixel IoU pooled >= 0.5"),
    ("false_candidates_per_chip", lambda v: v <= 0.5, "false candidates per chip <= 0.5"),
)


def _tally(rows: list[dict]) -> dict:
    """Pooled scores of per-chip rows (tp/fp/fn pixels, matched/predicted/reference, hits, false)."""
    t = {k: sum(r[k] for r in rows) for k in ("tp", "fp", "fn", "matched", "predicted", "reference", "hit_ref",
                                               "false")}
    p = t["matched"] / t["predicted"] if t["predicted"] else 0.0
    r = t["matched"] / t["reference"] if t["reference"] else 0.0
    px = t["tp"] + t["fp"] + t["fn"]
    return {"pixel_iou_pooled": t["tp"] / px if px else 0.0, "object_precision_iou50": p, "object_recall_iou50": r,
            "object_f1_iou50": 2 * p * r / (p + r) if p + r else 0.0,
            "anyoverlap_recall": t["hit_ref"] / t["reference"] if t["reference"] else 0.0,
            "false_candidates_per_chip": t["false"] / len(rows) if rows else 0.0,
            "candidates_per_chip": t["predicted"] / len(rows) if rows else 0.0, "chips": len(rows)}


def _chip_row(polys: list, truth: list, pred_mask, ref_mask, valid) -> dict:
    m = pixel_metrics(pred_mask, ref_mask, valid)
    o = object_metrics(polys, truth)
    false = sum(1 for g in polys if not any(g.intersects(t) for t in truth))
    return {"tp": m["tp"], "fp": m["fp"], "fn": m["fn"], "matched": o["matched"], "predicted": o["predicted"],
            "reference": o["reference"], "hit_ref": round(o["anyoverlap_recall"] * o["reference"]), "false": false}


def cross_validate_cyber2a(folds: int, steps: int | None, work: Path, recipe: dict, seed_base: int = 0,
                           keep: Path | None = None) -> dict:
    """k-fold CV on the cyber2a chips, whole near-duplicate groups to a fold; each fold's model scores
    only its held-out chips through the engine (each chip as a 3 m GeoTIFF). Threshold and minimum
    area are then chosen on the pooled held-out chips (never on a HOLDOUT)."""
    import cyber2a

    chips = cyber2a.load_chips(work)
    fold_of = cyber2a.folds(chips, folds, seed_base)
    samples = [c.sample() for c in chips]
    lookalikes: list = []
    if recipe["weights"].get("lookalikes") or recipe["weights"].get("synthetic"):
        synthetic = starter_data.synthetic_samples(lookalikes=lookalikes)
    else:
        synthetic = []
    groups = len({c.group for c in chips})
    print(f"{len(chips)} chips in {groups} groups (near-duplicates joined), {folds} folds of "
          f"{[fold_of.count(k) for k in range(folds)]} chips", flush=True)
    held_out = []  # (chip, probability raster path, band, fold)
    per_fold = []
    for k in range(folds):
        started = time.monotonic()
        train_set = [s for s, f in zip(samples, fold_of) if f != k]
        model, _, config, _ = starter_data.train_recipe([], synthetic, lookalikes, recipe, seed=seed_base + k,
                                                        steps=steps, cyber2a=train_set,
                                                        progress=_progress(f"fold {k}"))
        paths = export_package(model, work / f"fold{k}", "fold", starter_data.description({"fold": k}, recipe),
                               config, 3)
        if keep is not None:  # e.g. for scripts/bench_loop.py --fold k
            import shutil

            shutil.copytree(work / f"fold{k}", keep / f"fold{k}", dirs_exist_ok=True)
        trained = time.monotonic() - started
        rows = []
        for chip, f in zip(chips, fold_of):
            if f != k:
                continue
            prob = run_inference(InferenceParams((chip.mosaic(),), str(paths["onnx"]),
                                                 cache_dir=str(work / "cache")))
            held_out.append((chip, prob.path, prob.dates[0], k))
            rows.append(_score_chip(chip, prob.path, prob.dates[0], recipe["threshold"], recipe["min_area_m2"]))
        scores = _tally(rows)
        per_fold.append({"fold": k, "seed": seed_base + k, "train_chips": len(train_set),
                         "train_seconds": round(trained), "score_seconds": round(time.monotonic() - started - trained),
                         **{key: round(v, 4) if isinstance(v, float) else v for key, v in scores.items()}})
        print(f"\nfold {k}: F1 {scores['object_f1_iou50']:.3f} pixel IoU {scores['pixel_iou_pooled']:.3f} "
              f"false/chip {scores['false_candidates_per_chip']:.2f} ({trained:.0f} s training)", flush=True)
    # threshold and minimum area by CV: the pair with the best pooled object F1 on held-out chips
    sweep, rows_of = [], {}
    for threshold in THRESHOLDS:
        cache = {}
        for min_area in MIN_AREAS:
            rows = [_score_chip(chip, path, band, threshold, min_area, cache) for chip, path, band, _ in held_out]
            rows_of[threshold, min_area] = rows
            sweep.append({"threshold": threshold, "min_area_m2": min_area,
                          **{key: round(v, 4) for key, v in _tally(rows).items() if isinstance(v, float)}})
    best = max(sweep, key=lambda r: (r["object_f1_iou50"], r["pixel_iou_pooled"]))
    # the folds at the chosen pair: the spread over folds (each fold its own seed)
    final_rows = rows_of[best["threshold"], best["min_area_m2"]]
    fold_scores = [_tally([row for row, (*_, f) in zip(final_rows, held_out) if f == k]) for k in range(folds)]
    pooled = _tally(final_rows)
    spread = {key: {"folds": [round(f[key], 4) for f in fold_scores],
                    "sd": round(statistics.stdev([f[key] for f in fold_scores]), 4) if folds > 1 else 0.0}
              for key in ("object_f1_iou50", "pixel_iou_pooled", "false_candidates_per_chip")}
    return {"data": cyber2a.CITATION, "folds": folds, "chips": len(chips), "groups": groups,
            "steps": steps or recipe["steps"], "threshold": best["threshold"], "min_area_m2": best["min_area_m2"],
            **{key: round(v, 4) if isinstance(v, float) else v for key, v in pooled.items()},
            "spread_over_folds": spread, "at_recipe_threshold": per_fold, "sweep": sweep}


def score_all_chips(work: Path, model: Path) -> dict:
    """``model`` on every cyber2a chip at its own threshold and minimum area: only honest for a model
    that never trained on them (the previous starter, for the before/after table)."""
    import cyber2a

    desc = json.loads(Path(str(model) + ".json").read_text(encoding="utf-8"))
    rows = []
    for chip in cyber2a.load_chips(work):
        prob = run_inference(InferenceParams((chip.mosaic(),), str(model), cache_dir=str(work / "cache")))
        rows.append(_score_chip(chip, prob.path, prob.dates[0], desc.get("threshold", 0.5),
                                desc.get("min_area_m2", 500.0)))
    return {"model": f"{desc['name']} {desc['version']}", **{k: round(v, 4) if isinstance(v, float) else v
                                                           for k, v in _tally(rows).items()}}


def _progress(label: str):
    def show(step: int, total: int, loss: float) -> None:
        if step % 50 == 0 or step == total:
            print(f"\r{label}: step {step}/{total} loss {loss:.3f}", end="", flush=True)
    return show


def _score_chip(chip, prob_path: str, band: str, threshold: float, min_area: float, cache: dict | None = None) -> dict:
    """One held-out chip scored from its probability raster at (threshold, min_area)."""
    key = (prob_path, threshold)
    if cache is not None and key in cache:
        polys_all, p = cache[key]
    else:
        with rasterio.open(prob_path) as src:
            p = decode(src.read(1))
        polys_all = [(c.geometry, c.geometry.area) for c in
                     vectorize(prob_path, VectorizeParams(threshold, min(MIN_AREAS), band=band)).candidates]
        if cache is not None:
            cache[key] = (polys_all, p)
    polys = [g for g, area in polys_all if area >= min_area]
    valid = np.isfinite(p)
    shape = (chip.height, chip.width)
    return _chip_row(polys, chip.truth, burn(polys, shape, chip.transform), burn(chip.truth, shape, chip.transform),
                     valid)


def tiles_score(work: Path, model: Path, picture: Path | None = None) -> dict:
    """The 16 real tiles (2 m, other sites), which the cyber2a recipe never trains on: an independent
    check; with ``picture``, every tile with the expert's and the model's outlines (hits and misses)."""
    rows, panels = [], []
    for uid, path, ref in starter_data.real_tiles():
        p, polys, transform, _ = predict(model, MosaicSpec(str(path), "tile", (("red", 1), ("green", 2),
                                                                              ("blue", 3))), work / "cache")
        row = _chip_row(polys, ref, burn(polys, p.shape, transform), burn(ref, p.shape, transform), np.isfinite(p))
        rows.append(row)
        panels.append((uid, path, ref, polys, row))
    if picture is not None:
        _draw_tiles(panels, picture)
    return {key: round(v, 4) if isinstance(v, float) else v for key, v in _tally(rows).items()}


def _draw_tiles(panels: list, picture: Path) -> None:
    """A 4×4 sheet: each tile's RGB, the expert outline (yellow) and the model's candidates (cyan)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = 4
    rows = (len(panels) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 2.4, rows * 2.55))
    for ax in np.ravel(axes):
        ax.axis("off")
    for ax, (uid, path, ref, polys, row) in zip(np.ravel(axes), panels):
        with rasterio.open(path) as src:
            rgb = src.read([1, 2, 3]).astype(np.float32)
            left, bottom, right, top = src.bounds
        rgb[~np.isfinite(rgb)] = 0
        lo, hi = np.percentile(rgb, [2, 98])
        ax.imshow(np.clip((rgb.transpose(1, 2, 0) - lo) / max(hi - lo, 1e-6), 0, 1), extent=(left, right, bottom, top))
        for geoms, colour in ((ref, "yellow"), (polys, "cyan")):
            for g in geoms:
                for part in getattr(g, "geoms", [g]):
                    x, y = part.exterior.xy
                    ax.plot(x, y, color=colour, linewidth=1.2)
        ax.set_xlim(left, right)
        ax.set_ylim(bottom, top)
        verdict = "hit" if row["matched"] else ("touched" if row["hit_ref"] else "missed")
        ax.set_title(f"{uid[:8]}: {verdict}, {row['false']} false", fontsize=7)
    fig.suptitle("16 real tiles never trained on: expert outline yellow, model candidates cyan", fontsize=8)
    fig.tight_layout()
    picture.parent.mkdir(parents=True, exist_ok=True)
    tmp = picture.with_name(f".{picture.stem}.part{picture.suffix}")
    fig.savefig(tmp, dpi=90, pil_kwargs={"quality": 80} if picture.suffix == ".jpg" else None)
    plt.close(fig)
    tmp.replace(picture)


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
    parser.add_argument("--folds", type=int, help="default: 4 on the 16 tiles, 3 on the cyber2a chips")
    parser.add_argument("--seed-base", type=int, default=0, help="fold k trains with seed BASE+k (seed spread)")
    parser.add_argument("--model", type=Path, default=MODEL, help="the trained model the HOLDOUT is scored with")
    parser.add_argument("--out", type=Path, help="default: evaluation.json beside the model")
    parser.add_argument("--skip-cv", action="store_true",
                        help="only the trained model's scores (HOLDOUT, and the 16 tiles for a cyber2a recipe), "
                             "merged into --out when it holds a cross-validation")
    parser.add_argument("--cv-only", action="store_true", help="only the cross-validation (before the final training)")
    parser.add_argument("--probs", type=Path, help="also save the held-out tiles' probabilities (.npz)")
    parser.add_argument("--keep-folds", type=Path, metavar="DIR", help="keep each cyber2a fold's model in DIR/foldK")
    parser.add_argument("--score-cyber2a", type=Path, metavar="JSON",
                        help="only score --model on all cyber2a chips into JSON (a model that never saw them)")
    args = parser.parse_args()
    if args.score_cyber2a is not None:
        with tempfile.TemporaryDirectory(prefix="tsm-eval-") as tmp:
            scores = score_all_chips(Path(tmp), args.model)
        args.score_cyber2a.write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(scores, indent=1))
        return
    out = args.out or args.model.parent / "evaluation.json"
    recipe = starter_data.recipe_with(args.recipe, args.set)
    on_chips = recipe.get("data") == "cyber2a"
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tsm-eval-") as tmp:
        work = Path(tmp)
        results = {}
        if args.skip_cv and out.exists():
            results = json.loads(out.read_text(encoding="utf-8"))
        if not args.skip_cv:  # first: the HOLDOUT needs the trained model only at the end
            if on_chips:
                cv = cross_validate_cyber2a(args.folds or 3, args.steps, work, recipe, args.seed_base, args.keep_folds)
                cv["goals"] = [{"goal": text, "value": round(cv[key], 3), "met": bool(test(cv[key]))}
                               for key, test, text in CYBER2A_GOALS]
            else:
                cv = cross_validate(args.folds or 4, args.steps, work, recipe, args.probs, args.seed_base)
                cv.update(threshold=recipe["threshold"], min_area_m2=recipe["min_area_m2"])
                cv["goals"] = goals(cv)
            cv["recipe"] = " ".join([args.recipe, *args.set])
            results["cross_validation"] = cv
        if args.cv_only:
            pass
        elif not args.model.exists():
            if args.skip_cv:
                raise SystemExit("train the starter model first: .venv/bin/python scripts/train_starter.py")
            print(f"HOLDOUT not scored: no model at {args.model} (train it, then run with --skip-cv)")
        else:
            results.update(holdout_peel=peel(work, args.model), holdout_deering=deering(work, args.model))
            if on_chips:
                results["independent_tiles"] = tiles_score(work, args.model,
                                                           args.model.parent / "hits_and_misses.jpg")
            shown = ("holdout_peel", "holdout_deering", "independent_tiles")
            print(json.dumps({k: results[k] for k in shown if k in results}, indent=1), flush=True)
    if "cross_validation" not in results:
        return
    results["seconds"] = round(time.monotonic() - start) + (results.get("seconds", 0) if args.skip_cv else 0)
    order = ("holdout_peel", "holdout_deering", "independent_tiles", "cross_validation", "seconds")
    results = {k: results[k] for k in order if k in results}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out.with_name(f".{out.name}.part")
    tmp_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    tmp_out.replace(out)
    cv = results["cross_validation"]
    if not args.skip_cv:
        print(cv_table(cv))
    print(f"written: {out}")


def cv_table(cv: dict) -> str:
    """The cross-validation as a table (pooled over held-out chips, spread over folds)."""
    lines = [f"Cross-validation ({cv.get('recipe', '')}): {cv['folds']} folds, threshold {cv['threshold']}, "
             f"minimum area {cv['min_area_m2']:g} m²"]
    spread = cv.get("spread_over_folds", {})
    for key, label in (("object_f1_iou50", "object F1 at IoU >= 0.5"), ("object_precision_iou50", "object precision"),
                       ("object_recall_iou50", "object recall"), ("pixel_iou_pooled", "pixel IoU, pooled"),
                       ("anyoverlap_recall", "outlines touched"),
                       ("false_candidates_per_chip", "false candidates per chip"),
                       ("candidates_per_tile_mean", "candidates per tile")):
        if key not in cv:
            continue
        extra = ""
        if key in spread:
            folds = ", ".join(f"{v:.3f}" for v in spread[key]["folds"])
            extra = f"   folds {folds} (sd {spread[key]['sd']:.3f})"
        lines.append(f"  {label:<28} {cv[key]:.3f}{extra}")
    lines.append("Goals:")
    lines += [f"  {'met    ' if g['met'] else 'NOT met'}  {g['goal']}: {g['value']}" for g in cv.get("goals", [])]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
