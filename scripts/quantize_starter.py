"""The accuracy cost of int8 for the bundled starter model, measured on the 16 real RTS tiles.

    .venv/bin/python scripts/quantize_starter.py [--out build/quant] [--methods onnxruntime,nncf]

Two folds, like the starter's own cross-validation: the int8 model of fold k is calibrated on
half the tiles and scored on the other half, so no tile is scored by an int8 model calibrated on
it; fp32 is scored on the same tiles through the same engine (run_inference + vectorize, the
model's threshold and minimum area, as scripts/evaluate_starter.py scores). Pixel IoU and object
F1 (IoU >= 0.5) are pooled over the 16 tiles, for each quantisation method and each runtime that
runs the int8 model (the same QDQ file gives different results on onnxruntime and OpenVINO).
Then writes ``tsm_starter_int8.onnx`` calibrated on all 16 tiles, with the pooled cost of the
chosen method and runtime in its description. The HOLDOUT folders are never used.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import starter_data

from thaw_slump_mapper.core.engine.aoi import read_aoi
from thaw_slump_mapper.core.engine.models import load_model, openvino_bf16_supported
from thaw_slump_mapper.core.engine.raster import MosaicSpec
from thaw_slump_mapper.core.learn import quantize

MODEL = starter_data.ROOT / "models" / "tsm_starter" / "tsm_starter.onnx"
TRUTH = starter_data.DATA / starter_data.TILES / "GroundTruth_Final_20250625.geojson"
BAND_MAP = (("red", 1), ("green", 2), ("blue", 3))  # the tiles: R,G,B and a mask band 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=starter_data.ROOT / "build" / "quant")
    parser.add_argument("--methods", default="onnxruntime,nncf")
    parser.add_argument("--backends", default="onnxruntime,openvino", help="runtimes that score the int8 model")
    parser.add_argument("--samples", type=int, default=128)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    tiles = [MosaicSpec(str(path), "tile", BAND_MAP) for _, path, _ in starter_data.real_tiles()]
    folds = [tiles[0::2], tiles[1::2]]
    reference = read_aoi(TRUTH)
    polygons = list(reference.geometry().geoms)
    fp32 = load_model(MODEL, "cpu", "onnxruntime")
    backends = args.backends.split(",")
    results: dict = {"tiles": len(tiles), "folds": 2, "fp32": {}, "int8": {}}
    for backend in backends:  # fp32 on both runtimes (they agree to 1e-4 in probability)
        parts = [quantize.accuracy(MODEL, folds[1 - k], polygons, reference.crs, backend) for k in range(2)]
        results["fp32"][backend] = quantize.pooled(parts)
        print(f"fp32 on {backend}: {_line(results['fp32'][backend])}", flush=True)
    if "openvino" in backends and openvino_bf16_supported():  # reduced precision without a new file
        parts = [quantize.accuracy(MODEL, folds[1 - k], polygons, reference.crs, "openvino-bf16") for k in range(2)]
        bf16 = quantize.pooled(parts)
        results["bf16"] = {**bf16, **{k: v for k, v in quantize.cost_note(results["fp32"]["openvino"], bf16, "").items()
                                      if k in ("pixel_iou_loss", "object_f1_loss", "within_goal")}}
        print(f"bf16 (fp32 model, OpenVINO in bf16): {_line(bf16)}; loss: pixel IoU "
              f"{results['bf16']['pixel_iou_loss']:+.4f}, object F1 {results['bf16']['object_f1_loss']:+.4f}",
              flush=True)
    for method in args.methods.split(","):
        parts: dict[str, list] = {b: [] for b in backends}
        for k in range(2):
            calibration = quantize.collect_calibration(fp32, folds[k], args.samples, seed=k)
            path = args.out / f"starter_int8_{method}_fold{k}.onnx"
            quantize.quantize_onnx(MODEL, path, calibration, method)
            quantize.write_package(fp32, path, calibration, method, None, "onnxruntime")
            for backend in backends:
                parts[backend].append(quantize.accuracy(path, folds[1 - k], polygons, reference.crs, backend))
        for backend in backends:
            pooled = quantize.pooled(parts[backend])
            results["int8"][f"{method} on {backend}"] = {
                **pooled, **{k: v for k, v in quantize.cost_note(results["fp32"][backend], pooled, "").items()
                             if k in ("pixel_iou_loss", "object_f1_loss", "within_goal")}}
            print(f"int8 ({method}) on {backend}: {_line(pooled)}; loss: pixel IoU "
                  f"{results['int8'][f'{method} on {backend}']['pixel_iou_loss']:+.4f}, object F1 "
                  f"{results['int8'][f'{method} on {backend}']['object_f1_loss']:+.4f}", flush=True)
    # the package: calibrated on all 16 tiles, described with the best cross-fitted cost
    best = min(results["int8"], key=lambda k: max(results["int8"][k]["pixel_iou_loss"],
                                                  results["int8"][k]["object_f1_loss"]))
    method, backend = best.split(" on ")
    calibration = quantize.collect_calibration(fp32, tiles, args.samples)
    path = args.out / "tsm_starter_int8.onnx"
    quantize.quantize_onnx(MODEL, path, calibration, method)
    cost = quantize.cost_note(results["fp32"][backend], {k: v for k, v in results["int8"][best].items()
                                                          if k not in ("pixel_iou_loss", "object_f1_loss",
                                                                       "within_goal")},
                              f"the 16 real RTS tiles (rts_tiles_2m), two folds: each tile scored by an int8 model "
                              f"calibrated on the other 8, run on {backend}")
    quantize.write_package(fp32, path, calibration, method, cost, backend)
    results["package"] = {"path": str(path), "method": method, "runtime": backend, "cost": cost}
    results["seconds"] = round(time.monotonic() - start)
    (args.out / "starter_int8_accuracy.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written: {path} (+ .json) with {best}; results in {args.out / 'starter_int8_accuracy.json'}")


def _line(r: dict) -> str:
    return (f"pixel IoU {r['pixel_iou']:.4f}, object F1 {r['object_f1']:.4f} ({r['matched']} matched, "
            f"{r['predicted']} predicted, {r['reference']} reference) on {r['device']}")


if __name__ == "__main__":
    main()
