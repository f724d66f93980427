"""Deepness against this plugin: one ONNX segmentation model, one raster, one CPU, each run in a
fresh process, interleaved; prints Deepness-time / our-time (median and spread) and peak RSS.

    .venv/bin/python scripts/bench_deepness.py --deepness ~/qgis-plugin-deepness/src \\
        --model unet_r34_rgb.onnx --add-deepness-metadata [--raster rgb.tif] [--repeats 3] [--json out.json]

Deepness (PUTvision/qgis-plugin-deepness) is not shipped or downloaded here: --deepness names the
folder that holds its ``deepness`` package (a clone's ``src``); its own dependencies (OpenCV) are
found where its installer puts them (``deepness/python3.X``) or in this Python. It runs headless
as its tests run it (QgsApplication, a raster layer, SegmentationParameters, MapProcessorSegmentation
.run()) with the settings its dock sets for the model: its UI defaults unless the model's metadata
says otherwise, the raster's own resolution, the entire layer. Its run ends with the result image
vectorised into in-memory layers (not written to a file); ours is ``tsm infer`` as a user runs it,
ending with the candidates written into a GeoPackage. Both times include loading the model, not
the start of Python and QGIS (the JSON has each process's whole time too). Peak RSS is each run's
own process (VmHWM), Deepness's with QGIS loaded as in a user's session.

Without --raster a 3-band uint8 GeoTIFF of --size-km2 (100: 3334 x 3334 px at 3 m) is generated
once into --work by scripts/bench_inference.py's generator (smooth background and bright
slump-sized patches: timing only). The model must take as many channels as the raster has bands
and output probabilities (Deepness thresholds the output as it comes). Our engine reads a model
by its Deepness metadata (or a sidecar); --add-deepness-metadata writes a copy of the model with
Deepness's keys (Deepness's default overlap, threshold and dilate/erode size, the raster's
resolution) into --work, so that both tools read the same settings; the input file is never changed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MARK = "BENCH_RESULT "  # the child's result line among Deepness's own prints
# Deepness's dock defaults (deepness_dockwidget.ui, ConfigEntryKey); model metadata overrides them
UI_DEFAULTS = {"tiles_overlap": 15, "batch_size": 1, "seg_thresh": 0.5, "seg_small_segment": 9}
# what --add-deepness-metadata writes besides the resolution (values as Deepness reads them: JSON)
DEEPNESS_KEYS = {"model_type": "Segmentor", "class_names": {"0": "thaw slump"},
                 "tiles_overlap": UI_DEFAULTS["tiles_overlap"], "seg_thresh": UI_DEFAULTS["seg_thresh"],
                 "seg_small_segment": UI_DEFAULTS["seg_small_segment"]}
TOOLS = ("deepness", "ours-onnxruntime", "ours-auto")


def memory_mb() -> dict[str, float]:
    """This process's resident memory now and at its peak (VmHWM: not ru_maxrss, which carries the
    parent's size over fork and exec into the child)."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return {"rss_start_mb": out.get("VmRSS", 0.0), "peak_rss_mb": out.get("VmHWM", 0.0)}


def report(result: dict[str, Any]) -> None:
    print(MARK + json.dumps(result), flush=True)


# --- Deepness, in its own process -------------------------------------------------------------

def import_deepness(folder: Path) -> None:
    sys.path.insert(0, str(folder))
    deps = folder / "deepness" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    if deps.is_dir():  # where Deepness's package installer puts OpenCV and co. (and adds to sys.path)
        sys.path.insert(0, str(deps))


def open_layer(raster: str) -> tuple[Any, Any]:
    from qgis.core import QgsApplication, QgsProject, QgsRasterLayer

    app = QgsApplication([], False)
    app.initQgis()
    layer = QgsRasterLayer(raster, "raster")
    if not layer.isValid():
        raise SystemExit(f"bench_deepness: QGIS cannot open {raster}")
    QgsProject.instance().addMapLayer(layer)
    return app, layer


def deepness_settings(model: Any, layer: Any) -> dict[str, Any]:
    """What Deepness's dock holds once the model is loaded (_load_default_model_parameters): the
    model's metadata where it has a value, else the UI default; the resolution of the raster when
    the model names none (the UI's own 3 cm/px is a placeholder a user replaces)."""
    meta = {"tiles_overlap": model.get_metadata_tiles_overlap(),
            "seg_thresh": model.get_metadata_segmentation_threshold(),
            "seg_small_segment": model.get_metadata_segmentation_small_segment(),
            "batch_size": model.get_model_batch_size()}
    settings = {k: UI_DEFAULTS[k] if v is None else v for k, v in meta.items()}
    settings["resolution_cm_per_px"] = model.get_metadata_resolution() or layer.rasterUnitsPerPixelX() * 100
    settings["tile_size_px"] = int(model.get_input_size_in_pixels()[-1])
    settings["processed_area"] = "Entire layer"
    settings["channels"] = f"default mapping: model input i = raster band i+1 ({layer.bandCount()} bands)"
    settings["local_cache"] = False
    return settings


def deepness_params(model: Any, layer: Any, s: dict[str, Any]) -> Any:
    from deepness.common.channels_mapping import ChannelsMapping, ImageChannelStandaloneBand
    from deepness.common.processing_overlap import ProcessingOverlap, ProcessingOverlapOptions
    from deepness.common.processing_parameters.map_processing_parameters import ProcessedAreaType
    from deepness.common.processing_parameters.segmentation_parameters import SegmentationParameters

    mapping = ChannelsMapping()  # as input_channels_mapping_widget sets it for a multi-band raster
    mapping.set_image_channels([ImageChannelStandaloneBand(band_number=b, name=layer.bandName(b))
                                for b in range(1, layer.bandCount() + 1)])
    mapping.set_number_of_model_inputs(model.get_number_of_channels())
    return SegmentationParameters(
        resolution_cm_per_px=s["resolution_cm_per_px"], tile_size_px=s["tile_size_px"], batch_size=s["batch_size"],
        local_cache=False, processed_area_type=ProcessedAreaType.ENTIRE_LAYER, mask_layer_id=None,
        input_layer_id=layer.id(), input_channels_mapping=mapping.get_as_default_mapping(),
        postprocessing_dilate_erode_size=s["seg_small_segment"],
        processing_overlap=ProcessingOverlap(ProcessingOverlapOptions.OVERLAP_IN_PERCENT,
                                             percentage=s["tiles_overlap"]),
        pixel_classification__probability_threshold=s["seg_thresh"], model=model)


def polygons_in(delegate: Callable) -> int | None:
    """Deepness hands its finished layers to the GUI thread inside a closure: count them there."""
    for cell in delegate.__closure__ or ():
        layers = cell.cell_contents
        if isinstance(layers, list) and layers and isinstance(layers[0], list):
            return sum(v.featureCount() for group in layers for v in group)
    return None


def timed(fn: Callable, log: dict[str, float], key: str) -> Callable:
    """``fn``, adding the seconds it takes to ``log[key]``."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            log[key] = log.get(key, 0.0) + time.perf_counter() - t0
    return wrapper


def stamped(fn: Callable, log: dict[str, float], t0: float) -> Callable:
    """``fn``, noting in ``log`` when (since ``t0``) it is called."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        log["image_at"] = time.perf_counter() - t0
        return fn(*args, **kwargs)
    return wrapper


def child_deepness(folder: str, raster: str, model_path: str) -> None:
    from unittest.mock import MagicMock

    import_deepness(Path(folder))
    _app, layer = open_layer(raster)
    from deepness.processing.map_processor.map_processing_result import MapProcessingResultSuccess
    from deepness.processing.map_processor.map_processor_segmentation import MapProcessorSegmentation
    from deepness.processing.models.segmentor import Segmentor

    start, log = memory_mb()["rss_start_mb"], {}
    t0 = time.perf_counter()
    model = Segmentor(model_path)
    model.process = timed(model.process, log, "model_seconds")  # preprocessing and forward, per batch
    settings = deepness_settings(model, layer)
    processor = MapProcessorSegmentation(rlayer=layer, vlayer_mask=None, map_canvas=MagicMock(),
                                         params=deepness_params(model, layer, settings))
    processor.set_results_img = stamped(processor.set_results_img, log, t0)  # when the result image is done
    processor._create_vlayer_from_mask_for_base_extent = timed(processor._create_vlayer_from_mask_for_base_extent,
                                                               log, "vectorise_seconds")
    processor.run()
    seconds = time.perf_counter() - t0
    result = processor._processing_result  # what finished() would hand to the dock; no getter
    if not isinstance(result, MapProcessingResultSuccess):
        raise SystemExit(f"bench_deepness: Deepness failed: {getattr(result, 'message', result)}")
    report({"seconds": seconds, "image_seconds": log["image_at"],
            "tiles": processor.x_bins_number * processor.y_bins_number, "polygons": polygons_in(result.gui_delegate),
            "model_seconds": log.get("model_seconds"), "vectorise_seconds": log.get("vectorise_seconds"),
            "settings": settings, **memory_mb(), "rss_start_mb": start})


# --- ours, in its own process ------------------------------------------------------------------

def child_ours(raster: str, model: str, backend: str) -> None:
    sys.path.insert(0, str(HERE))
    from _bootstrap import register_package

    register_package()
    from thaw_slump_mapper.core.cli import build_parser, main

    start = memory_mb()["rss_start_mb"]
    with tempfile.TemporaryDirectory(prefix="bench_deepness_") as tmp:  # a fresh cache: nothing reused
        argv = ["infer", "--mosaic", raster, "--model", model, "--out", f"{tmp}/candidates.gpkg",
                "--cache", f"{tmp}/cache", "--backend", backend, "--json", "--quiet"]
        out = io.StringIO()
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(out):
            code = main(argv)
        seconds = time.perf_counter() - t0
    if code:
        raise SystemExit(code)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    report({"seconds": seconds, "tiles": summary["tiles_run"], "polygons": summary["candidates"],
            "device": summary["device"], "batch_size": build_parser().parse_args(argv).batch_size,
            **memory_mb(), "rss_start_mb": start})


# --- the parent: inputs, runs, figures ---------------------------------------------------------

def fail(message: str) -> SystemExit:
    return SystemExit(f"bench_deepness: {message}")


def check_inputs(args: argparse.Namespace) -> None:
    package = args.deepness / "deepness" / "processing" / "map_processor" / "map_processor_segmentation.py"
    if not package.is_file():
        raise fail(f"no Deepness at {args.deepness}: give --deepness the folder that holds the deepness package "
                   "(a clone of PUTvision/qgis-plugin-deepness: its src folder)")
    if not args.model.is_file():
        raise fail(f"no model at {args.model}")
    if args.model.suffix.lower() != ".onnx":
        raise fail(f"{args.model.name} is not an ONNX file (.onnx): Deepness runs ONNX models only")
    if args.raster is not None and not args.raster.is_file():
        raise fail(f"no raster at {args.raster}")
    probe = [sys.executable, "-c", "import sys; sys.path[:0] = sys.argv[1:]; import cv2",
             str(args.deepness / "deepness" / f"python{sys.version_info.major}.{sys.version_info.minor}")]
    if subprocess.run(probe, capture_output=True).returncode:
        raise fail("Deepness needs OpenCV, found neither in this Python nor where Deepness installs it: "
                   f"pip install --target {probe[-1]} 'opencv-python-headless<=4.9.0.80'")


def make_raster(work: Path, km2: float) -> Path:
    """bench_inference's generated mosaic (uint16), as 8-bit RGB: what Deepness is made for."""
    path = work / f"rgb_{km2:g}km2.tif"
    if path.exists():
        return path
    from bench_inference import make_mosaic

    wide = make_mosaic(work / f"rgb16_{km2:g}km2.tif", km2, bands=3, kind="blobs")
    # its values lie within 200-3000: divided by 12 they fill 8 bits without clipping
    subprocess.run(["gdal_translate", "-q", "-ot", "Byte", "-scale", "0", "3060", "0", "255", "-co", "TILED=YES",
                    "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2", str(wide), str(path)], check=True)
    wide.unlink()
    return path


def raster_info(path: Path) -> dict[str, Any]:
    import rasterio

    with rasterio.open(path) as src:
        return {"path": str(path), "width": src.width, "height": src.height, "bands": src.count,
                "dtype": src.dtypes[0], "pixel_m": src.res[0], "crs": str(src.crs),
                "km2": src.width * src.height * src.res[0] * src.res[1] / 1e6}


def model_info(path: Path) -> dict[str, Any]:
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    dims = [d.dim_value or d.dim_param for d in model.graph.input[0].type.tensor_type.shape.dim]
    out = [d.dim_value or d.dim_param for d in model.graph.output[0].type.tensor_type.shape.dim]
    channels = out[1] if len(out) == 4 and isinstance(out[1], int) else None
    last = model.graph.node[-1].op_type if model.graph.node else ""
    return {"path": str(path), "input": dims, "output_channels": channels, "last_op": last,
            "metadata": {p.key: p.value for p in model.metadata_props}}


def add_deepness_metadata(src: Path, work: Path, pixel_m: float) -> Path:
    """A copy of ``src`` with Deepness's metadata keys it lacks; ``src`` itself is never written."""
    import onnx

    dst = work / f"{src.stem}_deepness.onnx"
    if dst.resolve() == src.resolve():
        raise fail(f"{src} would be overwritten: give a model outside --work or under another name")
    model = onnx.load(str(src))
    have = {p.key for p in model.metadata_props}
    # the tile size too: our engine reads Deepness's overlap (a percentage) only beside it
    tile = model.graph.input[0].type.tensor_type.shape.dim[-1].dim_value
    keys = {**DEEPNESS_KEYS, "resolution": round(pixel_m * 100, 6), **({"tile_size": tile} if tile else {})}
    for key, value in keys.items():
        if key not in have:
            entry = model.metadata_props.add()
            entry.key, entry.value = key, json.dumps(value)
    onnx.save(model, str(dst))
    return dst


def check_model(model: dict[str, Any], raster: dict[str, Any]) -> dict[str, Any]:
    """Refuse what one of the tools cannot run alike; returns the settings our engine reads."""
    channels = model["input"][1] if len(model["input"]) == 4 else None
    if channels != raster["bands"]:
        raise fail(f"the model takes {channels} channels and the raster has {raster['bands']} bands: Deepness maps "
                   "band i to input i, so give a model and a raster that agree")
    if not isinstance(model["input"][-1], int):
        raise fail("the model's input has no fixed tile size: Deepness takes its tile size from it")
    if model["last_op"] not in ("Sigmoid", "Softmax"):
        print(f"warning: the model ends in {model['last_op']}, not Sigmoid/Softmax: Deepness thresholds its output "
              "as probabilities")
    return our_settings(model)


def our_settings(model: dict[str, Any]) -> dict[str, Any]:
    from thaw_slump_mapper.core.engine.model_spec import parse_description
    from thaw_slump_mapper.core.engine.models import describe

    path = Path(model["path"])
    try:
        data, source = describe(path, model["metadata"])
        if not data:
            raise fail("the model has neither Deepness metadata nor a sidecar description for our engine: "
                       "add --add-deepness-metadata")
        shape = tuple(d if isinstance(d, int) else None for d in model["input"])
        spec = parse_description(data, source, path.stem, shape, model["output_channels"])
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - a description our engine refuses: its own one-line reason
        raise fail(f"our engine cannot read {path.name}'s description: {str(exc).splitlines()[0]}") from None
    return {"tile_size_px": spec.tile_size, "overlap_px": spec.overlap, "threshold": spec.threshold,
            "min_area_m2": spec.min_area_m2, "gsd_m": spec.gsd_m, "bands": list(spec.bands),
            "normalization": spec.normalization.kind}


def physical_cores() -> int:
    """onnxruntime's default thread count (neither tool sets one): one per physical core."""
    cores = set()
    for topo in Path("/sys/devices/system/cpu").glob("cpu[0-9]*/topology"):
        with contextlib.suppress(OSError):
            cores.add(((topo / "physical_package_id").read_text(), (topo / "core_id").read_text()))
    return len(cores) or os.cpu_count() or 1


def machine() -> dict[str, Any]:
    from thaw_slump_mapper.core.engine.runtime_choice import cpu_flags, cpu_name, machine_text

    print(f"machine: {machine_text()}")
    return {"cpu": cpu_name(), "cores": os.cpu_count(), "physical_cores": physical_cores(), "flags": cpu_flags()}


def plugin_version(metadata: Path) -> str:
    """The version line of a QGIS plugin's metadata.txt."""
    with contextlib.suppress(OSError):
        for line in metadata.read_text(encoding="utf-8").splitlines():
            if line.startswith("version="):
                return line.split("=", 1)[1].strip()
    return "unknown"


def run_child(argv: list[str]) -> dict[str, Any]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, *argv], capture_output=True, text=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    wall = time.perf_counter() - t0
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARK)]
    if proc.returncode or not lines:
        last = (proc.stderr.strip() or proc.stdout.strip() or f"exit {proc.returncode}").splitlines()[-1]
        raise fail(f"{argv[1]} run failed: {last[:300]}")
    return {**json.loads(lines[-1][len(MARK):]), "process_seconds": wall}


def child_argv(tool: str, args: argparse.Namespace, raster: Path, model: Path) -> list[str]:
    if tool == "deepness":
        return ["--child", "deepness", str(args.deepness.resolve()), str(raster), str(model), "-"]
    return ["--child", "ours", "-", str(raster), str(model), tool.split("-", 1)[1]]


def auto_choice(model: Path) -> str:
    """Let `auto` measure both runtimes once (remembered, as after a user's first run), so that the
    timed runs do not include that one-time measurement; returns what it chose and why."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from _bootstrap import register_package; register_package();"
            "from thaw_slump_mapper.core.engine.models import load_model; b = load_model(sys.argv[2], 'cpu', 'auto')"
            ".backend; c = getattr(b, 'choice', None); print(b.device + ': ' + (c.why() if c else 'the only runtime'))")
    proc = subprocess.run([sys.executable, "-c", code, str(HERE), str(model)], capture_output=True, text=True)
    if proc.returncode:
        raise fail(f"our engine cannot load {model.name}: {(proc.stderr.strip() or 'no message').splitlines()[-1]}")
    return proc.stdout.strip().splitlines()[-1]


def warm_page_cache(*paths: Path) -> None:
    """The first run would otherwise read from disk and the others from memory."""
    for path in paths:
        with open(path, "rb") as fh:
            while fh.read(1 << 24):
                pass


def measure(args: argparse.Namespace, raster: Path, model: Path, tools: list[str]) -> list[dict[str, Any]]:
    """Rounds of one run per tool, the order reversed every other round (A B C, C B A): a machine
    whose speed drifts hits each tool alike."""
    runs = []
    for i in range(args.repeats):
        for tool in tools if i % 2 == 0 else tools[::-1]:
            run = {"tool": tool, "round": i, **run_child(child_argv(tool, args, raster, model))}
            runs.append(run)
            print(f"  round {i + 1}, {tool}: {run['seconds']:.1f} s ({run['process_seconds']:.1f} s with the "
                  f"process's start-up; {run['tiles']} tiles, {run['polygons']} polygons), peak RSS "
                  f"{run['peak_rss_mb']:.0f} MB", flush=True)
    return runs


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def compare(runs: list[dict[str, Any]], ours: str, key: str = "seconds") -> dict[str, Any]:
    """Deepness over ours, paired within each round."""
    by = {(r["tool"], r["round"]): r for r in runs}
    rounds = sorted({r["round"] for r in runs})
    ratios = [by["deepness", i][key] / by[ours, i]["seconds"] for i in rounds]
    theirs, mine = [by["deepness", i] for i in rounds], [by[ours, i] for i in rounds]
    return {"ours": ours, "ratio": spread(ratios), "ratios": ratios,
            "deepness_seconds": spread([r[key] for r in theirs]),
            f"{ours}_seconds": spread([r["seconds"] for r in mine]),
            "deepness_peak_rss_mb": spread([r["peak_rss_mb"] for r in theirs]),
            f"{ours}_peak_rss_mb": spread([r["peak_rss_mb"] for r in mine])}


def print_row(name: str, row: dict[str, Any]) -> None:
    r, d, o = row["ratio"], row["deepness_seconds"], row[f"{row['ours']}_seconds"]
    dm, om = row["deepness_peak_rss_mb"], row[f"{row['ours']}_peak_rss_mb"]
    print(f"{name}: Deepness / ours = {r['median']:.2f} (median of {len(row['ratios'])}, "
          f"{r['min']:.2f}-{r['max']:.2f}); Deepness {d['median']:.1f} s, ours ({row['ours']}) {o['median']:.1f} s; "
          f"peak RSS Deepness {dm['median']:.0f} MB, ours {om['median']:.0f} MB")


def print_memory(runs: list[dict[str, Any]], tools: list[str]) -> None:
    """Where each process started from: Deepness's includes QGIS, as in a user's QGIS session."""
    parts = []
    for tool in tools:
        mine = [r for r in runs if r["tool"] == tool]
        peak = statistics.median(r["peak_rss_mb"] for r in mine)
        start = statistics.median(r["rss_start_mb"] for r in mine)
        parts.append(f"{tool} {peak:.0f} MB ({start:.0f} MB before its run)")
    print(f"peak RSS, median: {', '.join(parts)}")


def print_settings(runs: list[dict[str, Any]], info: dict[str, Any]) -> dict[str, Any]:
    deepness = next(r for r in runs if r["tool"] == "deepness")
    ours = [r for r in runs if r["round"] == 0 and r["tool"] != "deepness"]
    raster, theirs, mine = info["raster"], deepness["settings"], info["ours"]
    print(f"raster: {raster['width']} x {raster['height']} px, {raster['bands']} bands {raster['dtype']}, "
          f"{raster['pixel_m']:g} m, {raster['km2']:.1f} km2, {raster['crs']}; "
          f"model {Path(info['model']['path']).name}")
    print(f"Deepness settings (its dock's for this model): {json.dumps(theirs)}; onnxruntime, providers CUDA then "
          f"CPU, its default threads (one per physical core: {info['machine']['physical_cores']} here); "
          f"{deepness['tiles']} tiles")
    print("  its run: loading the model, tiles read band by band through QGIS, forward, threshold, median blur, "
          "the result image; then polygons of every class (background too) into in-memory layers, not saved")
    print(f"our settings (tsm infer defaults, the model's description): {json.dumps(mine)}, "
          f"batch {ours[0]['batch_size']}")
    for run in ours:
        print(f"  {run['tool']}: {run['device']}, {run['tiles']} tiles")
    print(f"  auto: {info['auto']}")
    print("  its run: loading the model, forward, blending into a probability raster, vectorising the slump class, "
          "candidates written into a GeoPackage")
    return {"deepness": theirs, "ours": {**mine, "batch_size": ours[0]["batch_size"]}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deepness", type=Path, help="folder holding the deepness package (a clone's src)")
    parser.add_argument("--model", type=Path, help="ONNX segmentation model (required)")
    parser.add_argument("--raster", type=Path, help="raster to run over (default: generated into --work)")
    parser.add_argument("--size-km2", type=float, default=100.0, help="area of the generated raster")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench_deepness")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of interleaved runs")
    parser.add_argument("--add-deepness-metadata", action="store_true",
                        help="run a copy of the model with Deepness's metadata written into --work")
    parser.add_argument("--json", type=Path, help="write the runs and figures here")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, folder, raster, model, backend = args.child
        child_deepness(folder, raster, model) if kind == "deepness" else child_ours(raster, model, backend)
        return
    if args.deepness is None or args.model is None:
        raise fail("give --deepness DIR and --model PATH.onnx")
    if args.repeats < 1:
        raise fail("--repeats must be 1 or more")
    check_inputs(args)
    bench(args)


def bench(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(HERE))
    from _bootstrap import register_package

    register_package()
    args.work.mkdir(parents=True, exist_ok=True)
    info = {"machine": machine(), "deepness_version": plugin_version(args.deepness / "deepness" / "metadata.txt"),
            "our_version": plugin_version(ROOT / "metadata.txt")}
    print(f"Deepness {info['deepness_version']} from {args.deepness}; Thaw Slump Mapper {info['our_version']}")
    raster = args.raster or make_raster(args.work, args.size_km2)
    info["raster"] = raster_info(raster)
    model = add_deepness_metadata(args.model, args.work, info["raster"]["pixel_m"]) if args.add_deepness_metadata \
        else args.model
    info["model"] = model_info(model)
    info["ours"] = check_model(info["model"], info["raster"])
    info["auto"] = auto_choice(model)
    tools = list(TOOLS if "openvino" in info["auto"].split(":")[0] else TOOLS[:2])  # auto = onnxruntime: one row
    warm_page_cache(raster, model)
    print(f"{args.repeats} rounds of {', '.join(tools)}, each run in a fresh process:")
    runs = measure(args, raster, model, tools)
    info["settings"] = print_settings(runs, info)
    default = "ours-auto" if "ours-auto" in tools else "ours-onnxruntime"
    rows = {"both tools' default settings": compare(runs, default),
            "both on onnxruntime": compare(runs, "ours-onnxruntime"),
            "both on onnxruntime, Deepness until its result image": compare(runs, "ours-onnxruntime", "image_seconds")}
    for name, row in rows.items():
        print_row(name, row)
    print_memory(runs, tools)
    if args.json:
        args.json.write_text(json.dumps({**info, "runs": runs, "rows": rows}, indent=1))
        print(f"written: {args.json}")


if __name__ == "__main__":
    main()
