"""Loop benchmark: does one review + fine-tune iteration help, done as a user of the plugin does it?

    .venv/bin/python scripts/bench_loop.py [--seeds 0,1] [--iterations 3] [--reviews 100] [--steps 100]
                                           [--score-chips 60] [--work /tmp/tsm-bench-loop] [--out PATH.json]

Data: ../shared/data/cyber2a_rts (756 real RTS chips, 1,783 COCO outlines; read by path, never
copied into the repository). The chips carry no georeferencing; each is written once as an 8-bit
RGB GeoTIFF on a nominal 3 m grid in a UTM CRS (EPSG:32606, a stand-in), every chip at its own
origin 5 km from the others. The set has no region field: its file names give two groups,
``train_nitze_*`` (regions of Nitze et al. 2021) and ``train_yg_*`` (Yang et al. 2023), which stand
for the regions here.

For each seed, within each region, the chips are shuffled: the first ``--score-chips`` are the
UNREVIEWED chips every model is scored on, the rest are the areas the expert reviews, a new area
each iteration (as in Xia et al.: the new model is run on new ground, not on what was reviewed).
One iteration, all through the plugin's core code:

1. infer (as ``tsm infer``: run_inference + vectorize at the model's threshold and minimum area +
   write_candidates) on the next reviewed chip, into the loop's one candidates GeoPackage;
2. a simulated expert reviews that chip's candidates with record_decision: a candidate whose IoU
   with a true outline (not yet taken) is >= --accept-iou is accepted and its outline replaced by
   the true one (edited=True), the others are rejected (reason "other"), and every true outline no
   accepted candidate stands for is drawn by hand as the review dock's M key does (a new candidate
   row, fill_imagery_dates, record_decision accepted, edited=True); chip after chip until about
   --reviews decisions (candidates + hand-drawn) are made;
3. train as the dock's Train button does: export_chips with the dock's defaults (core.preferences.CHIPS)
   over every reviewed chip's GeoTIFF, fine_tune from the current model's .pth with --steps (the
   dock's default, core.preferences.FINE_TUNE_STEPS), log_iteration;
4. score the new model (and, once, the starter) on the unreviewed chips: object precision, recall
   and F1 at IoU >= 0.5 (core.learn.evaluate.object_metrics, counts pooled over chips) and pooled
   pixel IoU, through the engine with the model's own threshold and minimum area, as
   scripts/evaluate_starter.py scores.

The curve (F1 per iteration per seed, mean and spread) is printed and written with the CPU, the
command, chip counts and timings to docs/measurements/loop_benchmark.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _bootstrap
from cyber2a import CRS_EPSG, DATA, DATE, GSD, Chip, load_chips
from cyber2a import folds as cyber2a_folds

_bootstrap.register_package()

import numpy as np  # noqa: E402
import rasterio  # noqa: E402
from rasterio import features  # noqa: E402

from thaw_slump_mapper.core.engine.inference import InferenceParams, decode, run_inference  # noqa: E402
from thaw_slump_mapper.core.engine.models import load_model  # noqa: E402
from thaw_slump_mapper.core.engine.runtime_choice import cpu_name as cpu_model  # noqa: E402
from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize  # noqa: E402
from thaw_slump_mapper.core.learn.chips import export_chips  # noqa: E402
from thaw_slump_mapper.core.learn.evaluate import iou, object_metrics, pixel_metrics  # noqa: E402
from thaw_slump_mapper.core.learn.finetune import fine_tune  # noqa: E402
from thaw_slump_mapper.core.learn.iterations import log_iteration  # noqa: E402
from thaw_slump_mapper.core.preferences import CHIPS, FINE_TUNE_STEPS  # noqa: E402
from thaw_slump_mapper.core.review.decisions import record_decision  # noqa: E402
from thaw_slump_mapper.core.store.candidates import (  # noqa: E402
    LAYER,
    fill_imagery_dates,
    read_candidates,
    write_candidates,
)
from thaw_slump_mapper.core.store.gpkg import encode_geometry  # noqa: E402

ROOT = _bootstrap.ROOT
STARTER = ROOT / "models" / "tsm_starter" / "tsm_starter.onnx"
OUT = ROOT / "docs" / "measurements" / "loop_benchmark.json"
REVIEWER = "simulated-expert"


# ----------------------------------------------------------------------------------------- data
def split(chips: list[Chip], seed: int, score_per_region: int) -> tuple[list[Chip], list[Chip]]:
    """(scoring chips, review order): within each region, seeded; the review order alternates regions
    so that every iteration reviews both."""
    rng = np.random.default_rng(seed)
    scoring, pools = [], []
    for region in sorted({c.region for c in chips}):
        members = [c for c in chips if c.region == region]
        order = [members[i] for i in rng.permutation(len(members))]
        scoring += order[:score_per_region]
        pools.append(order[score_per_region:])
    review = [c for group in zip(*pools) for c in group]
    longest = max(pools, key=len)
    review += longest[min(len(p) for p in pools):]
    return scoring, review


# ------------------------------------------------------------------------------------ the engine
class Model:
    def __init__(self, onnx: Path, cache: Path) -> None:
        self.path = onnx
        self.loaded = load_model(onnx, "cpu")
        self.spec = self.loaded.spec
        self.cache = cache

    def infer(self, chip: Chip):
        """As ``tsm infer``: probabilities, then candidates at the model's threshold and minimum area."""
        prob = run_inference(InferenceParams((chip.mosaic(),), str(self.path), cache_dir=str(self.cache),
                                             device="cpu"), model=self.loaded)
        vparams = VectorizeParams(threshold=self.spec.threshold, min_area_m2=self.spec.min_area_m2)
        return prob, vectorize(prob.path, vparams), vparams


def write_run(gpkg: Path, model: Model, chip: Chip, started: float):
    """Infer on one chip and merge its candidates into the GeoPackage (the CLI's run record)."""
    prob, result, vparams = model.infer(chip)
    run = {"threshold": vparams.threshold, "min_area_m2": vparams.min_area_m2,
           "extent": [*list(prob.grid.bounds), prob.grid.crs.to_string()], "aoi": "",
           "probability_raster": prob.path, "seconds": time.monotonic() - started,
           "parameters": {"band": vparams.band, "fill_holes": vparams.fill_holes, "simplify_m": vparams.simplify_m,
                          "nodata_margin_px": vparams.nodata_margin_px, "cached": prob.cached,
                          "benchmark_chip": chip.name}}
    return write_candidates(gpkg, result, run)


# ----------------------------------------------------------------------------- simulated expert
def _srs(gpkg: Path) -> int:
    conn = sqlite3.connect(gpkg)
    try:
        return conn.execute("SELECT srs_id FROM gpkg_geometry_columns WHERE table_name=?", (LAYER,)).fetchone()[0]
    finally:
        conn.close()


def _set_geometry(gpkg: Path, cid: str, geom, srs: int) -> None:
    """The expert reshapes the outline (what the vertex tool's edit commits to the layer)."""
    conn = sqlite3.connect(gpkg)
    try:
        conn.execute(f'UPDATE "{LAYER}" SET geom=?, area_m2=?, perimeter_m=? WHERE candidate_id=?',
                     (encode_geometry(geom, srs), geom.area, geom.length, cid))
        conn.commit()
    finally:
        conn.close()


def _draw_missed(gpkg: Path, geom, srs: int) -> str:
    """The M key: QGIS adds a feature with a fresh uuid and the drawn outline, nothing else."""
    cid = str(uuid.uuid4())
    conn = sqlite3.connect(gpkg)
    try:
        conn.execute(f'INSERT INTO "{LAYER}" (geom, candidate_id) VALUES (?, ?)', (encode_geometry(geom, srs), cid))
        conn.commit()
    finally:
        conn.close()
    return cid


def review_chip(gpkg: Path, chip: Chip, accept_iou: float) -> dict:
    """The expert's verdicts on one chip, through record_decision; returns the counts."""
    srs = _srs(gpkg)
    rows = [r for r in read_candidates(gpkg) if r["status"] == "unreviewed" and r["geometry"].intersects(chip.bounds)]
    taken: set[int] = set()
    out = {"accepted": 0, "rejected": 0, "drawn": 0}
    pairs = sorted(((iou(r["geometry"], t), k, j) for k, r in enumerate(rows) for j, t in enumerate(chip.truth)),
                   reverse=True)
    match: dict[int, int] = {}
    for value, k, j in pairs:  # one candidate per true outline, best overlaps first
        if value >= accept_iou and k not in match and j not in taken:
            match[k] = j
            taken.add(j)
    for k, row in enumerate(rows):
        if k in match:
            _set_geometry(gpkg, row["candidate_id"], chip.truth[match[k]], srs)
            record_decision(gpkg, row["candidate_id"], "accepted", REVIEWER, edited=True)
            out["accepted"] += 1
        else:
            record_decision(gpkg, row["candidate_id"], "rejected", REVIEWER, reject_reason="other")
            out["rejected"] += 1
    drawn = [_draw_missed(gpkg, t, srs) for j, t in enumerate(chip.truth) if j not in taken]
    if drawn:  # as ReviewController.save_edits: the imagery's date, then accepted
        fill_imagery_dates(gpkg, drawn, [DATE])
        for cid in drawn:
            record_decision(gpkg, cid, "accepted", REVIEWER, edited=True, notes="drawn by hand: missed by the model")
    out["drawn"] = len(drawn)
    return out


# ------------------------------------------------------------------------------------- scoring
def burn(polys, chip: Chip) -> np.ndarray:
    if not polys:
        return np.zeros((chip.height, chip.width), bool)
    return features.rasterize([(p, 1) for p in polys], out_shape=(chip.height, chip.width),
                              transform=chip.transform, dtype="uint8") > 0


def score(model: Model, chips: list[Chip]) -> dict:
    """Object P/R/F1 at IoU >= 0.5 (counts pooled over chips) and pooled pixel IoU, overall and by region."""
    tallies: dict[str, dict] = {}
    for chip in chips:
        prob, result, _ = model.infer(chip)
        with rasterio.open(prob.path) as src:
            valid = np.isfinite(decode(src.read(1)))
        polys = [c.geometry for c in result.candidates]
        o = object_metrics(polys, chip.truth)
        m = pixel_metrics(burn(polys, chip), burn(chip.truth, chip), valid)
        for key in ("all", chip.region):
            t = tallies.setdefault(key, dict.fromkeys(("matched", "predicted", "reference", "tp", "fp", "fn",
                                                       "chips"), 0))
            t["matched"] += o["matched"]
            t["predicted"] += o["predicted"]
            t["reference"] += o["reference"]
            for k in ("tp", "fp", "fn"):
                t[k] += m[k]
            t["chips"] += 1
    out = {}
    for key, t in tallies.items():
        p = t["matched"] / t["predicted"] if t["predicted"] else 0.0
        r = t["matched"] / t["reference"] if t["reference"] else 0.0
        px = t["tp"] + t["fp"] + t["fn"]
        out[key] = {"object_precision": round(p, 4), "object_recall": round(r, 4),
                    "object_f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
                    "pixel_iou_pooled": round(t["tp"] / px if px else 0.0, 4),
                    "matched": t["matched"], "predicted": t["predicted"], "reference": t["reference"],
                    "chips": t["chips"]}
    return out


# ---------------------------------------------------------------------------------------- loop
def run_seed(seed: int, chips: list[Chip], args, work: Path, starter: Model) -> dict:
    folder = work / f"seed{seed}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    gpkg = folder / "candidates.gpkg"
    scoring, review = split(chips, seed, args.score_chips)
    t0 = time.monotonic()
    base = score(starter, scoring)
    timings = {"score_starter_s": round(time.monotonic() - t0, 1)}
    print(f"seed {seed}: {len(scoring)} scoring chips, starter object F1 {base['all']['object_f1']:.3f} "
          f"(P {base['all']['object_precision']:.3f} R {base['all']['object_recall']:.3f}), "
          f"pixel IoU {base['all']['pixel_iou_pooled']:.3f}", flush=True)
    curve = [{"iteration": 0, "model": f"{starter.spec.name} {starter.spec.version}", **base}]
    model, pth = starter, starter.path.with_suffix(".pth")
    reviewed: list[Chip] = []
    nxt = 0
    for it in range(1, args.iterations + 1):
        step = {}
        t = time.monotonic()
        tally = {"accepted": 0, "rejected": 0, "drawn": 0, "chips": 0, "outlines": 0}
        while tally["accepted"] + tally["rejected"] + tally["drawn"] < args.reviews:
            if nxt >= len(review):
                raise SystemExit(f"seed {seed}: the review chips ran out at iteration {it}; lower --score-chips, "
                                 "--reviews or --iterations")
            chip = review[nxt]
            nxt += 1
            write_run(gpkg, model, chip, time.monotonic())
            for k, v in review_chip(gpkg, chip, args.accept_iou).items():
                tally[k] += v
            tally["chips"] += 1
            tally["outlines"] += len(chip.truth)
            reviewed.append(chip)
        step["infer_and_review_s"] = round(time.monotonic() - t, 1)
        t = time.monotonic()
        chips_dir = folder / f"chips_{it}"
        manifest = export_chips(gpkg, [c.mosaic() for c in reviewed], model.spec, chips_dir)
        step["export_chips_s"] = round(time.monotonic() - t, 1)
        t = time.monotonic()
        tuned = fine_tune(pth, chips_dir, folder / f"model_{it}", steps=args.steps, seed=seed)
        step["fine_tune_s"] = round(time.monotonic() - t, 1)
        new = Model(Path(tuned["paths"]["onnx"]), work / "cache")
        log_iteration(gpkg, new.spec.name, new.spec.version, len(read_candidates(gpkg)),
                      val_iou=tuned["val_iou_after"], notes="fine-tuned from the decisions in this file (benchmark)")
        t = time.monotonic()
        result = score(new, scoring)
        step["score_s"] = round(time.monotonic() - t, 1)
        a = result["all"]
        print(f"seed {seed} iteration {it}: reviewed {tally['chips']} chips (accepted {tally['accepted']}, "
              f"rejected {tally['rejected']}, drawn {tally['drawn']}); chips {manifest['counts']} "
              f"{manifest['splits']}; val IoU {tuned['val_iou_before']} -> {tuned['val_iou_after']}; "
              f"object F1 {a['object_f1']:.3f} (P {a['object_precision']:.3f} R {a['object_recall']:.3f}), "
              f"pixel IoU {a['pixel_iou_pooled']:.3f}; {step}", flush=True)
        curve.append({"iteration": it, "model": f"{new.spec.name} {new.spec.version}", **result,
                      "review": tally, "training_chips": manifest["counts"], "training_splits": manifest["splits"],
                      "training_dropped": manifest["dropped"],
                      "val_iou_before": tuned["val_iou_before"], "val_iou_after": tuned["val_iou_after"],
                      "seconds": step})
        if args.base == "latest":  # the dock fine-tunes the model chosen, i.e. the newest
            model, pth = new, Path(tuned["paths"]["pth"])
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return {"seed": seed, "scoring_chips": len(scoring), "reviewed_chips": len(reviewed),
            "score_starter_s": timings["score_starter_s"], "curve": curve}


def _git_head() -> str:
    import subprocess

    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=False).stdout.strip()
    except OSError:
        return ""


def summarise(runs: list[dict], iterations: int) -> list[dict]:
    rows = []
    for it in range(iterations + 1):
        f1 = [r["curve"][it]["all"]["object_f1"] for r in runs]
        px = [r["curve"][it]["all"]["pixel_iou_pooled"] for r in runs]
        gain = [r["curve"][it]["all"]["object_f1"] - r["curve"][0]["all"]["object_f1"] for r in runs]
        rows.append({"iteration": it, "object_f1_per_seed": f1, "object_f1_mean": round(statistics.mean(f1), 4),
                     "object_f1_sd": round(statistics.stdev(f1), 4) if len(f1) > 1 else 0.0,
                     "object_f1_range": [min(f1), max(f1)],
                     "gain_over_starter_per_seed": [round(g, 4) for g in gain],
                     "gain_over_starter_mean": round(statistics.mean(gain), 4),
                     "pixel_iou_per_seed": px, "pixel_iou_mean": round(statistics.mean(px), 4)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starter", type=Path, default=STARTER,
                        help="the model of iteration 0 (ONNX with its .pth beside it); never one trained on cyber2a")
    parser.add_argument("--fold", type=int, help="only the chips of this cross-validation fold (with --folds)")
    parser.add_argument("--folds", type=int, default=3, help="folds of scripts/evaluate_starter.py (default 3)")
    parser.add_argument("--seeds", default="0,1", help="comma-separated; each seed draws its own split")
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--reviews", type=int, default=100, help="decisions per iteration (about)")
    parser.add_argument("--steps", type=int, default=FINE_TUNE_STEPS,
                        help=f"fine-tuning steps (the review dock's default: {FINE_TUNE_STEPS})")
    parser.add_argument("--score-chips", type=int, default=60, help="unreviewed scoring chips per region")
    parser.add_argument("--accept-iou", type=float, default=0.3, help="the expert accepts a candidate at this IoU")
    parser.add_argument("--base", choices=("latest", "starter"), default="latest",
                        help="fine-tune the newest model each iteration (as a dock user would) or the starter")
    parser.add_argument("--work", type=Path, default=Path("/tmp/tsm-bench-loop"), help="GeoTIFFs, files, models")
    parser.add_argument("--keep", action="store_true", help="keep each seed's GeoPackage, chips and models")
    parser.add_argument("--out", type=Path, default=OUT, help="the JSON written ('-': none)")
    args = parser.parse_args()
    if not (DATA / "coco_rts_train.json").is_file():
        raise SystemExit(f"no cyber2a_rts data at {DATA}")
    work = args.work.resolve()
    if work == ROOT or ROOT in work.parents:
        raise SystemExit("--work must lie outside the repository (the chips are never copied into it)")
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    started = time.monotonic()
    chips = load_chips(work)
    starter = Model(args.starter, work / "cache")
    if args.fold is not None:  # only the chips of one cross-validation fold (cyber2a.folds, split seed 0)
        fold_of = cyber2a_folds(chips, args.folds, 0)
        chips = [c for c, f in zip(chips, fold_of) if f == args.fold]
    seen = "cyber2a" in json.dumps(starter.spec.provenance) + starter.spec.model_card
    if seen and (args.fold is None or starter.spec.provenance.get("fold") != args.fold):
        raise SystemExit(f"{args.starter} was trained on the cyber2a chips this benchmark scores on: pass --starter "
                         "with a model that never saw them (the 0.1.0 starter, or the model of cross-validation "
                         "fold K, kept by scripts/evaluate_starter.py --keep-folds, with --fold K)")
    runs = []
    for seed in seeds:
        runs.append(run_seed(seed, chips, args, work, starter))
    curve = summarise(runs, args.iterations)
    print("\nobject F1 at IoU >= 0.5 on the unreviewed chips (pooled over chips); pixel IoU pooled")
    print("iteration  " + "  ".join(f"seed {s:<3}" for s in seeds) + "   mean    sd     pixel IoU mean")
    for row in curve:
        print(f"{row['iteration']:>9}  " + "  ".join(f"{v:8.3f}" for v in row["object_f1_per_seed"])
              + f"  {row['object_f1_mean']:.3f}  {row['object_f1_sd']:.3f}   {row['pixel_iou_mean']:.3f}")
    total = round(time.monotonic() - started)
    print(f"{total} s in all")
    if str(args.out) == "-":
        return
    record = {
        "what": "loop benchmark: simulated expert review of ~N candidates per iteration through the review code, "
                "fine-tune as the review dock does, scored on unreviewed chips of the same regions",
        "command": "python scripts/bench_loop.py " + " ".join(sys.argv[1:]),
        "commit": _git_head(), "cpu": cpu_model(), "cores": os.cpu_count(),
        "data": "cyber2a_rts (Cyber2A teaching set derived from Yang et al. 2023, RSE 288, 113495); "
                "regions = file-name groups train_nitze_* and train_yg_*; chips written as GeoTIFFs at a nominal "
                f"{GSD:g} m in EPSG:{CRS_EPSG} (stand-in)",
        "settings": {"seeds": seeds, "iterations": args.iterations, "reviews_per_iteration": args.reviews,
                     "steps": args.steps, "score_chips_per_region": args.score_chips, "accept_iou": args.accept_iou,
                     "base": args.base, "chip_export": {"chip": CHIPS.chip, "background": CHIPS.background,
                                                        "block_m": CHIPS.block_m, "val_share": CHIPS.val_share},
                     "match_iou": 0.5, "fine_tune_seed": "the benchmark seed"},
        "chips_total": len(chips), "outlines_total": sum(len(c.truth) for c in chips),
        "curve": curve, "runs": runs, "seconds": total,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
