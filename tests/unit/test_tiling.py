"""Tiles, blending windows, and the seam test: tiled = one full pass away from the border."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
from tsm_testkit import conv_model

from thaw_slump_mapper.core.engine.tiling import StripBlender, ramp, tile_starts, tiled_predict


@pytest.mark.parametrize("length, tile, overlap", [(1000, 256, 64), (256, 256, 32), (100, 256, 32),
                                                   (513, 256, 64), (4096, 512, 128)])
def test_tiles_cover_every_pixel_and_stay_inside(length, tile, overlap):
    starts = tile_starts(length, tile, overlap)
    covered = np.zeros(length, bool)
    for s in starts:
        covered[s:s + tile] = True
        assert s >= 0 and (s + tile <= length or length < tile)
    assert covered.all()
    assert starts == sorted(set(starts))


def test_blending_windows_sum_to_a_positive_weight_everywhere():
    length, tile, overlap = 1000, 128, 32
    starts = tile_starts(length, tile, overlap)
    total = np.zeros(length)
    for s in starts:
        total[s:s + tile] += ramp(tile, overlap, s == 0, s + tile >= length)
    assert (total > 0).all()
    interior = ramp(tile, overlap, False, False)
    assert (interior[:overlap // 4] == 0).all() and (interior[-(overlap // 4):] == 0).all()
    assert interior[tile // 2] == 1.0


def test_strip_blender_flushes_each_row_once_in_order():
    flushed = []
    blender = StripBlender(4, 10, lambda r0, p, w: flushed.append((r0, p.shape[0])))
    blender.add(0, 0, np.ones((6, 4), np.float32), np.ones((6, 4), np.float32))
    blender.finish_row(4)
    blender.add(4, 0, np.ones((6, 4), np.float32), np.ones((6, 4), np.float32))
    blender.finish_row(None)
    assert flushed == [(0, 4), (4, 6)]


def _full_pass(session, image):
    return session.run(None, {"x": image[None]})[0][0, 0]


def test_tiled_result_equals_one_full_pass_away_from_the_border(tmp_path):
    # 3x3 convolution: receptive radius 1 pixel, smaller than the zero margin (overlap // 4 = 8)
    rng = np.random.default_rng(0)
    weights = rng.standard_normal((1, 4, 3, 3))
    path = conv_model(tmp_path / "conv3.onnx", weights, np.array([0.1]))
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    image = rng.standard_normal((4, 300, 437)).astype(np.float32)
    out = np.full(image.shape[1:], np.nan, np.float32)

    def flush(row0, prob, wsum):
        out[row0:row0 + prob.shape[0]] = prob

    def read(r, c, h, w):
        return image[:, r:r + h, c:c + w], np.ones((h, w), bool)

    counts = tiled_predict(read, lambda b: session.run(None, {"x": b})[0][:, 0], 300, 437, 64, 32, flush,
                           batch_size=3)
    assert counts.run == counts.total == len(tile_starts(300, 64, 32)) * len(tile_starts(437, 64, 32))
    full = _full_pass(session, image)
    inner = (slice(1, -1), slice(1, -1))  # the model's own zero padding differs only at the border
    assert np.abs(out[inner] - full[inner]).max() < 1e-5
    assert np.isfinite(out).all()


def test_a_receptive_field_wider_than_the_margin_would_show_seams(tmp_path):
    # control experiment: the same test with a 21x21 kernel (radius 10 > margin 8) must differ,
    # which shows the equality above is a property of the blending, not of the check
    rng = np.random.default_rng(1)
    path = conv_model(tmp_path / "conv21.onnx", rng.standard_normal((1, 4, 21, 21)), np.array([0.0]))
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    image = rng.standard_normal((4, 200, 200)).astype(np.float32)
    out = np.zeros((200, 200), np.float32)
    tiled_predict(lambda r, c, h, w: (image[:, r:r + h, c:c + w], np.ones((h, w), bool)),
                  lambda b: session.run(None, {"x": b})[0][:, 0], 200, 200, 64, 32,
                  lambda r0, p, w: out.__setitem__(slice(r0, r0 + p.shape[0]), p))
    full = _full_pass(session, image)
    assert np.abs(out[10:-10, 10:-10] - full[10:-10, 10:-10]).max() > 1e-3


def test_tiles_without_valid_pixels_are_skipped_and_stay_nodata():
    image = np.ones((1, 200, 200), np.float32)
    valid = np.ones((200, 200), bool)
    valid[:, :120] = False
    out = np.zeros((200, 200), np.float32)
    calls = []

    def read(r, c, h, w):
        v = valid[r:r + h, c:c + w]
        return (image[:, r:r + h, c:c + w], v) if v.any() else None

    def predict(batch):
        calls.append(len(batch))
        return np.full((len(batch), 64, 64), 0.7, np.float32)

    counts = tiled_predict(read, predict, 200, 200, 64, 16, lambda r0, p, w: out.__setitem__(
        slice(r0, r0 + p.shape[0]), p))
    assert counts.skipped > 0 and counts.run + counts.skipped == counts.total
    assert np.isnan(out[:, :120]).all()
    assert np.allclose(out[:, 120:], 0.7)
