"""Write models/tsm_starter/MODEL_CARD.md from the model's description and evaluation.json
(the numbers come from scripts/evaluate_starter.py; nothing here is typed by hand)."""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bootstrap import ROOT

FOLDER = ROOT / "models" / "tsm_starter"
# The model bundled before this one, measured by the same script (kept for the comparison below).
PREVIOUS = ROOT / "docs" / "measurements" / "starter_previous_evaluation.json"
# the evaluation of the 0.2.0 starter (the first trained on the cyber2a chips), kept for the card's
# table against it; same folds, scripts and HOLDOUT as every later model's
EVAL_0_2_0 = ROOT / "docs" / "measurements" / "starter_0.2.0_evaluation.json"


def _goals(cv: dict) -> str:
    from evaluate_starter import goals  # an evaluation.json written before the goals were recorded

    rows = "\n".join(f"| {g['goal']} | {g['value']} | {'met' if g['met'] else '**not met**'} |"
                     for g in cv.get("goals") or goals(cv))
    return f"""
Goals set for the starter model (issue 15), checked by `scripts/evaluate_starter.py`:

| goal | measured | |
|---|---|---|
{rows}
"""


def _holdout_rows(old: dict, ev: dict) -> list[tuple[str, str, str]]:
    od, nd = old["holdout_deering"], ev["holdout_deering"]
    return [
        ("HOLDOUT Peel pixel IoU", f"{old['holdout_peel']['model_pixel_iou']:.3f}",
         f"{ev['holdout_peel']['model_pixel_iou']:.3f}"),
        ("HOLDOUT Deering false detections per km²", f"{od['false_detections_per_km2']:.1f}",
         f"{nd['false_detections_per_km2']:.1f}"),
        ("HOLDOUT Deering largest false detection", f"{od['largest_false_ha']:.1f} ha",
         f"{nd.get('largest_false_ha', float('nan')):.1f} ha"),
    ]


def _previous(ev: dict, recipe: str) -> str:
    """The table against the model bundled before, when this card is for another recipe."""
    if not PREVIOUS.exists():
        return ""
    old = json.loads(PREVIOUS.read_text(encoding="utf-8"))
    if old.get("recipe") == recipe:
        return ""
    o, n = old["cross_validation"], ev["cross_validation"]
    rows = [
        ("CV pixel IoU, pooled", f"{o['pixel_iou_pooled']:.3f}", f"{n['pixel_iou_pooled']:.3f}"),
        ("CV object F1 at IoU ≥ 0.5", f"{o['object_f1_iou50']:.2f}", f"{n['object_f1_iou50']:.2f}"),
        ("CV outlines touched by a candidate", f"{o['anyoverlap_recall']:.0%}", f"{n['anyoverlap_recall']:.0%}"),
        ("CV candidates per tile", f"{o['candidates_per_tile_mean']:.1f}", f"{n['candidates_per_tile_mean']:.1f}"),
    ]
    rows += _holdout_rows(old, ev)
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    return f"""
### Against the model bundled before ({old.get('recipe', 'starter-0.1')}, {old.get('architecture', '')})

| measure | before | this model |
|---|---|---|
{table}
"""


def _weak_spots(cv: dict) -> str:
    """Plain words from the per-tile numbers: which held-out tiles it missed or over-drew."""
    tiles = cv["per_tile"]
    missed = [t["tile"][:8] for t in tiles if t.get("outlines_touched", 1) == 0]
    crowded = [t["tile"][:8] for t in tiles if t["candidates"] >= 3]
    lines = []
    if missed:
        lines.append(f"- It found **nothing** of the slump in {len(missed)} of {len(tiles)} held-out tiles "
                     f"({', '.join(missed)}): slumps that look unlike the "
                     "twelve it learnt from in that fold. A slump unlike any it has seen is likely to be "
                     "missed: look around its candidates, not only at them.")
    if crowded:
        lines.append(f"- In {len(crowded)} tiles ({', '.join(crowded)}) it drew three or more candidates: "
                     "things beside the slump that a reviewer has to reject.")
    return "\n".join(lines) + ("\n" if lines else "")


def main() -> None:
    desc = json.loads((FOLDER / "tsm_starter.onnx.json").read_text(encoding="utf-8"))
    ev = json.loads((FOLDER / "evaluation.json").read_text(encoding="utf-8"))
    if "chips" in ev["cross_validation"]:  # a recipe trained and cross-validated on the cyber2a chips
        text = _card_cyber2a(desc, ev)
        (FOLDER / "MODEL_CARD.md").write_text(text, encoding="utf-8")
        print(f"written: {FOLDER / 'MODEL_CARD.md'}")
        return
    cv = ev["cross_validation"]
    prov = desc["provenance"]
    touched = "outlines_touched" in cv["per_tile"][0]  # recorded since issue 15's second round
    tiles = "\n".join(f"| {t['tile'][:8]} | {t['fold']} | {t['pixel_iou']:.3f} | {'yes' if t['detected_iou50'] else 'no'} "
                      + (f"| {t['outlines_touched']} of {t['outlines']} " if touched else "")
                      + f"| {t['candidates']} |" for t in cv["per_tile"])
    header = ("| tile | fold | pixel IoU | matched at IoU ≥ 0.5 |" + (" outlines touched |" if touched else "")
              + " candidates |\n|---|---|---|---|" + ("---|" if touched else "") + "---|")
    enc = prov.get("pretrained_encoder")
    pretrained = (f" The encoder started from {enc['source']} ({enc['package']}, {enc['licence']}); learning "
                  f"rate {prov.get('learning_rate', '')}." if enc else "")
    text = f"""# Model card: {desc['name']} {desc['version']}

**What it is.** A compact segmentation network ({desc['architecture']}, {(FOLDER / 'tsm_starter.onnx').stat().st_size / 1e6:.1f} MB
as ONNX) that marks pixels of retrogressive thaw slumps in 3 m imagery. It ships with the plugin so
that it does something real the first time it is opened. It is a **starting point**: the intended
path is to review its candidates and fine-tune it on your own accepted slumps and rejections.

**Inputs.** Bands {', '.join(desc['bands'])} (NIR is **not** used: the only real training
imagery, 16 RGB tiles, has no NIR; on a 4-band PlanetScope mosaic the plugin reads bands 3,2,1).
Each mosaic is stretched to its own 2-98 % percentiles over the run's extent (the
`percentile` normalisation), so 16-bit SR, 8-bit RGB and Sentinel-2 all reach the network on the
same 0-1 scale. Pixel size {desc['gsd_m']} m (other resolutions are resampled), tiles of
{desc['tile_size']} px with {desc['overlap']} px overlap, sigmoid output, default threshold
{desc['threshold']}, minimum area {desc['min_area_m2']} m².

**Training data.** {prov['training_data']}. {prov['steps']} steps of batch {prov['batch']},
{prov['chip']}² chips, {prov['loss']}, augmentation {prov['augmentation']}, seed {prov['seed']}
({prov['train_seconds']} s on 2 CPU cores).{pretrained} Reproduce with `make starter-model`, which also
reruns the evaluation below and rewrites this card. The HOLDOUT folders of ../shared/data were
only ever predicted on, never trained or tuned on.

## Measured (scripts/evaluate_starter.py, through the plugin's own engine)

### Cross-validation on the 16 real tiles (rts_tiles_2m)

{cv['folds']} folds; each fold's model is trained exactly like the bundled one but without its 4
held-out tiles, and scores only those. Each tile is centred on one expert-corrected RTS; every
expert outline that intersects a tile is part of its reference.

| measure | value |
|---|---|
| pixel IoU, pooled over all tiles | {cv['pixel_iou_pooled']:.3f} |
| pixel IoU, median tile | {cv['pixel_iou_median_tile']:.3f} |
| object precision / recall / F1 at IoU ≥ 0.5 | {cv['object_precision_iou50']:.2f} / {cv['object_recall_iou50']:.2f} / {cv['object_f1_iou50']:.2f} |
| any-overlap precision / recall | {cv['anyoverlap_precision']:.2f} / {cv['anyoverlap_recall']:.2f} |
| candidates per tile (mean) | {cv['candidates_per_tile_mean']:.1f} |

{header}
{tiles}
{_goals(cv)}
For scale, the seed papers report pixel IoU 0.15-0.58 across Arctic regions (Nitze et al. 2021)
and object F1 0.85 (Huang et al. 2020) with far more training data.

{_holdout(ev)}
{_previous(ev, prov.get('recipe', 'starter-0.1'))}
## Good at, bad at

{_weak_spots(cv)}- Trained on very little real data (16 tiles from the western Canadian and Siberian Arctic, one
  slump each) plus synthetic scenes; it has never seen the Qinghai-Tibet Plateau. Expect many
  false candidates (bare ground, water edges, bright scars) and missed slumps; read the numbers
  above as a floor to improve on, not a product.
- On the real tiles it touches {cv['anyoverlap_recall']:.0%} of the slumps (any-overlap recall above),
  but its outlines are poor: {cv['object_recall_iou50']:.0%} of the expert outlines are matched at
  IoU 0.5 (the rest are fragments of the scar, or spill into bright surroundings), and
  {1 - cv['anyoverlap_precision']:.0%} of its candidates touch no slump. Use its candidates as places
  to look, and draw or edit the outline yourself.
- It sees colour and texture only: no NIR, no elevation, no time series. Bare soil, gravel and
  bright sediment are its typical confusions; small slumps (< {desc['min_area_m2']} m²) are dropped.
- The percentile stretch makes results depend somewhat on what else is in the view.
- **Intended use:** produce candidates for expert review in the plugin, then fine-tune on the
  reviewed slumps and hard negatives of your region (the plugin's training loop).

Data: rts_tiles_2m (MIT, whrc/img-label-correction-SAM); Peel experts (MIT, Nitze et al. 2024,
initze/RTS_digitization_experiment); Deering PlanetScope clip (Planet imagery via
fwitmer/CoastlineExtraction, internal checks only).
"""
    (FOLDER / "MODEL_CARD.md").write_text(text, encoding="utf-8")
    print(f"written: {FOLDER / 'MODEL_CARD.md'}")


def _holdout(ev: dict) -> str:
    peel, deering = ev["holdout_peel"], ev["holdout_deering"]
    experts = ", ".join(f"{k} {v:.2f}" for k, v in peel["expert_vs_majority_iou"].items())
    return f"""### HOLDOUT Peel Plateau, Sentinel-2 (10 m, resampled to 3 m), 12 experts

| measure | value |
|---|---|
| model pixel IoU against the experts' majority (> 6 of {peel['experts']}) | **{peel['model_pixel_iou']:.3f}** |
| experts' own IoU against that majority, median | {peel['expert_vs_majority_iou_median']:.2f} |
| majority area / model's detected area | {peel['majority_ha']:.1f} ha / {peel['model_detected_ha']:.1f} ha |
| model candidates in the AOI | {peel['model_candidates']} |

Each expert against the majority: {experts}. (Only for information, not used to choose anything:
the best IoU over thresholds 0.1-0.9 would have been
{peel['model_iou_at_best_threshold_not_used']['iou']:.3f} at
{peel['model_iou_at_best_threshold_not_used']['threshold']}.)

### HOLDOUT Deering, Alaska: real PlanetScope 4-band SR without slumps

| measure | value |
|---|---|
| valid area | {deering['valid_km2']:.2f} km² |
| false detections | {deering['false_detections']} ({deering['false_detections_per_km2']:.1f} per km², {deering['false_area_ha']:.2f} ha) |
| largest false detection | {deering.get('largest_false_ha', float('nan')):.2f} ha |
"""


def _missed_tiles(tiles: dict | None) -> str:
    return (f" and touches only {tiles['anyoverlap_recall']:.0%} of the 16 real tiles' slumps (see the picture)"
            if tiles else "")


def _before_after(ev: dict) -> str:
    """The table against the model bundled before (0.1.0), from docs/measurements/starter_previous_evaluation.json."""
    if not PREVIOUS.exists():
        return ""
    old = json.loads(PREVIOUS.read_text(encoding="utf-8"))
    oc, cv = old.get("cyber2a_all_chips"), ev["cross_validation"]
    if oc is None:
        return ""
    speed = old.get("inference_100km2_vs_0_2_0")
    rows = [
        ("cyber2a chips: object F1 at IoU ≥ 0.5", f"{oc['object_f1_iou50']:.3f}", f"{cv['object_f1_iou50']:.3f}"),
        ("cyber2a chips: pixel IoU, pooled", f"{oc['pixel_iou_pooled']:.3f}", f"{cv['pixel_iou_pooled']:.3f}"),
        ("cyber2a chips: outlines touched", f"{oc['anyoverlap_recall']:.0%}", f"{cv['anyoverlap_recall']:.0%}"),
        ("cyber2a chips: false candidates per chip", f"{oc['false_candidates_per_chip']:.2f}",
         f"{cv['false_candidates_per_chip']:.2f}"),
    ]
    tiles, ot = ev.get("independent_tiles"), old["cross_validation"]
    if tiles:  # 0.1.0: 4-fold CV on the tiles (it trained on the other 12); this model never saw them
        rows += [
            ("16 real tiles: pixel IoU, pooled", f"{ot['pixel_iou_pooled']:.3f}", f"{tiles['pixel_iou_pooled']:.3f}"),
            ("16 real tiles: object F1 at IoU ≥ 0.5", f"{ot['object_f1_iou50']:.2f}", f"{tiles['object_f1_iou50']:.2f}"),
            ("16 real tiles: outlines touched", f"{ot['anyoverlap_recall']:.0%}", f"{tiles['anyoverlap_recall']:.0%}"),
            ("16 real tiles: candidates per tile", f"{ot['candidates_per_tile_mean']:.1f}",
             f"{tiles['candidates_per_chip']:.1f}"),
        ]
    rows += _holdout_rows(old, ev)
    if speed:
        rows.append(("CPU inference of 100 km² (median of 3, interleaved)", f"{statistics.median(speed['old_seconds']):.1f} s",
                     f"{statistics.median(speed['new_seconds']):.1f} s ({speed['ratio_new_over_old']:.2f}×; "
                     f"{speed['cpu']})"))
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    return f"""
### Against 0.1.0 ({old.get('recipe', 'starter-0.1')}: 16 real tiles and synthetic scenes)

The cyber2a figures of 0.1.0 are all 756 chips at its own threshold (it never trained on them); this
model's are the cross-validation above. On the 16 tiles 0.1.0's figures are its 4-fold
cross-validation (each fold trained on the other 12 tiles, so on slumps of the same sites); this
model never saw any of them. The old model touched more of those slumps because it marked bright
ground wholesale (3.8 candidates per tile, up to 203 ha on a slump-free clip).

| measure | 0.1.0 | this model |
|---|---|---|
{table}
"""


def _against_0_2_0(ev: dict, version: str) -> str:
    """The table against 0.2.0 (same folds and scripts), when this card is for a later model."""
    if version == "0.2.0" or not EVAL_0_2_0.exists():
        return ""
    old = json.loads(EVAL_0_2_0.read_text(encoding="utf-8"))
    o, n = old["cross_validation"], ev["cross_validation"]

    def spread(cv: dict, key: str, digits: int = 3) -> str:
        folds = ", ".join(f"{v:.{digits}f}" for v in cv["spread_over_folds"][key]["folds"])
        return f"{cv[key]:.{digits}f} (folds {folds})"

    rows = [
        ("training steps", f"{o['steps']}", f"{n['steps']}"),
        ("CV object F1 at IoU ≥ 0.5", spread(o, "object_f1_iou50"), spread(n, "object_f1_iou50")),
        ("CV object precision / recall", f"{o['object_precision_iou50']:.3f} / {o['object_recall_iou50']:.3f}",
         f"{n['object_precision_iou50']:.3f} / {n['object_recall_iou50']:.3f}"),
        ("CV pixel IoU, pooled", spread(o, "pixel_iou_pooled"), spread(n, "pixel_iou_pooled")),
        ("CV outlines touched", f"{o['anyoverlap_recall']:.0%}", f"{n['anyoverlap_recall']:.0%}"),
        ("CV false candidates per chip", spread(o, "false_candidates_per_chip", 2),
         spread(n, "false_candidates_per_chip", 2)),
        ("threshold / minimum area (chosen by CV)", f"{o['threshold']} / {o['min_area_m2']:g} m²",
         f"{n['threshold']} / {n['min_area_m2']:g} m²"),
    ]
    ot, nt = old.get("independent_tiles"), ev.get("independent_tiles")
    if ot and nt:
        rows += [("16 real tiles: pixel IoU / object F1", f"{ot['pixel_iou_pooled']:.3f} / {ot['object_f1_iou50']:.2f}",
                  f"{nt['pixel_iou_pooled']:.3f} / {nt['object_f1_iou50']:.2f}"),
                 ("16 real tiles: outlines touched", f"{ot['anyoverlap_recall']:.0%}", f"{nt['anyoverlap_recall']:.0%}")]
    rows += _holdout_rows(old, ev)
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    return f"""
### Against 0.2.0 (the first starter trained on the cyber2a chips)

Same folds, seeds, scripts and HOLDOUT, so each fold compares with itself; a change counts where it
exceeds the spread over folds. The recipe changed in two ways at once: twice the training steps,
and chips cut beyond the edge of a short image (the reflected border) labelled as the mirrored
image shows, where 0.2.0 labelled those mirrored slumps background.

| measure | 0.2.0 | this model |
|---|---|---|
{table}
"""


def _card_cyber2a(desc: dict, ev: dict) -> str:
    cv, prov = ev["cross_validation"], desc["provenance"]
    tiles = ev.get("independent_tiles")
    spread = cv["spread_over_folds"]

    def with_spread(key: str, digits: int = 3) -> str:
        folds = ", ".join(f"{v:.{digits}f}" for v in spread[key]["folds"])
        return f"{cv[key]:.{digits}f} (folds {folds}; sd {spread[key]['sd']:.{digits}f})"

    enc = prov.get("pretrained_encoder")
    pretrained = (f" The encoder started from {enc['source']} ({enc['package']}, {enc['licence']}); learning "
                  f"rate {prov.get('learning_rate', '')}." if enc else "")
    goals = "\n".join(f"| {g['goal']} | {g['value']} | {'met' if g['met'] else '**not met**'} |" for g in cv["goals"])
    sweep = sorted(cv["sweep"], key=lambda r: -r["object_f1_iou50"])[:5]
    sweep_rows = "\n".join(f"| {r['threshold']} | {r['min_area_m2']:g} | {r['object_f1_iou50']:.3f} | "
                           f"{r['pixel_iou_pooled']:.3f} | {r['false_candidates_per_chip']:.2f} |" for r in sweep)
    tile_part = ""
    if tiles:
        tile_part = f"""
### The 16 real tiles of rts_tiles_2m (never trained on: other sites, 2 m imagery)

| measure | value |
|---|---|
| pixel IoU, pooled | {tiles['pixel_iou_pooled']:.3f} |
| object precision / recall / F1 at IoU ≥ 0.5 | {tiles['object_precision_iou50']:.2f} / {tiles['object_recall_iou50']:.2f} / {tiles['object_f1_iou50']:.2f} |
| outlines touched by a candidate | {tiles['anyoverlap_recall']:.0%} |
| false candidates per tile | {tiles['false_candidates_per_chip']:.2f} |

![hits and misses on the 16 real tiles](hits_and_misses.jpg)

Expert outline yellow, the model's candidates cyan (tiles: MIT, whrc/img-label-correction-SAM).
"""
    deering = ev["holdout_deering"]
    before = _against_0_2_0(ev, desc["version"]) + _before_after(ev)
    return f"""# Model card: {desc['name']} {desc['version']}

**What it is.** A compact segmentation network ({desc['architecture']}, {(FOLDER / 'tsm_starter.onnx').stat().st_size / 1e6:.1f} MB
as ONNX) that marks pixels of retrogressive thaw slumps in 3 m imagery. It ships with the plugin so
that it does something real the first time it is opened. It is a **starting point**: review its
candidates and fine-tune it on your own accepted slumps and rejections.

**Inputs.** Bands {', '.join(desc['bands'])} (NIR is **not** used: the training chips are RGB; on a
4-band PlanetScope mosaic the plugin reads bands 3,2,1). Each mosaic is stretched to its own 2-98 %
percentiles over the run's extent, so 16-bit SR, 8-bit RGB and Sentinel-2 reach the network on the
same 0-1 scale. Pixel size {desc['gsd_m']} m (other resolutions are resampled), tiles of
{desc['tile_size']} px with {desc['overlap']} px overlap, sigmoid output, threshold
{desc['threshold']} and minimum area {desc['min_area_m2']:g} m², both chosen by cross-validation.

**Training data.** {prov['training_data']}. {prov['steps']} steps of batch {prov['batch']},
{prov['chip']}² chips, {prov['loss']}, augmentation {prov['augmentation']}, seed {prov['seed']}
({prov['train_seconds']} s on 2 CPU cores).{pretrained} The chips' pixel size is not stated
(probably 3-4.8 m): they are read as 3 m and the scale augmentation covers the rest.
Reproduce with `make starter-model`, which reruns the cross-validation, the training and the
evaluation below and rewrites this card. The HOLDOUT folders of ../shared/data were only ever
predicted on, never trained or tuned on.

**Citation.** The training chips are the Cyber2A project's teaching set derived from Yang et al.
(2023), Remote Sensing of Environment 288, 113495 (cite that paper with any result of this model).
The set states no licence.

## Measured (scripts/evaluate_starter.py, through the plugin's own engine)

### Cross-validation on the {cv['chips']} cyber2a chips

{cv['folds']} folds of whole groups ({cv['groups']} groups: near-duplicate chips are one group, never
on both sides); each fold's model is trained exactly like the bundled one (its own seed) without
its held-out chips, and each held-out chip runs through the engine as a 3 m GeoTIFF. Pooled over
all held-out chips, with the three folds beside (the spread):

| measure | value |
|---|---|
| object F1 at IoU ≥ 0.5 | {with_spread('object_f1_iou50')} |
| object precision / recall at IoU ≥ 0.5 | {cv['object_precision_iou50']:.3f} / {cv['object_recall_iou50']:.3f} |
| pixel IoU, pooled | {with_spread('pixel_iou_pooled')} |
| outlines touched by a candidate | {cv['anyoverlap_recall']:.0%} |
| false candidates per chip (touching no outline) | {with_spread('false_candidates_per_chip', 2)} |
| candidates per chip | {cv['candidates_per_chip']:.2f} |

Goals (issue 25):

| goal | measured | |
|---|---|---|
{goals}

Threshold and minimum area were chosen on these held-out chips (the best five of
{len(cv['sweep'])} pairs):

| threshold | minimum area m² | object F1 | pixel IoU | false per chip |
|---|---|---|---|---|
{sweep_rows}
{tile_part}
{_holdout(ev)}{before}
## Good at, bad at

- It has seen 1,783 real slumps of the western Canadian Arctic and Siberia; the Qinghai-Tibet
  Plateau and other regions are new to it: fine-tune it on your reviewed slumps there.
- It **misses** {1 - cv['anyoverlap_recall']:.0%} of the slumps in cross-validation (no candidate touches
  them){_missed_tiles(tiles)}: above all slumps whose scar is vegetated, greenish or dark rather than bare
  and bright, and small ones. Look around its candidates, not only at them.
- Its outlines are rough: {cv['object_recall_iou50']:.0%} of the expert outlines are matched at IoU 0.5.
  Neighbouring slumps that touch are often drawn as one candidate, and bright bare ground beside a
  scar is often drawn with it. Draw or edit the outline of every slump you accept.
- Bright bare ground, gravel bars and fresh scars of other kinds are its typical confusions
  ({deering['false_detections']} false detections, the largest {deering.get('largest_false_ha', float('nan')):.1f} ha, on a real
  PlanetScope clip without slumps).
- It sees colour and texture only: no NIR, no elevation, no time series. Slumps smaller than
  {desc['min_area_m2']:g} m² are dropped.
- **Intended use:** candidates for expert review in the plugin, then fine-tuning on the reviewed
  slumps and hard negatives of your region (the plugin's training loop).

Data: cyber2a_rts (see Citation); rts_tiles_2m (MIT, whrc/img-label-correction-SAM); Peel experts
(MIT, Nitze et al. 2024, initze/RTS_digitization_experiment); Deering PlanetScope clip (Planet
imagery via fwitmer/CoastlineExtraction, internal checks only).
"""


if __name__ == "__main__":
    main()
