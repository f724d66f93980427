"""Accuracy of detected slumps against reference outlines: pixel and object measures.

Object matching follows the seed papers: one-to-one matching at IoU >= 0.5 (Huang et al. 2020)
and any-overlap matching (Zeng et al. 2026). Pixel measures follow Nitze et al. 2021.
"""

from __future__ import annotations

import numpy as np
from shapely.strtree import STRtree


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def pixel_metrics(pred: np.ndarray, ref: np.ndarray, valid: np.ndarray | None = None) -> dict:
    """IoU, precision, recall and F1 of two boolean masks over the valid pixels."""
    valid = np.ones(pred.shape, bool) if valid is None else valid
    p, r = pred.astype(bool) & valid, ref.astype(bool) & valid
    tp = int((p & r).sum())
    fp = int((p & ~r).sum())
    fn = int((~p & r).sum())
    precision, recall, f1 = _prf(tp, fp, fn)
    return {"pixel_iou": tp / (tp + fp + fn) if tp + fp + fn else 0.0, "pixel_precision": precision,
            "pixel_recall": recall, "pixel_f1": f1, "tp": tp, "fp": fp, "fn": fn}


def iou(a, b) -> float:
    inter = a.intersection(b).area
    union = a.area + b.area - inter
    return inter / union if union else 0.0


def object_metrics(pred: list, ref: list, min_iou: float = 0.5) -> dict:
    """Object precision/recall/F1: one-to-one greedy matching by decreasing IoU >= ``min_iou``,
    and any-overlap matching (a prediction touching a reference is right, a reference touched by
    a prediction is found)."""
    pairs = []
    if pred and ref:
        tree = STRtree(ref)
        for i, p in enumerate(pred):
            for j in tree.query(p):
                value = iou(p, ref[j])
                if value >= min_iou:
                    pairs.append((value, i, int(j)))
    used_p, used_r = set(), set()
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_p and j not in used_r:
            used_p.add(i)
            used_r.add(j)
    tp = len(used_p)
    precision, recall, f1 = _prf(tp, len(pred) - tp, len(ref) - tp)
    hit_p = hit_r = 0
    if pred and ref:
        tree = STRtree(ref)
        hit_p = sum(1 for p in pred if any(ref[j].intersects(p) for j in tree.query(p)))
        ptree = STRtree(pred)
        hit_r = sum(1 for r in ref if any(pred[i].intersects(r) for i in ptree.query(r)))
    any_p = hit_p / len(pred) if pred else 0.0
    any_r = hit_r / len(ref) if ref else 0.0
    any_f1 = 2 * any_p * any_r / (any_p + any_r) if any_p + any_r else 0.0
    return {"object_precision": precision, "object_recall": recall, "object_f1": f1,
            "anyoverlap_precision": any_p, "anyoverlap_recall": any_r, "anyoverlap_f1": any_f1,
            "matched": tp, "predicted": len(pred), "reference": len(ref)}
