"""Change benchmark: per-date area and growth rate of real slumps, from the bundled model, against
hand-drawn outlines.

    .venv/bin/python scripts/bench_change.py [--model models/tsm_starter/tsm_starter.onnx]
                                             [--work /tmp/tsm-bench-change] [--out PATH.json]

Data: ../shared/data/math76_s2 (Sentinel-2 L2A, 10 m, 2019-2024, every date a site has; read by
path). The four sites with a hand-drawn outline for 9-10 dates are run as a user runs them:
``tsm infer`` with one --mosaic per date (B4,B3,B2,B8 as red, green, blue, nir; two UTM zones per
site, so --reproject) into a candidates GeoPackage, which measures change (``tsm change``) on
every date. The candidate that covers most of the hand-drawn outlines stands for the slump.

Per site: the model's area on each hand-drawn date against the hand-drawn area, the median of
the relative errors, the growth rate (Theil-Sen over every observed date, as stored in
growth_m2_per_yr) against a Theil-Sen line through the hand-drawn areas, and the first date seen.
Goals (issue 28): |median error| <= 25 %, growth within +-35 % of the hand-drawn rate.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bootstrap import ROOT, register_package

register_package()

from thaw_slump_mapper.core import cli  # noqa: E402
from thaw_slump_mapper.core.change.growth import decimal_year, theil_sen  # noqa: E402
from thaw_slump_mapper.core.change.update import update_change  # noqa: E402
from thaw_slump_mapper.core.engine.runtime_choice import cpu_flags  # noqa: E402
from thaw_slump_mapper.core.engine.runtime_choice import cpu_name as cpu_model  # noqa: E402
from thaw_slump_mapper.core.store.candidate_dates import read_candidate_dates  # noqa: E402
from thaw_slump_mapper.core.store.candidates import read_candidates  # noqa: E402
from thaw_slump_mapper.core.store.gpkg import decode_geometry, table_srs  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "math76_s2"
SITES = ("s003", "s004", "s015", "s019")


def cpu_name() -> str:
    """The CPU and the instruction sets that decide inference speed (the benchmarks name them)."""
    flags = cpu_flags()
    return f"{cpu_model()} ({', '.join(flags) or 'no AVX2'})"


def hand_outlines(site: str):
    conn = sqlite3.connect(DATA / f"outlines_{site}.gpkg")
    try:
        rows = [(d, float(a), decode_geometry(g)) for d, a, g in
                conn.execute("SELECT date, area_m2, geom FROM outlines ORDER BY date")]
        return rows, table_srs(conn, "outlines")[1]
    finally:
        conn.close()


def run_site(site: str, model: str, work: Path, threshold: float | None) -> dict:
    from rasterio.crs import CRS
    from rasterio.warp import transform_geom
    from shapely.geometry import mapping, shape
    from shapely.ops import unary_union

    images = sorted((DATA / "sites" / site).glob("Sentinel2_*.tif"))
    out = work / f"{site}.gpkg"
    if out.exists():
        out.unlink()
    argv = ["infer", "--model", model, "--band-map", "red=1,green=2,blue=3,nir=4", "--reproject", "--quiet",
            "--out", str(out), "--cache", str(work / "cache")]
    for image in images:
        argv += ["--mosaic", f"{image}@{image.stem.split('_', 1)[1]}"]
    start = time.monotonic()
    if cli.main(argv) != 0:
        raise SystemExit(f"tsm infer failed on {site}")
    seconds = time.monotonic() - start
    if threshold is not None:  # measured again at another area threshold (the run measured at the default)
        update_change(out, threshold=threshold)
    hand, hand_wkt = hand_outlines(site)
    cands = read_candidates(out)
    conn = sqlite3.connect(out)
    cand_wkt = table_srs(conn, "candidates")[1]
    conn.close()
    truth = unary_union([shape(transform_geom(CRS.from_wkt(hand_wkt), CRS.from_wkt(cand_wkt), mapping(g)))
                         for _, _, g in hand])
    touching = [c for c in cands if c["geometry"].intersects(truth)]
    row = {"site": site, "dates_run": len(images), "hand_dates": len(hand), "seconds": round(seconds, 1),
           "candidates": len(cands), "candidates_on_slump": len(touching)}
    hand_rate = theil_sen([decimal_year(d) for d, _, _ in hand], [a for _, a, _ in hand])
    row["hand_growth_m2_per_yr"] = round(hand_rate, 1)
    row["hand_first_date"] = hand[0][0]
    if not touching:
        row.update(found=False)
        return row
    best = max(touching, key=lambda c: c["geometry"].intersection(truth).area)
    series = {r["date"]: r for r in read_candidate_dates(out, best["candidate_id"])}
    per_date, errors = [], []
    for d, area, _ in hand:
        got = series.get(d)
        model_area = got["area_m2"] if got else None
        err = None if model_area is None else model_area / area - 1
        if err is not None:
            errors.append(err)
        per_date.append({"date": d, "hand_m2": round(area), "model_m2": model_area,
                         "observed": bool(got and got["observed"]), "error": None if err is None else round(err, 3)})
    median = statistics.median(errors)
    rate = best["growth_m2_per_yr"]
    row.update(found=True, candidate_id=best["candidate_id"], per_date=per_date,
               median_error=round(median, 3), median_abs_error=round(statistics.median(abs(e) for e in errors), 3),
               growth_m2_per_yr=rate,
               growth_ratio=None if rate is None or not hand_rate else round(rate / hand_rate, 2),
               first_date_seen=best["first_date_seen"], dates_observed=best["dates_observed"],
               area_goal=abs(median) <= 0.25,
               growth_goal=rate is not None and hand_rate != 0 and abs(rate / hand_rate - 1) <= 0.35)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "tsm_starter" / "tsm_starter.onnx"))
    parser.add_argument("--work", default="/tmp/tsm-bench-change")
    parser.add_argument("--out", help="write the results as JSON")
    parser.add_argument("--threshold", type=float, help="area threshold (default: tsm change's)")
    args = parser.parse_args()
    if not DATA.is_dir():
        raise SystemExit(f"{DATA} is missing: this benchmark reads the real math76 time series.")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    rows = [run_site(site, args.model, work, args.threshold) for site in SITES]
    print(f"CPU: {cpu_name()}")
    print(f"model: {args.model}")
    print(f"{'site':<5} {'dates':>5} {'hand':>4} {'median err':>10} {'model m²/yr':>12} {'hand m²/yr':>11} "
          f"{'ratio':>6} {'first seen':>11} {'hand first':>11} {'goals':>10}")
    for r in rows:
        if not r.get("found"):
            print(f"{r['site']:<5} {r['dates_run']:>5} {r['hand_dates']:>4}  no candidate on the slump")
            continue
        goals = ("area" if r["area_goal"] else "-") + "/" + ("growth" if r["growth_goal"] else "-")
        rate = "-" if r["growth_m2_per_yr"] is None else f"{r['growth_m2_per_yr']:+,.0f}"
        print(f"{r['site']:<5} {r['dates_run']:>5} {r['hand_dates']:>4} {r['median_error']:>+10.0%} {rate:>12} "
              f"{r['hand_growth_m2_per_yr']:>+11,.0f} {r['growth_ratio'] if r['growth_ratio'] is not None else '-':>6} "
              f"{r['first_date_seen'] or '-':>11} {r['hand_first_date']:>11} {goals:>10}")
    for r in rows:
        if r.get("found"):
            print(f"\n{r['site']} per hand-drawn date (model area where that date was observed):")
            for p in r["per_date"]:
                model = "not observed" if p["model_m2"] is None else f"{p['model_m2']:>9,.0f} m²  {p['error']:+.0%}"
                print(f"  {p['date']}  hand {p['hand_m2']:>9,} m²  model {model}")
    if args.out:
        model = Path(args.model).resolve()
        shown = str(model.relative_to(ROOT)) if model.is_relative_to(ROOT) else str(model)
        Path(args.out).write_text(json.dumps({"cpu": cpu_name(), "model": shown, "sites": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
