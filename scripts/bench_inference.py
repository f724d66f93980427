"""Inference benchmark: does the pipeline keep pace with the model, is memory flat, how big is the
probability raster, and what does a corridor cost. Ratios are measured within one run.

    .venv/bin/python scripts/bench_inference.py                 # pace, file size, memory (~15 min on 2 cores)
    .venv/bin/python scripts/bench_inference.py --corridor 5000 # + the starter model over 5,000 km²

Generated mosaics (uint16, 3 m, written block by block): timing only, the pixels are not imagery.
- pace: end-to-end ``run_inference`` against the raw forward of the same number of tiles at the
  same batch size (``backend.run`` on random input, after a warm-up) for the bundled starter
  model and a UNet-ResNet34 (random weights) on the CPU, and a torch UNet-ResNet34 on a GPU when
  torch sees one; where the per-tile overhead goes.
- file size: the chunk files of the probability raster against a one-shot
  ``gdal_translate -co COMPRESS=DEFLATE -co PREDICTOR=2 -co TILED=YES`` copy of the same pixels.
- precision and runtime (``--precision``, in the same run): raw forward tiles per second of the
  starter model and a UNet-ResNet34 on onnxruntime fp32, OpenVINO fp32 (THROUGHPUT and LATENCY
  hints), OpenVINO bf16 where the CPU has it, and int8 (QDQ) packages from ``tsm quantize`` (both
  methods) on either runtime; medians of interleaved repeats, ratios to onnxruntime fp32, and the
  accuracy cost on the 16 real tiles where scripts/quantize_starter.py measured it.
- memory: peak RSS of the whole infer path (probabilities and vectorising) at 10-10,000 km², each
  in a fresh process, with a one-band mosaic and a 1×1-convolution model (cheap on purpose: it
  measures the pipeline's memory, not a network's).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bootstrap import ROOT, register_package

register_package()

import numpy as np  # noqa: E402
import rasterio  # noqa: E402
from rasterio.transform import from_origin  # noqa: E402
from rasterio.windows import Window  # noqa: E402

GSD = 3.0
STARTER = ROOT / "models" / "tsm_starter" / "tsm_starter.onnx"


def build_r34(out: Path) -> tuple[Path, float]:
    """UNet-ResNet34, 4 bands in, 1 class out (ONNX); returns the path and GFLOP per 512² tile."""
    path = out / "unet_r34.onnx"
    import segmentation_models_pytorch as smp
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    torch.manual_seed(0)
    net = smp.Unet("resnet34", encoder_weights=None, in_channels=4, classes=1).eval()
    x = torch.zeros(1, 4, 512, 512)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        net(x)
    if not path.exists():
        torch.onnx.export(net, x, str(path), dynamo=False, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "n"}, "y": {0: "n"}}, opset_version=17)
        torch.save(net.state_dict(), out / "unet_r34.pth")
    sidecar = {"name": "bench-unet-r34", "version": "0", "architecture": "Unet/resnet34 (random weights)",
               "bands": ["blue", "green", "red", "nir"], "value_domain": "sr16", "gsd_m": GSD,
               "normalization": {"kind": "scale", "scale": 1e-4, "offset": 0}, "tile_size": 512, "overlap": 64,
               "activation": "sigmoid"}
    path.with_suffix(".json").write_text(json.dumps(sidecar))
    (out / "unet_r34.pth.json").write_text(json.dumps({**sidecar, "torch": {
        "arch": "Unet", "encoder": "resnet34", "in_channels": 4, "classes": 1}}))
    return path, counter.get_total_flops() / 1e9


def build_tiny(out: Path) -> Path:
    """A 1×1 convolution over one band: the cheapest model, to measure the pipeline's memory."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    path = out / "tiny.onnx"
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w", "b"], ["y"])], "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 1, "h", "w"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 1, "h", "w"])],
        [numpy_helper.from_array(np.array([[[[40.0]]]], np.float32), "w"),  # bright patches > 0.5
         numpy_helper.from_array(np.array([-8.0], np.float32), "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    path.with_suffix(".json").write_text(json.dumps({
        "name": "tiny", "version": "0", "bands": ["red"], "value_domain": "sr16", "gsd_m": GSD,
        "normalization": {"kind": "scale", "scale": 1e-4, "offset": 0}, "tile_size": 512, "overlap": 64,
        "activation": "sigmoid", "threshold": 0.5, "min_area_m2": 900}))
    return path


def make_mosaic(path: Path, km2: float, bands: int = 4, kind: str = "noise") -> Path:
    """``noise``: random values (compresses badly, decodes like real imagery at worst);
    ``blobs``: a smooth background with bright slump-sized patches (compresses well)."""
    side = math.ceil(math.sqrt(km2 * 1e6) / GSD)
    if path.exists():
        return path
    rng = np.random.default_rng(0)
    tmp = path.with_name(path.name + ".part")
    with rasterio.open(tmp, "w", driver="GTiff", width=side, height=side, count=bands, dtype="uint16", nodata=0,
                       crs="EPSG:32646", transform=from_origin(400000, 3900000, GSD, GSD), tiled=True,
                       blockxsize=256, blockysize=256, compress="deflate", predictor=2, BIGTIFF="IF_SAFER") as dst:
        if kind == "noise":
            block = rng.integers(200, 3000, (bands, 256, side), dtype=np.uint16)
        else:
            yy, xx = np.mgrid[0:256, 0:side]
            block = (1200 + 300 * np.sin(xx / 97.0) * np.cos(yy / 53.0)).astype(np.uint16)[None].repeat(bands, 0)
            for _ in range(max(1, side // 200)):
                r, c = rng.integers(10, 246), rng.integers(10, side - 10)
                block[:, max(0, r - 8):r + 8, c - 8:c + 8] = 2800
        for row in range(0, side, 256):
            h = min(256, side - row)
            dst.write(np.roll(block, row // 256 * 37, axis=2)[:, :h], window=Window(0, row, side, h))
    tmp.replace(path)
    return path


def child(mosaic: str, model: str, cache: str, batch: int, device: str, vectorise: bool,
          backend: str = "auto") -> None:
    """One run in a fresh process: timings, pipeline stats and this process's peak RSS."""
    from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
    from thaw_slump_mapper.core.engine.models import load_model
    from thaw_slump_mapper.core.engine.raster import MosaicSpec
    from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize

    band_map = (("red", 1),) if Path(model).stem == "tiny" else ()
    loaded = load_model(model, device, backend)
    t0 = time.monotonic()
    res = run_inference(InferenceParams((MosaicSpec(mosaic, "2020", band_map),), model, cache_dir=cache,
                                        batch_size=batch, device=device, backend=backend), model=loaded)
    seconds = time.monotonic() - t0
    out = {"seconds": seconds, "tiles": res.tiles_run + res.stats.tiles_recomputed, "path": str(res.path),
           "pixels": res.grid.width * res.grid.height, "model_seconds": res.model_seconds,
           "read_wait": res.stats.read_wait_seconds, "sink": res.stats.sink_seconds, "device": loaded.backend.device}
    if vectorise:
        t1 = time.monotonic()
        out["candidates"] = len(vectorize(res.path, VectorizeParams(threshold=0.5, min_area_m2=900)).candidates)
        out["vectorise_seconds"] = time.monotonic() - t1
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started. Not ru_maxrss: Linux carries the
    forked parent's resident size over exec into it (a parent holding a 2 GB model made every
    child read 2 GB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(mosaic: Path, model: Path, cache: Path, batch: int, device: str = "cpu",
              vectorise: bool = False, backend: str = "auto") -> dict:
    import shutil

    shutil.rmtree(cache, ignore_errors=True)
    cmd = [sys.executable, __file__, "--child", str(mosaic), str(model), str(cache), str(batch), device]
    proc = subprocess.run(cmd + (["--vectorise"] if vectorise else []) + ["--backend", backend],
                          capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def raw_forward(model: Path, tiles: int, batch: int, device: str = "cpu", backend: str = "auto") -> float:
    from thaw_slump_mapper.core.engine.models import load_model

    loaded = load_model(model, device, backend)
    spec = loaded.spec
    x = np.random.default_rng(1).random((batch, len(spec.bands), spec.tile_size, spec.tile_size), dtype=np.float32)
    loaded.backend.run(x)  # warm-up
    t0 = time.monotonic()
    for _ in range(math.ceil(tiles / batch)):
        loaded.backend.run(x)
    return time.monotonic() - t0


def planned_tiles(mosaic: Path, model: Path) -> int:
    from thaw_slump_mapper.core.engine.inference import InferenceParams, plan_run
    from thaw_slump_mapper.core.engine.models import load_model
    from thaw_slump_mapper.core.engine.raster import MosaicSpec, inspect_mosaic

    spec = MosaicSpec(str(mosaic), "2020")
    return plan_run(InferenceParams((spec,), str(model)), load_model(model, "cpu"), [inspect_mosaic(spec)]).tiles


def pace(name: str, mosaic: Path, model: Path, batch: int, device: str, goal: float, repeat: int = 3,
         backend: str = "auto") -> dict:
    """End to end against the raw forward, ``repeat`` times (a raw forward before each run and one
    after the last; each run is compared with the mean of the two around it); the median ratio."""
    tiles = planned_tiles(mosaic, model)
    forwards = [raw_forward(model, tiles, batch, device, backend)]
    runs = []
    for _ in range(repeat):
        run = run_child(mosaic, model, mosaic.parent / f"cache_{name.split()[0]}", batch, device, backend=backend)
        assert run["tiles"] == tiles, (run["tiles"], tiles)
        forwards.append(raw_forward(model, tiles, batch, device, backend))
        run["forward"] = (forwards[-2] + forwards[-1]) / 2  # this machine's speed drifts by a few %
        run["ratio"] = run["forward"] / run["seconds"]
        runs.append(run)
    runs.sort(key=lambda r: r["ratio"])
    run = runs[len(runs) // 2]
    forward, ratio = run["forward"], run["ratio"]
    overhead_ms = 1000 * (run["seconds"] - forward) / run["tiles"]
    ratios = ", ".join(f"{r['ratio']:.2f}" for r in runs)
    print(f"{name}: {run['tiles']} tiles, batch {batch}, {run['device']}: raw forward {forward:.1f} s, end to end "
          f"{run['seconds']:.1f} s, ratio {ratio:.2f}, median of {repeat} ({ratios}) "
          f"(goal >= {goal}) {'MET' if ratio >= goal else 'NOT MET'}")
    print(f"  overhead {overhead_ms:.1f} ms per tile: the model inside the run took {run['model_seconds']:.1f} s "
          f"({1000 * (run['model_seconds'] - forward) / run['tiles']:+.1f} ms per tile against the raw forward: "
          f"cores shared with reading and writing), waiting for reads {run['read_wait']:.2f} s, blending, encoding "
          f"and writing {run['sink']:.1f} s in their own thread, the rest set-up (percentiles, plan, VRT)")
    return run


def file_size(run: dict, out: Path) -> None:
    vrt = Path(run["path"])
    chunks = sum(f.stat().st_size for f in vrt.with_suffix("").glob("c*.tif"))
    copy = out / "oneshot.tif"
    copy.unlink(missing_ok=True)
    subprocess.run(["gdal_translate", "-q", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2", "-co", "TILED=YES",
                    str(vrt), str(copy)], check=True)
    ratio = chunks / copy.stat().st_size
    print(f"probability raster: chunk files {chunks / 1e6:.2f} MB, one-shot gdal_translate DEFLATE+PREDICTOR=2 "
          f"{copy.stat().st_size / 1e6:.2f} MB: ratio {ratio:.2f} (goal <= 1.2) {'MET' if ratio <= 1.2 else 'NOT MET'}")
    copy.unlink()


def memory(out: Path, areas: list[float]) -> None:
    tiny = build_tiny(out)
    rows = []
    for km2 in areas:
        t0 = time.monotonic()
        mosaic = make_mosaic(out / f"one_band_{km2:g}km2.tif", km2, bands=1, kind="blobs")
        made = time.monotonic() - t0
        run = run_child(mosaic, tiny, out / f"cache_mem_{km2:g}", 8, vectorise=True)
        rows.append((km2, run))
        print(f"{km2:>7g} km²: {run['tiles']:6d} tiles, infer {run['seconds']:6.1f} s, vectorise "
              f"{run['vectorise_seconds']:5.1f} s ({run['candidates']} candidates), "
              f"peak RSS {run['peak_rss_mb']:5.0f} MB (mosaic written in {made:.0f} s)")
        (out / f"cache_mem_{km2:g}").exists() and subprocess.run(["rm", "-rf", str(out / f"cache_mem_{km2:g}")])
    peaks = [r["peak_rss_mb"] for _, r in rows]
    print(f"peak RSS largest/smallest area: {max(peaks) / min(peaks):.2f}; highest {max(peaks):.0f} MB "
          f"(goal <= 1,200 MB) {'MET' if max(peaks) <= 1200 else 'NOT MET'}")


def corridor(out: Path, km2: float) -> None:
    t0 = time.monotonic()
    mosaic = make_mosaic(out / f"corridor_{km2:g}km2.tif", km2, bands=3, kind="blobs")
    print(f"corridor mosaic: {km2:g} km², written in {time.monotonic() - t0:.0f} s")
    run = run_child(mosaic, STARTER, out / "cache_corridor", 8, vectorise=True)
    vrt = Path(run["path"])
    size = sum(f.stat().st_size for f in vrt.with_suffix("").glob("c*.tif"))
    total = run["seconds"] + run["vectorise_seconds"]
    print(f"corridor rehearsal, starter model, {km2:g} km² on {os.cpu_count()} CPU cores: {run['tiles']} tiles in "
          f"{run['seconds']:.0f} s ({run['tiles'] / run['seconds']:.1f} tiles/s), vectorise "
          f"{run['vectorise_seconds']:.0f} s, {run['candidates']} candidates, peak RSS {run['peak_rss_mb']:.0f} MB, "
          f"probability raster {size / 1e6:.0f} MB")
    forward = raw_forward(STARTER, 400, 8) / 400  # seconds per tile, same batch size
    print(f"  pace over the corridor: raw forward {forward * 1000:.1f} ms per tile x {run['tiles']} tiles = "
          f"{forward * run['tiles']:.0f} s against {run['seconds']:.0f} s end to end: ratio "
          f"{forward * run['tiles'] / run['seconds']:.2f}")
    print(f"extrapolated to 54,000 km²: {total * 54000 / km2 / 3600:.1f} h on this machine "
          f"({run['tiles'] * 54000 / km2:,.0f} tiles per date)")


def precision(out: Path, repeat: int) -> None:
    """Raw forward of every runtime and precision, interleaved so that the VM's drift hits them alike."""
    import statistics

    from thaw_slump_mapper.core.engine.models import (
        OnnxBackend,
        OpenVinoBackend,
        load_model,
        openvino_bf16_supported,
    )
    from thaw_slump_mapper.core.engine.raster import MosaicSpec
    from thaw_slump_mapper.core.learn import quantize

    costs = {}
    measured = out.parent / "quant" / "starter_int8_accuracy.json"
    if measured.exists():  # written by scripts/quantize_starter.py on the 16 real tiles
        data = json.loads(measured.read_text())
        costs = {("starter", f"int8 {k.replace(' on ', ' file on ')}"): v for k, v in data["int8"].items()}
        if "bf16" in data:
            costs[("starter", "openvino bf16")] = data["bf16"]
    bf16 = openvino_bf16_supported()
    print(f"bf16: {'supported' if bf16 else 'NOT supported'} by this CPU's OpenVINO plugin (AVX512_BF16 or AMX)")
    small = make_mosaic(out / "mosaic_4km2.tif", 4.0)
    r34, _ = build_r34(out)
    for name, path, batch, repeats in (("starter", STARTER, 8, repeat * 3), ("UNet-ResNet34", r34, 4, repeat)):
        fp32 = load_model(path, "cpu", "onnxruntime")
        variants = {"onnxruntime fp32": lambda p=path: OnnxBackend(p, "cpu"),
                    "openvino fp32 (THROUGHPUT)": lambda p=path: OpenVinoBackend(p),
                    "openvino fp32 (LATENCY)": lambda p=path: OpenVinoBackend(p, hint="LATENCY")}
        if bf16:
            variants["openvino bf16"] = lambda p=path: OpenVinoBackend(p, "bf16")
        for method in quantize.METHODS:
            int8 = out / f"{path.stem}_int8_{method}.onnx"
            if not int8.exists():
                spec = fp32.spec
                band_map = (("red", 1), ("green", 2), ("blue", 3)) if len(spec.bands) == 3 else ()
                calibration = quantize.collect_calibration(fp32, [MosaicSpec(str(small), "2020", band_map)], 16)
                quantize.quantize_onnx(path, int8, calibration, method)
            variants[f"int8 {method} file on onnxruntime"] = lambda p=int8: OnnxBackend(p, "cpu")
            variants[f"int8 {method} file on openvino"] = lambda p=int8: OpenVinoBackend(p)
        backends = {k: make() for k, make in variants.items()}
        spec = fp32.spec
        x = np.random.default_rng(1).normal(0.5, 0.3, (batch, len(spec.bands), spec.tile_size, spec.tile_size)
                                            ).astype(np.float32)
        times: dict[str, list[float]] = {k: [] for k in backends}
        for b in backends.values():
            b.run(x)  # warm-up
        for _ in range(repeats):
            for k, b in backends.items():
                t0 = time.perf_counter()
                b.run(x)
                times[k].append(time.perf_counter() - t0)
        base = batch / statistics.median(times["onnxruntime fp32"])
        print(f"{name}, batch {batch}, median of {repeats} interleaved repeats:")
        for k, values in times.items():
            rate = batch / statistics.median(values)
            cost = costs.get((name, k))
            note = (f"; on the 16 real tiles: pixel IoU loss {cost['pixel_iou_loss']:+.4f}, object F1 loss "
                    f"{cost['object_f1_loss']:+.4f} ({'within' if cost['within_goal'] else 'NOT within'} the 0.01 goal)"
                    if cost else "")
            print(f"  {k:34s} {rate:7.1f} tiles/s  x{rate / base:.2f} ({backends[k].device}){note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--pace-km2", type=float, default=100.0, help="area of the pace runs")
    parser.add_argument("--memory", default="10,100,1000,10000", help="km² of the memory runs ('' to skip)")
    parser.add_argument("--corridor", type=float, default=0.0, help="km² of the corridor rehearsal (0 to skip)")
    parser.add_argument("--skip-r34", action="store_true", help="leave out the UNet-ResNet34 pace (slow on a CPU)")
    parser.add_argument("--repeat", type=int, default=3, help="end-to-end runs per pace figure (the median)")
    parser.add_argument("--precision", action="store_true",
                        help="only the runtime/precision comparison (onnxruntime, OpenVINO fp32/bf16, int8)")
    parser.add_argument("--child", nargs=5, metavar=("MOSAIC", "MODEL", "CACHE", "BATCH", "DEVICE"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--vectorise", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="auto", help=argparse.SUPPRESS)
    parser.add_argument("--pace-only", action="store_true", help="only the starter's pace on both runtimes")
    args = parser.parse_args()
    if args.child:
        mosaic, model, cache, batch, device = args.child
        child(mosaic, model, cache, int(batch), device, args.vectorise, args.backend)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    from thaw_slump_mapper.core.engine.models import load_model, openvino_available
    from thaw_slump_mapper.core.engine.runtime_choice import machine_text

    print(f"machine: {machine_text()}")
    auto = load_model(STARTER, "cpu", "auto").backend
    choice = getattr(auto, "choice", None)
    print(f"auto runs the starter on {auto.device}: {choice.why() if choice else 'the only runtime installed'}")
    if args.pace_only:
        mosaic = make_mosaic(args.out / f"mosaic_{args.pace_km2:g}km2.tif", args.pace_km2)
        for runtime in ("onnxruntime", "openvino") if openvino_available() else ("onnxruntime",):
            pace(f"starter ({runtime}, CPU)", mosaic, STARTER, 8, "cpu", 0.9, args.repeat, runtime)
        return
    precision(args.out, max(args.repeat, 5))
    if args.precision:
        return
    mosaic = make_mosaic(args.out / f"mosaic_{args.pace_km2:g}km2.tif", args.pace_km2)
    starter = pace("starter (ONNX, CPU)", mosaic, STARTER, 8, "cpu", 0.8, args.repeat)
    file_size(starter, args.out)
    if not args.skip_r34:
        r34, gflop = build_r34(args.out)
        run = pace("UNet-ResNet34 (ONNX, CPU)", mosaic, r34, 4, "cpu", 0.95, args.repeat)
        print(f"  {gflop:.0f} GFLOP per tile: {gflop * run['tiles'] / run['seconds']:.0f} GFLOP/s end to end")
        import torch

        if torch.cuda.is_available():
            pace("UNet-ResNet34 (torch, GPU)", mosaic, args.out / "unet_r34.pth", 16, "cuda", 0.7, args.repeat)
        else:
            print("UNet-ResNet34 (torch, GPU): no GPU on this machine (goal >= 0.7 not measured here)")
    if args.memory:
        memory(args.out, [float(a) for a in args.memory.split(",")])
    if args.corridor:
        corridor(args.out, args.corridor)


if __name__ == "__main__":
    main()
