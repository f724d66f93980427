"""Training augmentation: scale jitter keeps image and mask aligned, defaults draw the chips they
always drew (recipes stay reproducible), photometric jitter stays in the model's value range."""

from __future__ import annotations

import numpy as np

from thaw_slump_mapper.core.learn.training import Sample, TrainConfig, _photometric, _random_chip, _scaled_chip


def _disc_sample(size: int = 171) -> Sample:
    yy, xx = np.mgrid[0:size, 0:size]
    mask = ((yy - 80) ** 2 + (xx - 95) ** 2 < 35 ** 2).astype(np.uint8)
    rng = np.random.default_rng(1)
    image = np.stack([mask.astype(np.float32), rng.random((size, size), np.float32),
                      np.full((size, size), 0.5, np.float32)])
    return Sample(image, mask, np.ones((size, size), bool), "disc")


def test_scaled_chips_keep_mask_on_the_image_and_vary_the_slump_size():
    sample = _disc_sample()
    config = TrainConfig(chip=64, scale_range=(0.6, 1.6))
    rng = np.random.default_rng(0)
    areas = []
    for _ in range(40):
        image, mask, valid = _scaled_chip(rng, sample, config, positive=True)
        assert image.shape == (3, 64, 64) and mask.shape == (64, 64) and valid.shape == (64, 64)
        assert image.dtype == np.float32 and set(np.unique(mask)) <= {0, 1}
        agree = ((image[0] >= 0.5) == mask.astype(bool)).mean()
        assert agree > 0.97, agree  # bilinear edge pixels only
        areas.append(int(mask.sum()))
    assert max(areas) > 1.8 * min(a for a in areas if a), areas  # zoomed in and out


def test_default_config_draws_the_chips_it_always_drew():
    sample = _disc_sample()
    a = _scaled_chip(np.random.default_rng(5), sample, TrainConfig(chip=64), positive=True)
    b = _random_chip(np.random.default_rng(5), sample, 64, True)
    for x, y in zip(a, b):
        assert np.array_equal(x, y)


def test_a_chip_larger_than_its_image_mirrors_the_mask_with_the_image():
    # a 60-px-high image (a short cyber2a chip) cut at 100 px: the padded rows show the slump
    # mirrored, and must be labelled slump there too, not background
    sample = _disc_sample()
    short = Sample(sample.image[:, 60:120], sample.mask[60:120], sample.valid[60:120], "short")
    for seed in range(10):
        image, mask, valid = _random_chip(np.random.default_rng(seed), short, 100, positive=True)
        assert image.shape == (3, 100, 100) and valid.all()
        assert np.array_equal(image[0] >= 0.5, mask.astype(bool))


def test_photometric_jitter_stays_in_range_and_changes_bands_apart():
    image = np.full((3, 32, 32), 0.5, np.float32)
    rng = np.random.default_rng(3)
    out = [_photometric(rng, image, TrainConfig(band_gain=0.2, noise=0.1)) for _ in range(20)]
    assert all(o.dtype == np.float32 and o.min() >= 0 and o.max() <= 1 for o in out)
    band_means = np.array([o.mean(axis=(1, 2)) for o in out])
    assert np.ptp(band_means[:, 0] - band_means[:, 1]) > 0.02  # each band its own gain
    assert any(o.std() > 0.01 for o in out)  # noise in some chips
    assert np.array_equal(_photometric(rng, image, TrainConfig()), image)


def test_ema_returns_the_average_of_the_last_steps_not_the_last_step():
    import torch

    from thaw_slump_mapper.core.learn.training import train

    rng = np.random.default_rng(0)
    samples = [Sample(rng.random((3, 64, 64), dtype=np.float32), (rng.random((64, 64)) > 0.5).astype(np.uint8),
                      np.ones((64, 64), bool), "s") for _ in range(3)]
    base = dict(encoder="resnet18", decoder_channels=(16, 8, 8, 8, 8), chip=32, batch=2, steps=4,
                extra={"encoder_depth": 5})
    last, _ = train([samples], TrainConfig(**base))
    again, _ = train([samples], TrainConfig(**base))
    averaged, _ = train([samples], TrainConfig(**base, ema=0.5))
    key = "segmentation_head.0.weight"
    last_w, again_w, avg_w = (m.state_dict()[key] for m in (last, again, averaged))
    assert torch.equal(last_w, again_w)  # same seed, same steps: same weights
    assert not torch.allclose(avg_w, last_w)  # the average lags the last step
    assert torch.isfinite(avg_w).all()
    counts = [m.state_dict()["encoder.bn1.num_batches_tracked"] for m in (last, averaged)]
    assert int(counts[0]) == int(counts[1]) == 4  # integer buffers are copied, not averaged


def test_pasted_slump_carries_its_mask_and_pixels():
    from thaw_slump_mapper.core.learn.training import _paste, slump_patches

    donor = _disc_sample(96)  # band 0 = 1 inside the slump
    donor.mask[:3, :3] = 1  # a 9-pixel speck: too small to be a patch
    patches = slump_patches([donor])
    assert len(patches) == 1 and patches[0][1].sum() == donor.mask.sum() - 9
    small = Sample(np.zeros((3, 100, 100), np.float32), np.zeros((100, 100), np.uint8),
                   np.ones((100, 100), bool), "bg")
    donor_small = _disc_sample(60)
    donor_small.mask[:] = 0
    donor_small.mask[20:40, 25:45] = 1
    donor_small.image[0] = donor_small.mask
    patches = slump_patches([donor_small])
    image, mask, _ = _paste(np.random.default_rng(2), small.image, small.mask, small.valid, patches)
    assert mask.sum() == 400 and small.mask.sum() == 0  # the chip's own arrays are not changed
    inside = image[0][mask.astype(bool)]
    assert inside.mean() > 0.9 and image[0][~mask.astype(bool)].max() == 0  # pixels only inside the outline
    big = slump_patches([_disc_sample(171)])
    tiny = Sample(np.zeros((3, 64, 64), np.float32), np.zeros((64, 64), np.uint8), np.ones((64, 64), bool), "t")
    _, mask, _ = _paste(np.random.default_rng(0), tiny.image, tiny.mask, tiny.valid, big)
    assert mask.sum() == 0  # a patch larger than the chip is not pasted


def test_blur_and_jpeg_soften_edges_and_keep_the_range():
    """Blur (Sentinel-2 resampled to 3 m) lowers the edge contrast; JPEG re-encoding adds small
    block errors; both keep shape, dtype and the 0-1 range."""
    yy, xx = np.mgrid[0:64, 0:64]
    disc = (yy - 32) ** 2 + (xx - 30) ** 2 < 20 ** 2
    image = np.repeat(disc[None].astype(np.float32), 3, axis=0)  # a hard-edged disc
    rng = np.random.default_rng(2)
    blurred = [_photometric(rng, image, TrainConfig(blur=2.0)) for _ in range(12)]
    assert all(b.shape == image.shape and b.dtype == np.float32 and 0 <= b.min() and b.max() <= 1 for b in blurred)
    edges = [np.abs(np.diff(b[0], axis=1)).max() for b in blurred]
    assert min(edges) < 0.6 and max(edges) == 1.0  # half the chips blurred, the others as they were
    coded = _photometric(rng, image, TrainConfig(jpeg=1.0))
    assert coded.shape == image.shape and coded.dtype == np.float32 and 0 <= coded.min() and coded.max() <= 1
    error = np.abs(coded - image)
    assert 0 < error.mean() < 0.05 and ((coded[0] > 0.5) == disc).mean() > 0.99
