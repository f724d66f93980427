"""An evaluation report: Markdown with the measures and a PNG bar chart of recall by slump size."""

from __future__ import annotations

from pathlib import Path

from ..outputs import atomic_files, check_new_file
from ..store.candidates import now_iso

MEASURES = [("object_precision", "object precision (IoU ≥ {iou})"), ("object_recall", "object recall (IoU ≥ {iou})"),
            ("object_f1", "object F1 (IoU ≥ {iou})"), ("anyoverlap_precision", "precision, any overlap"),
            ("anyoverlap_recall", "recall, any overlap"), ("anyoverlap_f1", "F1, any overlap"),
            ("pixel_iou", "pixel IoU"), ("pixel_precision", "pixel precision"), ("pixel_recall", "pixel recall"),
            ("pixel_f1", "pixel F1")]


def recall_chart(rows: list[dict], path: Path, width: int = 520, height: int = 260) -> None:
    """Bars of object recall (dark) and any-overlap recall (light) per size class."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    left, bottom, top = 40, height - 40, 20
    draw.line([(left, top), (left, bottom), (width - 10, bottom)], fill="black")
    for frac in (0.25, 0.5, 0.75, 1.0):
        y = bottom - frac * (bottom - top)
        draw.line([(left - 4, y), (width - 10, y)], fill=(220, 220, 220))
        draw.text((4, y - 6), f"{frac:.2f}", fill="black")
    slot = (width - left - 20) / max(len(rows), 1)
    for i, row in enumerate(rows):
        x = left + 10 + i * slot
        for j, (key, colour) in enumerate((("object_recall", (40, 90, 160)), ("anyoverlap_recall", (150, 190, 230)))):
            h = row[key] * (bottom - top)
            draw.rectangle([x + j * slot * 0.4, bottom - h, x + (j + 1) * slot * 0.4 - 2, bottom], fill=colour)
        draw.text((x, bottom + 6), f"{row['size_ha']} ha (n={row['reference']})", fill="black")
    draw.text((left + 10, 2), "recall by slump size: IoU >= 0.5 (dark), any overlap (light)", fill="black")
    img.save(path)


def write_report(result: dict, out: str | Path, title: str, pred: str, ref: str, iou: float,
                 overwrite: bool = False) -> Path:
    out = check_new_file(out, overwrite, "report")
    chart = check_new_file(out.with_suffix(".png"), overwrite, "chart")
    lines = [f"# {title}", "", f"Predictions: `{pred}`  ", f"Reference: `{ref}`  ", f"Written {now_iso()}", "",
             "| measure | value |", "|---|---|"]
    lines += [f"| {label.format(iou=iou)} | {result[key]:.3f} |" for key, label in MEASURES]
    lines += ["", f"{result['matched']} of {result['reference']} reference slumps matched one-to-one by "
              f"{result['predicted']} predictions.", "", "| reference slump size | slumps | matched | recall | "
              "recall, any overlap |", "|---|---|---|---|---|"]
    lines += [f"| {r['size_ha']} ha | {r['reference']} | {r['matched']} | {r['object_recall']:.2f} | "
              f"{r['anyoverlap_recall']:.2f} |" for r in result["by_size"]]
    lines += ["", f"![recall by size]({chart.name})", "",
              f"Object matching: one-to-one at IoU ≥ {iou} (Huang et al. 2020) and any overlap (Zeng et al. 2026); "
              "pixel measures over the evaluated area (Nitze et al. 2021)."]
    # the chart and the report appear together, and only complete (the report last: it shows the chart)
    with atomic_files([chart, out], "report") as (chart_tmp, out_tmp):
        recall_chart(result["by_size"], chart_tmp)
        out_tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out
