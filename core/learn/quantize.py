"""An int8 version of an ONNX model package, calibrated on tiles of the user's own mosaics, with its
accuracy cost measured against reference outlines and written into its description.

Reduced precision is never silent: the int8 package is a new file (``tsm quantize``) whose
description says "int8", what it was calibrated on and what it costs; a run with it records its
own sha256 and version like any other model.

Calibration tiles are what inference feeds the model, exactly: the fp32 model runs through
:func:`run_inference` over the mosaics (the engine's reading, resampling, NoData filling and
normalisation) with a backend that keeps a random sample of the batches it is given.
Quantisation writes ONNX with QuantizeLinear/DequantizeLinear pairs, which both onnxruntime and
OpenVINO run in int8: NNCF's post-training quantisation (``nncf``) or onnxruntime's static
quantisation (``onnxruntime``).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.models import LoadedModel, describe, load_model, quiet_openvino
from ..errors import InputError, ModelError, OutputError
from ..messages import Message

LOGGER = logging.getLogger("thaw_slump_mapper.quantize")
METHODS = ("onnxruntime", "nncf")  # measured on the starter model: onnxruntime's keeps its accuracy
GOAL = 0.01  # largest loss of pixel IoU or object F1 against the fp32 model called "within the goal"


@dataclass
class Calibration:
    batches: list[np.ndarray]  # N×C×H×W float32, N = the model's fixed batch or 1
    tiles: int  # tiles kept
    seen: int  # tiles the pipeline fed the model
    mosaics: list[str]  # file names


class _Recorder:
    """A backend that runs the real one and keeps a uniform random sample (reservoir) of the tiles
    it is fed."""

    def __init__(self, inner: Any, keep: int, seed: int) -> None:
        self.inner = inner
        self.device = inner.device
        self.input_shape = inner.input_shape
        self.output_channels = inner.output_channels
        self.keep = keep
        self.rng = np.random.default_rng(seed)
        self.tiles: list[np.ndarray] = []
        self.seen = 0

    def run(self, batch: np.ndarray) -> np.ndarray:
        for tile in batch:
            self.seen += 1
            if len(self.tiles) < self.keep:
                self.tiles.append(tile.copy())
            else:
                j = int(self.rng.integers(0, self.seen))
                if j < self.keep:
                    self.tiles[j] = tile.copy()
        return self.inner.run(batch)


def check_inputs(model_path: str | Path, out: str | Path, overwrite: bool, method: str) -> LoadedModel:
    """Everything that can be wrong before the long work: the model, the output, the libraries."""
    model_path, out = Path(model_path), Path(out)
    if model_path.suffix.lower() != ".onnx":
        raise InputError(Message("quantize.not_onnx", name=model_path.name), Message("quantize.not_onnx.fix"))
    if out.suffix.lower() != ".onnx":
        raise OutputError(Message("quantize.out_suffix", path=str(out)), Message("quantize.out_suffix.fix"))
    if out.resolve() == model_path.resolve():
        raise OutputError(Message("quantize.same_file", path=str(out)), Message("quantize.same_file.fix"))
    for path in (out, sidecar_of(out)):
        if path.exists() and not overwrite:
            raise OutputError(Message("quantize.exists", path=str(path)), Message("quantize.exists.fix"))
    if not out.parent.is_dir():
        raise OutputError(Message("quantize.no_folder", path=str(out.parent)), Message("quantize.no_folder.fix"))
    if not os.access(out.parent, os.W_OK):  # a read-only folder or file system: said before calibration
        raise OutputError(Message("quantize.read_only", path=str(out.parent)), Message("quantize.read_only.fix"))
    missing = [name for name in (("nncf", "onnx") if method == "nncf" else ("onnx",)) if not _importable(name)]
    if missing:
        raise InputError(Message("quantize.no_library", names=", ".join(missing), method=method),
                         Message("quantize.no_library.fix", names=" ".join(missing)))
    return load_model(model_path, "cpu", "onnxruntime")


def _importable(name: str) -> bool:
    quiet_openvino()
    try:
        __import__(name)
    except Exception:  # noqa: BLE001 - a broken install is as missing as an absent one
        return False
    return True


def cpu_name() -> str:
    """The CPU's model name and the int8 instruction sets that change results and speed."""
    import platform

    name, flags = platform.processor() or platform.machine(), set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name") and ":" in line:
                    name = line.split(":", 1)[1].strip()
                elif line.startswith("flags") and ":" in line:
                    flags = set(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
    extensions = [f for f in ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8") if f in flags]
    return f"{name} ({', '.join(extensions)})" if extensions else name


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def collect_calibration(model: LoadedModel, mosaics: list, samples: int, seed: int = 0,
                        progress: Callable | None = None, batch_size: int = 4) -> Calibration:
    """``samples`` tiles drawn at random from everything inference feeds the model over ``mosaics``
    (one run per mosaic, in a temporary cache)."""
    from ..engine.inference import InferenceParams, run_inference

    recorder = _Recorder(model.backend, samples, seed)
    recording = replace(model, backend=recorder)
    with tempfile.TemporaryDirectory(prefix="tsm-calibrate-") as cache:
        for mosaic in mosaics:
            run_inference(InferenceParams((mosaic,), str(model.path), cache_dir=cache, batch_size=batch_size),
                          progress, model=recording)
    if not recorder.tiles:
        raise InputError(Message("quantize.no_tiles"), Message("quantize.no_tiles.fix"))
    fixed = model.backend.input_shape[0] if model.backend.input_shape else None
    tiles = np.stack(recorder.tiles).astype(np.float32)
    size = fixed or 1
    usable = len(tiles) - len(tiles) % size if len(tiles) >= size else 0
    if not usable:
        tiles, usable = np.concatenate([tiles] * (size // len(tiles) + 1))[:size], size
    batches = [tiles[i:i + size] for i in range(0, usable, size)]
    return Calibration(batches, len(recorder.tiles), recorder.seen, [Path(m.path).name for m in mosaics])


def quantize_onnx(src: Path, dst: Path, calibration: Calibration, method: str) -> None:
    """Write an int8 (QDQ) ONNX version of ``src`` to ``dst``."""
    import onnx

    quiet_openvino()
    model = onnx.load(str(src))
    initializers = {i.name for i in model.graph.initializer}
    input_name = next(i.name for i in model.graph.input if i.name not in initializers)
    if method == "nncf":
        import nncf

        dataset = nncf.Dataset(calibration.batches, lambda x: {input_name: x})
        # NNCF draws its progress bars on stdout whatever the caller asked (tsm quantize --quiet, the
        # plugin): kept off it unless TSM_DEBUG=1
        with contextlib.nullcontext() if os.environ.get("TSM_DEBUG") else contextlib.redirect_stdout(io.StringIO()):
            quantized = nncf.quantize(model, dataset, subset_size=len(calibration.batches))
        onnx.save(quantized, str(dst))
        return
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.items = iter(calibration.batches)

        def get_next(self) -> dict | None:
            batch = next(self.items, None)
            return None if batch is None else {input_name: batch}

    with tempfile.TemporaryDirectory(prefix="tsm-quantize-") as tmp:
        prepared = Path(tmp) / "prepared.onnx"
        quant_pre_process(str(src), str(prepared), skip_symbolic_shape=True)
        # reduce_range: 7-bit weights. Without VNNI (AVX2, AVX-512F alone) onnxruntime multiplies
        # uint8 activations by int8 weights with VPMADDUBSW, whose int16 pair sums saturate with
        # full-range weights (measured on an AVX2 EPYC: probabilities off by 0.27 at the 99th
        # percentile; 0.036 with 7-bit weights). The file may run on any CPU, so it is made to hold
        # on every one.
        quantize_static(str(prepared), str(dst), Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                        reduce_range=True, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)


def kernel_deviation(path: Path, batches: list[np.ndarray]) -> float | None:
    """How far this CPU's int8 kernels stray from what the quantised model says, in steps of its
    output's quantisation: onnxruntime run as usual (fused integer kernels) against the same QDQ
    graph executed op by op in float (the model's own definition). Within one step means no
    saturation on this CPU; None when the output is not quantised (nothing to count steps in)."""
    import onnx
    import onnxruntime as ort
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    outputs = {o.name for o in graph.output}
    last = next((n for n in graph.node if n.op_type == "DequantizeLinear" and n.output[0] in outputs), None)
    scales = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    if last is None or last.input[1] not in scales:
        return None
    step = float(np.max(scales[last.input[1]]))

    def session(level: ort.GraphOptimizationLevel) -> ort.InferenceSession:
        options = ort.SessionOptions()
        options.graph_optimization_level = level
        options.log_severity_level = 3
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    levels = ort.GraphOptimizationLevel
    fast, exact = session(levels.ORT_ENABLE_ALL), session(levels.ORT_DISABLE_ALL)
    name = fast.get_inputs()[0].name
    worst = 0.0
    for batch in batches[:8]:
        a, b = fast.run(None, {name: batch})[0], exact.run(None, {name: batch})[0]
        worst = max(worst, float(np.max(np.abs(a - b))) / step)
    return round(worst, 2)


def accuracy(model_path: Path, mosaics: list, reference: list, reference_crs: str, backend: str = "auto") -> dict:
    """Pixel IoU (pooled over the mosaics) and object F1 at IoU ≥ 0.5 (matches pooled) of the
    model's candidates — its own threshold and minimum area — against reference polygons, each
    mosaic run through the engine like ``tsm infer`` (as scripts/evaluate_starter.py scores)."""
    import rasterio
    from rasterio import features
    from rasterio.crs import CRS
    from rasterio.transform import array_bounds
    from rasterio.warp import transform_geom
    from shapely.geometry import box, mapping, shape

    from ..engine.inference import InferenceParams, decode, run_inference
    from ..engine.vectorize import VectorizeParams, vectorize
    from .evaluate import _prf, object_metrics, pixel_metrics

    loaded = load_model(model_path, "cpu", backend)
    spec = loaded.spec
    tp = fp = fn = matched = predicted = refs = 0
    seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="tsm-accuracy-") as cache:
        for mosaic in mosaics:
            t0 = time.monotonic()
            prob = run_inference(InferenceParams((mosaic,), str(model_path), cache_dir=cache, backend=backend),
                                 model=loaded)
            seconds += time.monotonic() - t0
            with rasterio.open(prob.path) as src:
                p = decode(src.read(1))
                transform, crs = src.transform, src.crs
            polys = [c.geometry for c in vectorize(prob.path, VectorizeParams(
                spec.threshold, spec.min_area_m2, band=prob.dates[0])).candidates]
            ref_crs = CRS.from_user_input(reference_crs)
            ref = [g if ref_crs == crs else shape(transform_geom(ref_crs, crs, mapping(g))) for g in reference]
            bounds = box(*array_bounds(p.shape[0], p.shape[1], transform))
            ref = [g for g in ref if g.intersects(bounds)]

            def burn(geoms: list, shape_=p.shape, transform_=transform) -> np.ndarray:
                if not geoms:
                    return np.zeros(shape_, bool)
                return features.rasterize([(g, 1) for g in geoms], out_shape=shape_, transform=transform_) > 0

            m = pixel_metrics(burn(polys), burn(ref), np.isfinite(p))
            tp, fp, fn = tp + m["tp"], fp + m["fp"], fn + m["fn"]
            o = object_metrics(polys, ref)
            matched, predicted, refs = matched + o["matched"], predicted + o["predicted"], refs + o["reference"]
    _, _, f1 = _prf(matched, predicted - matched, refs - matched)
    return {"pixel_iou": tp / (tp + fp + fn) if tp + fp + fn else 0.0, "object_f1": f1, "tp": tp, "fp": fp, "fn": fn,
            "matched": matched,
            "predicted": predicted, "reference": refs, "mosaics": len(mosaics), "device": loaded.backend.device,
            "seconds": round(seconds, 1)}


def pooled(parts: list[dict]) -> dict:
    """Accuracies of disjoint sets of mosaics as one (pixels and matches summed)."""
    from .evaluate import _prf

    total = {k: sum(p[k] for p in parts) for k in ("tp", "fp", "fn", "matched", "predicted", "reference", "mosaics")}
    cells = total["tp"] + total["fp"] + total["fn"]
    _, _, f1 = _prf(total["matched"], total["predicted"] - total["matched"], total["reference"] - total["matched"])
    return {**total, "pixel_iou": total["tp"] / cells if cells else 0.0, "object_f1": f1,
            "device": parts[0]["device"], "seconds": round(sum(p["seconds"] for p in parts), 1)}


def cost_note(fp32: dict, int8: dict, where: str) -> dict:
    loss_iou = fp32["pixel_iou"] - int8["pixel_iou"]
    loss_f1 = fp32["object_f1"] - int8["object_f1"]
    return {"measured_on": where, "fp32": fp32, "int8": int8, "pixel_iou_loss": round(loss_iou, 4),
            "object_f1_loss": round(loss_f1, 4), "goal": GOAL, "within_goal": max(loss_iou, loss_f1) <= GOAL}


def write_package(src: LoadedModel, dst: Path, calibration: Calibration, method: str, cost: dict | None,
                  runtime: str = "onnxruntime") -> dict:
    """The int8 model's description (sidecar ``dst.onnx.json``): the fp32 model's, with the note."""
    data, _ = describe(src.path, getattr(src.backend, "metadata", {}) or {})
    data = dict(data)
    names = ", ".join(calibration.mosaics[:5]) + (f" and {len(calibration.mosaics) - 5} more"
                                                   if len(calibration.mosaics) > 5 else "")
    if cost is None:
        cost_text = "accuracy cost not measured (no reference outlines given)"
    else:
        cost_text = (f"accuracy cost on {cost['measured_on']}: pixel IoU {cost['fp32']['pixel_iou']:.3f} -> "
                     f"{cost['int8']['pixel_iou']:.3f}, object F1 {cost['fp32']['object_f1']:.3f} -> "
                     f"{cost['int8']['object_f1']:.3f} (fp32 -> int8; goal: at most {GOAL} lost, "
                     f"{'met' if cost['within_goal'] else 'NOT met'})")
    note = (f"int8 ({method} post-training quantisation of {src.path.name}, sha256 {src.sha256[:12]}…; runs on "
            f"{runtime}), calibrated on {calibration.tiles} tiles of {names}; {cost_text}.")
    data["model_card"] = note + ("\n\n" + str(data["model_card"]) if data.get("model_card") else "")
    data["version"] = f"{data.get('version', '0')}+int8"
    provenance = dict(data.get("provenance") or {})
    # ``runtime``: what runs it under the backend setting "auto" (the runtime its accuracy is known on)
    provenance["quantization"] = {"precision": "int8", "method": method, "runtime": runtime, "from": src.path.name,
                                  "from_sha256": src.sha256, "calibration_tiles": calibration.tiles,
                                  "calibration_tiles_seen": calibration.seen,
                                  "calibration_mosaics": calibration.mosaics,
                                  # 7-bit weights hold on CPUs without VNNI too (see quantize_onnx)
                                  "weight_bits": 7 if method == "onnxruntime" else 8,
                                  "measured_cpu": cpu_name(),
                                  "kernel_steps": kernel_deviation(dst, calibration.batches)
                                  if method == "onnxruntime" else None,
                                  "accuracy": cost}
    data["provenance"] = provenance
    sidecar_of(dst).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    try:
        load_model(dst, "cpu", "onnxruntime")  # the package loads, with its description
    except ModelError:
        dst.unlink(missing_ok=True)
        sidecar_of(dst).unlink(missing_ok=True)
        raise
    return data
