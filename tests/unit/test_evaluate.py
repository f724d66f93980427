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


def _burn_whole(pred, ref, region, px):
    """The measure as defined: every polygon burnt over the whole region's grid."""
    import math

    from rasterio import features
    from rasterio.transform import from_origin

    minx, miny, maxx, maxy = region.bounds
    shape = (max(1, math.ceil((maxy - miny) / px)), max(1, math.ceil((maxx - minx) / px)))
    tr = from_origin(minx, maxy, px, px)

    def burn(polys):
        return features.rasterize([(p, 1) for p in polys], out_shape=shape, transform=tr) > 0 if polys \
            else np.zeros(shape, bool)

    return pixel_metrics(burn(pred), burn(ref), burn([region]))


@pytest.mark.parametrize("seed", range(12))
def test_pixel_measures_in_windows_equal_the_whole_region_burnt(seed):
    from shapely.geometry import Point

    from thaw_slump_mapper.core.learn.evaluate import evaluate_layers

    rng = np.random.default_rng(seed)
    blobs = [[Point(*rng.uniform(0, 3000, 2)).buffer(rng.uniform(5, 150)) for _ in range(rng.integers(0, 10))]
             for _ in range(2)]
    area = box(100, 150, 2900, 2600) if seed % 3 == 0 else None
    px = 3.0 if seed % 2 else 4.7
    got = evaluate_layers(*blobs, area, pixel_size=px)
    pred, ref = ([p for p in b if p.intersects(area)] for b in blobs) if area is not None else blobs
    if not pred and not ref and area is None:
        assert got["pixel_iou"] == 0.0
        return
    bounds = np.array([g.bounds for g in pred + ref])
    region = area if area is not None else box(bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(),
                                               bounds[:, 3].max())
    want = _burn_whole(pred, ref, region, px)
    assert {k: got[k] for k in ("pixel_iou", "pixel_precision", "pixel_recall")} == \
        {k: want[k] for k in ("pixel_iou", "pixel_precision", "pixel_recall")}


def test_pixel_memory_follows_the_polygons_not_their_distance():
    import tracemalloc

    from thaw_slump_mapper.core.learn.evaluate import evaluate_layers

    pred = [box(0, 0, 100, 100)]
    ref = [box(50, 50, 150, 150), box(100_000, 100_000, 100_100, 100_100)]  # 100 km away: 33,000² px at 3 m
    tracemalloc.start()
    result = evaluate_layers(pred, ref)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50e6, peak  # the whole box burnt three times: about 3.3 GB
    assert result["pixel_iou"] == pytest.approx(50 * 50 / (3 * 100 * 100 - 50 * 50), rel=0.05)
