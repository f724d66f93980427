"""`make demo`: the main job on an embedded default, on a SYNTHETIC three-year scene.

Headless (no display, or --headless): generates the scene, runs the bundled starter model over it
through the plugin's engine, reviews every candidate automatically from the scene's truth (a
stand-in for the expert), exports the inventory and draws a preview; prints where everything is.
With a display: builds a QGIS project with the mosaics and the plugin's docks ready for one click
on "Run on current view", and opens QGIS with it.

Outputs in demo_output/: candidates.gpkg, inventory.gpkg, preview.png (and the scene, the project).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bootstrap import ROOT, register_package

register_package()

import numpy as np  # noqa: E402
import rasterio  # noqa: E402

from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference  # noqa: E402
from thaw_slump_mapper.core.engine.models import load_model  # noqa: E402
from thaw_slump_mapper.core.engine.raster import MosaicSpec  # noqa: E402
from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize  # noqa: E402
from thaw_slump_mapper.core.learn.evaluate import iou, object_metrics  # noqa: E402
from thaw_slump_mapper.core.review.decisions import record_decision  # noqa: E402
from thaw_slump_mapper.core.review.inventory import export_inventory  # noqa: E402
from thaw_slump_mapper.core.store.candidates import read_candidates, write_candidates  # noqa: E402
from thaw_slump_mapper.core.synthetic import SceneSpec, generate  # noqa: E402

OUT = ROOT / "demo_output"
MODEL = ROOT / "models" / "tsm_starter" / "tsm_starter.onnx"
SCENE = SceneSpec(width=1024, height=1024, years=(2019, 2020, 2021), n_slumps=12, n_ponds=8, n_rocks=5, seed=7)
REVIEWER = "auto (synthetic truth)"
LOOKALIKE_REASON = {"pond": "water", "bare_rock": "bare_rock", "road": "infrastructure"}


def make_scene(out: Path):
    return generate(out / "scene", SCENE)


def auto_review(gpkg: Path, scene) -> dict:
    """Accept a candidate that overlaps a true slump outline (last year) by IoU >= 0.2, reject the
    rest with the reason the scene knows (water, bare rock, infrastructure, other)."""
    truth = [s.outlines[max(s.outlines)] for s in scene.slumps]
    counts = {"accepted": 0, "rejected": 0}
    for row in read_candidates(gpkg):
        geom = row["geometry"]
        if any(iou(geom, t) >= 0.2 for t in truth):
            record_decision(gpkg, row["candidate_id"], "accepted", REVIEWER, confidence="high")
            counts["accepted"] += 1
        else:
            kind = next((k for k, g in scene.lookalikes if g.intersects(geom)), None)
            record_decision(gpkg, row["candidate_id"], "rejected", REVIEWER,
                            reject_reason=LOOKALIKE_REASON.get(kind, "other"))
            counts["rejected"] += 1
    return counts


def preview(scene, gpkg: Path, out: Path) -> None:
    """Last year in natural colour (one stretch for R,G,B), candidates outlined: accepted green,
    rejected red; true outlines thin white."""
    from PIL import Image, ImageDraw

    path, _ = scene.mosaics[-1]
    with rasterio.open(path) as src:
        rgb = src.read([3, 2, 1]).astype(np.float32)
        transform = src.transform
    lo, hi = np.percentile(rgb, 2), np.percentile(rgb, 98)
    img = Image.fromarray((np.clip((rgb - lo) / (hi - lo), 0, 1) * 255).astype(np.uint8).transpose(1, 2, 0))
    draw = ImageDraw.Draw(img)
    inverse = ~transform

    def pixels(geom):
        return [inverse * xy for xy in geom.exterior.coords]

    for s in scene.slumps:
        draw.line(pixels(s.outlines[max(s.outlines)]), fill=(255, 255, 255), width=1)
    for row in read_candidates(gpkg):
        colour = (0, 220, 0) if row["status"] == "accepted" else (230, 0, 0)
        draw.line(pixels(row["geometry"]), fill=colour, width=3)
    img.save(out)


def headless(out: Path) -> None:
    start = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    scene = make_scene(out)
    model = load_model(MODEL, "auto")
    candidates = out / "candidates.gpkg"
    inventory = out / "inventory.gpkg"
    for stale in (candidates, inventory):
        stale.unlink(missing_ok=True)
    mosaics = tuple(MosaicSpec(str(p), str(y)) for p, y in scene.mosaics)
    prob = run_inference(InferenceParams(mosaics, str(MODEL), cache_dir=str(out / "cache")), model=model)
    vparams = VectorizeParams(model.spec.threshold, model.spec.min_area_m2, band="mean")
    result = vectorize(prob.path, vparams)
    write_candidates(candidates, result, {"threshold": vparams.threshold, "min_area_m2": vparams.min_area_m2,
                                          "probability_raster": prob.path, "parameters": {"demo": True}})
    counts = auto_review(candidates, scene)
    n = export_inventory(candidates, inventory, overwrite=True)
    preview(scene, candidates, out / "preview.png")
    truth = [s.outlines[max(s.outlines)] for s in scene.slumps]
    scores = object_metrics([c.geometry for c in result.candidates], truth)
    print(f"SYNTHETIC demo scene: {len(scene.mosaics)} years, {SCENE.width}x{SCENE.height} px at 3 m, "
          f"{len(truth)} slumps and {len(scene.lookalikes)} look-alikes")
    print(f"model: {model.spec.name} {model.spec.version} on {model.backend.device}")
    print(f"candidates: {len(result.candidates)} -> {candidates}")
    print(f"automatic review: {counts['accepted']} accepted, {counts['rejected']} rejected")
    print(f"inventory: {n} slumps -> {inventory}")
    print(f"preview: {out / 'preview.png'}")
    print(f"object recall {scores['object_recall']:.2f}, precision {scores['object_precision']:.2f} (IoU >= 0.5); "
          f"any-overlap recall {scores['anyoverlap_recall']:.2f}, precision {scores['anyoverlap_precision']:.2f}")
    print(f"done in {time.monotonic() - start:.1f} s")


def with_display(out: Path) -> None:
    """Write demo_output/demo.qgz (mosaics in natural colour, ticked with their years) and open QGIS."""
    scene = make_scene(out)
    project = out / "demo.qgz"
    script = f"""
import json, sys
from qgis.core import QgsApplication, QgsProject, QgsRasterLayer
app = QgsApplication([], False); app.initQgis()
sys.path.insert(0, {str(ROOT / 'scripts')!r})
from _bootstrap import register_package; register_package()
from thaw_slump_mapper.adapters.layers import style_natural_colour
project = QgsProject.instance()
choices = {{}}
for path, year in {[(str(p), y) for p, y in scene.mosaics]!r}:
    layer = QgsRasterLayer(path, f"PlanetScope {{year}} (SYNTHETIC)")
    style_natural_colour(layer)
    project.addMapLayer(layer)
    choices[layer.id()] = {{"use": True, "date": str(year)}}
project.writeEntry("thaw_slump_mapper", "mosaics", json.dumps(choices))
project.setCrs(layer.crs())
from qgis.core import QgsReferencedRectangle
project.viewSettings().setDefaultViewExtent(QgsReferencedRectangle(layer.extent(), layer.crs()))
project.write({str(project)!r})
app.exitQgis()
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, "-c", script], check=True, env=env)
    print(f"demo project: {project} (SYNTHETIC scene, three years ticked in the inference dock)")
    print("In QGIS: open the Thaw Slump Inference panel and click 'Run on current view'.")
    env = dict(os.environ, THAW_SLUMP_MAPPER_VENV=sys.prefix)
    subprocess.run(["qgis", "--project", str(project)], env=env, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--headless", action="store_true", help="run the job without QGIS even with a display")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if not MODEL.exists():
        raise SystemExit(f"the starter model is missing ({MODEL}); run: .venv/bin/python scripts/train_starter.py")
    if args.headless or not os.environ.get("DISPLAY"):
        headless(args.out)
    else:
        with_display(args.out)


if __name__ == "__main__":
    main()
