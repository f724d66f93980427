"""NoData that makes no edge: the model sees filled holes, and detections hugging a NoData
boundary are left out of the candidates.

A scene footprint or a masked cloud is a sharp straight edge between landscape and a constant;
a segmentation network trained on slumps readily calls such an edge a headwall (on a real
PlanetScope clip the two largest candidates, 118 and 100 ha, traced the NoData boundary). Two
defences, both model-agnostic:

- ``fill``: before normalisation, NoData pixels take a smooth continuation of the valid pixels
  around them (push-pull interpolation over an image pyramid), so there is no step at the
  boundary for the model to see.
- ``near``: the pixels within a margin of NoData, where the model still saw little context;
  vectorising leaves detections there out of the candidates.
"""

from __future__ import annotations

import numpy as np


def fill(x: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """``x`` (C×H×W float) with every invalid pixel replaced by a smooth continuation of the
    valid ones; unchanged where valid. All-invalid input comes back as zeros."""
    if valid.all():
        return x
    if not valid.any():
        return np.zeros_like(x)
    x = x.astype(np.float32, copy=True)
    weight = valid.astype(np.float32)
    total = np.where(valid, x, 0.0).astype(np.float32)
    # push: 2×2 sums of weighted values and weights until every coarse cell has some weight
    pyramid = [(total, weight)]
    while not (weight > 0).all() and min(weight.shape) > 1:
        total, weight = _halve(total), _halve(weight[None])[0]
        pyramid.append((total, weight))
    # pull: from the coarsest level down, empty cells take the (upsampled) coarser estimate;
    # a coarsest level that is still patchy (a one-pixel-high strip) falls back to the mean
    mean = (np.where(valid, x, 0.0).sum(axis=(1, 2)) / valid.sum()).astype(np.float32)
    estimate = None
    for total, weight in reversed(pyramid):
        level = np.divide(total, weight, out=np.zeros_like(total), where=weight > 0)
        up = mean[:, None, None] if estimate is None else _double(estimate, weight.shape)
        estimate = np.where(weight > 0, level, up)
    x[:, ~valid] = estimate[:, ~valid]
    return x


def _halve(a: np.ndarray) -> np.ndarray:
    c, h, w = a.shape
    a = np.pad(a, ((0, 0), (0, h % 2), (0, w % 2)))
    return a.reshape(c, a.shape[1] // 2, 2, a.shape[2] // 2, 2).sum(axis=(2, 4))


def _double(a: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    return np.repeat(np.repeat(a, 2, axis=1), 2, axis=2)[:, : shape[0], : shape[1]]


def near(nodata: np.ndarray, margin: int) -> np.ndarray:
    """Valid pixels within ``margin`` pixels (a square neighbourhood) of a NoData pixel."""
    if margin <= 0 or not nodata.any():
        return np.zeros(nodata.shape, bool)
    grown = nodata.copy()
    for axis in (0, 1):  # separable max filter: a square dilation in 2 × margin shifts
        src = grown.copy()
        n = src.shape[axis]
        for shift in range(1, min(margin, n - 1) + 1):
            lo = [slice(None)] * 2
            hi = [slice(None)] * 2
            lo[axis], hi[axis] = slice(0, n - shift), slice(shift, n)
            grown[tuple(lo)] |= src[tuple(hi)]
            grown[tuple(hi)] |= src[tuple(lo)]
    return grown & ~nodata
