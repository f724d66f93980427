"""Metric code against cases computed by hand."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import box

from thaw_slump_mapper.core.learn.evaluate import object_metrics, pixel_metrics


def test_pixel_metrics_by_hand():
    pred = np.zeros((4, 4), bool)
    ref = np.zeros((4, 4), bool)
    pred[0, :3] = True  # 3 predicted
    ref[0, 1:] = True  # 3 reference, 2 shared
    m = pixel_metrics(pred, ref)
    assert (m["tp"], m["fp"], m["fn"]) == (2, 1, 1)
    assert m["pixel_iou"] == pytest.approx(2 / 4)
    assert m["pixel_precision"] == pytest.approx(2 / 3) and m["pixel_recall"] == pytest.approx(2 / 3)
    valid = np.ones((4, 4), bool)
    valid[0, 0] = False  # the false positive lies in NoData: it does not count
    assert pixel_metrics(pred, ref, valid)["pixel_precision"] == 1.0


def test_object_matching_at_iou_half_and_any_overlap():
    ref = [box(0, 0, 10, 10), box(20, 0, 30, 10), box(40, 0, 50, 10)]
    pred = [box(0, 0, 10, 8),  # IoU 0.8: matched
            box(25, 0, 35, 10),  # IoU 1/3: only overlaps
            box(60, 0, 70, 10),  # nothing
            box(0, 0, 10, 9)]  # second hit on the first reference: not matched one-to-one
    m = object_metrics(pred, ref)
    assert m["matched"] == 1
    assert m["object_precision"] == pytest.approx(1 / 4) and m["object_recall"] == pytest.approx(1 / 3)
    assert m["object_f1"] == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3))
    assert m["anyoverlap_precision"] == pytest.approx(3 / 4) and m["anyoverlap_recall"] == pytest.approx(2 / 3)


def test_empty_inputs_give_zeros_not_errors():
    assert object_metrics([], [box(0, 0, 1, 1)])["object_recall"] == 0.0
    assert object_metrics([box(0, 0, 1, 1)], [])["object_precision"] == 0.0
