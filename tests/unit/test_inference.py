"""run_inference over rasters: domains, bands, NoData, dates, extents, CRS, cache and cancel."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
import rasterio
from tsm_testkit import BASIC, conv_model, sigmoid, write_raster

from thaw_slump_mapper.core.engine.inference import InferenceParams, decode, run_inference
from thaw_slump_mapper.core.engine.raster import Extent, MosaicSpec
from thaw_slump_mapper.core.errors import Cancelled, InputError
from thaw_slump_mapper.core.progress import CancelToken

W = np.array([8.0, -6.0, 5.0, -2.0]).reshape(1, 4, 1, 1)
B = np.array([0.3])


def _model(tmp_path, **changes):
    return conv_model(tmp_path / "m.onnx", W, B, sidecar={**BASIC, **changes})


def _expected(refl):
    return sigmoid(np.tensordot(W[0, :, 0, 0], refl, axes=([0], [0])) + B[0])


def _mosaic(tmp_path, name="m.tif", seed=0, shape=(150, 170), **kw):
    data = np.random.default_rng(seed).integers(1, 4000, (4, *shape)).astype(np.uint16)
    return write_raster(tmp_path / name, data, **kw), data


def _read(path, band=1):
    with rasterio.open(path) as src:
        return decode(src.read(band)), src


def test_sr16_mosaic_matches_the_model_applied_to_reflectance(tmp_path):
    path, data = _mosaic(tmp_path)
    res = run_inference(InferenceParams((MosaicSpec(str(path), "2020"),), str(_model(tmp_path)),
                                        cache_dir=str(tmp_path / "c")))
    prob, src = _read(res.path)
    assert src.crs.to_epsg() == 32646 and src.res == (3.0, 3.0) and prob.shape == (150, 170)
    assert np.abs(prob - _expected(data / 10000.0)).max() <= 0.5 / 250 + 1e-6  # uint8 encoding
    assert res.band_names == ["2020"] and not res.cached


def test_eight_bit_rgb_mosaic_is_scaled_by_its_domain_not_a_fixed_255(tmp_path):
    rgb = np.random.default_rng(1).integers(1, 255, (3, 80, 90)).astype(np.uint8)
    path = write_raster(tmp_path / "rgb.tif", rgb)
    w = np.array([2.0, -1.0, 1.5]).reshape(1, 3, 1, 1)
    model = conv_model(tmp_path / "rgb.onnx", w, np.zeros(1), sidecar={
        **BASIC, "bands": ["red", "green", "blue"], "value_domain": "sr16",
        "normalization": {"kind": "scale", "scale": 1e-4, "offset": 0}})
    res = run_inference(InferenceParams((MosaicSpec(str(path)),), str(model), cache_dir=str(tmp_path / "c")))
    prob, _ = _read(res.path)
    refl = rgb / 255.0  # 8-bit → reflectance-like, then ×10 000 and the model's own ×1e-4
    expected = sigmoid(2 * refl[0] - refl[1] + 1.5 * refl[2])
    assert np.abs(prob - expected).max() <= 0.5 / 250 + 1e-6


def test_rgb_mosaic_for_a_nir_model_names_the_missing_band(tmp_path):
    rgb = np.ones((3, 40, 40), np.uint8)
    path = write_raster(tmp_path / "rgb.tif", rgb)
    with pytest.raises(InputError) as err:
        run_inference(InferenceParams((MosaicSpec(str(path)),), str(_model(tmp_path)), cache_dir=str(tmp_path)))
    assert "has 3 band(s)" in str(err.value) and "needs 'nir'" in str(err.value) and "--band-map" in str(err.value)


def test_nodata_is_masked_and_all_nodata_tiles_are_skipped(tmp_path):
    data = np.random.default_rng(2).integers(1, 4000, (4, 200, 200)).astype(np.uint16)
    data[:, :, :130] = 0
    path = write_raster(tmp_path / "m.tif", data)
    res = run_inference(InferenceParams((MosaicSpec(str(path)),), str(_model(tmp_path)), cache_dir=str(tmp_path)))
    prob, _ = _read(res.path)
    assert np.isnan(prob[:, :130]).all() and np.isfinite(prob[:, 130:]).all()
    assert res.tiles_run < res.tiles_total


def test_extent_with_only_nodata_is_refused(tmp_path):
    data = np.zeros((4, 100, 100), np.uint16)
    path = write_raster(tmp_path / "m.tif", data)
    with pytest.raises(InputError, match="only NoData"):
        run_inference(InferenceParams((MosaicSpec(str(path)),), str(_model(tmp_path)), cache_dir=str(tmp_path)))
    assert not list(tmp_path.glob("prob_*"))


def test_several_dates_give_per_date_mean_and_max_bands(tmp_path):
    p1, d1 = _mosaic(tmp_path, "a_2019.tif", seed=1)
    p2, d2 = _mosaic(tmp_path, "b_2021.tif", seed=2)
    res = run_inference(InferenceParams((MosaicSpec(str(p1), "2019"), MosaicSpec(str(p2), "2021")),
                                        str(_model(tmp_path)), cache_dir=str(tmp_path / "c")))
    assert res.band_names == ["2019", "2021", "mean", "max"]
    e1, e2 = _expected(d1 / 1e4), _expected(d2 / 1e4)
    tol = 1 / 250 + 1e-6
    assert np.abs(_read(res.path, 3)[0] - (e1 + e2) / 2).max() <= tol
    assert np.abs(_read(res.path, 4)[0] - np.maximum(e1, e2)).max() <= tol
    with rasterio.open(res.path) as src:
        assert json.loads(src.tags()["TSM_DATES"]) == ["2019", "2021"]


def test_extent_in_another_crs_is_reprojected_and_clipped(tmp_path):
    path, _ = _mosaic(tmp_path, shape=(300, 300))
    from rasterio.warp import transform_bounds

    # the middle third of the mosaic, given in longitude/latitude
    x0, y1 = 440000.0, 3860000.0
    lonlat = transform_bounds("EPSG:32646", "EPSG:4326", x0 + 300, y1 - 600, x0 + 600, y1 - 300)
    extent = Extent(*lonlat, "EPSG:4326")
    res = run_inference(InferenceParams((MosaicSpec(str(path)),), str(_model(tmp_path)), extent,
                                        cache_dir=str(tmp_path)))
    left, _, right, _ = res.grid.bounds
    assert 440000 + 290 <= left <= 440000 + 300 and 440000 + 600 <= right <= 440000 + 610
    assert res.grid.width <= 105 and res.grid.crs.to_epsg() == 32646


def test_extent_outside_every_mosaic_is_refused(tmp_path):
    path, _ = _mosaic(tmp_path)
    with pytest.raises(InputError, match="outside every mosaic"):
        run_inference(InferenceParams((MosaicSpec(str(path)),), str(_model(tmp_path)),
                                      Extent(0, 0, 10, 10, "EPSG:32646"), cache_dir=str(tmp_path)))


def test_mosaics_in_different_crs_need_explicit_consent(tmp_path):
    p1, _ = _mosaic(tmp_path, "a.tif")
    p2, _ = _mosaic(tmp_path, "b.tif", crs="EPSG:32645", origin=(1000000.0, 3860000.0))
    params = InferenceParams((MosaicSpec(str(p1), "2019"), MosaicSpec(str(p2), "2020")), str(_model(tmp_path)),
                             cache_dir=str(tmp_path))
    with pytest.raises(InputError) as err:
        run_inference(params)
    assert "EPSG:32645" in str(err.value) and "--reproject" in str(err.value)


def test_coarser_mosaic_is_resampled_to_the_model_gsd(tmp_path):
    path, _ = _mosaic(tmp_path, res=6.0, shape=(60, 60))
    res = run_inference(InferenceParams((MosaicSpec(str(path)),), str(_model(tmp_path)), cache_dir=str(tmp_path)))
    assert res.grid.res == 3.0 and (res.grid.width, res.grid.height) == (120, 120)


def test_second_run_is_served_from_the_cache(tmp_path):
    path, _ = _mosaic(tmp_path)
    params = InferenceParams((MosaicSpec(str(path)),), str(_model(tmp_path)), cache_dir=str(tmp_path / "c"))
    first = run_inference(params)
    second = run_inference(params)
    assert second.cached and second.path == first.path and second.tiles_run == 0


def test_cancel_stops_soon_leaves_no_raster_and_a_rerun_continues_to_the_same_output(tmp_path):
    path, _ = _mosaic(tmp_path, shape=(400, 400))
    model = _model(tmp_path)
    token = CancelToken()
    seen = []

    def progress(p):
        seen.append(p.done)
        if p.done >= 5:
            token.cancel()

    cache = tmp_path / "c"
    params = InferenceParams((MosaicSpec(str(path)),), str(model), cache_dir=str(cache), chunk_px=96, batch_size=2)
    with pytest.raises(Cancelled):
        run_inference(params, progress=progress, cancel=token)
    assert max(seen) < 25  # stopped within the tiles already read ahead, not at the end (49 tiles)
    assert not list(cache.glob("prob_*.vrt"))  # no raster that looks complete
    done = list(cache.glob("prob_*/c*.tif"))
    assert done  # finished chunks stay, to resume from
    resumed = run_inference(params)
    assert resumed.stats.chunks_skipped == len(done)
    whole = run_inference(replace(params, cache_dir=str(tmp_path / "whole")))
    assert whole.stats.chunks_skipped == 0
    assert np.array_equal(_read(resumed.path)[0], _read(whole.path)[0], equal_nan=True)


def test_percentile_normalisation_uses_one_stretch_for_the_whole_mosaic(tmp_path):
    path, data = _mosaic(tmp_path, shape=(200, 200))
    model = _model(tmp_path, normalization={"kind": "percentile", "low": 2, "high": 98}, tile_size=64, overlap=16)
    res = run_inference(InferenceParams((MosaicSpec(str(path)),), str(model), cache_dir=str(tmp_path)))
    prob, _ = _read(res.path)
    refl = data / 10000.0
    lo = np.percentile(refl.reshape(4, -1), 2, axis=1)[:, None, None]
    hi = np.percentile(refl.reshape(4, -1), 98, axis=1)[:, None, None]
    expected = _expected(np.clip((refl - lo) / (hi - lo), 0, 1))
    assert np.abs(prob - expected).max() <= 0.5 / 250 + 1e-3  # percentiles come from the whole mosaic


def test_third_party_model_runs_from_a_sidecar_alone(tmp_path):
    # A model that knows nothing of this plugin: fixed 96×96 input, RGB order, ImageNet-style
    # mean/std on reflectance 0-1, softmax over three classes with "slump" second.
    rng = np.random.default_rng(7)
    w = rng.standard_normal((3, 3, 1, 1))
    model = conv_model(tmp_path / "third_party.onnx", w, np.zeros(3), fixed_size=96, batch=1, softmax=True)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    (tmp_path / "third_party.json").write_text(json.dumps({
        "bands": ["red", "green", "blue"], "value_domain": "reflectance",
        "normalization": {"kind": "meanstd", "mean": mean, "std": std}, "gsd_m": 3.0,
        "classes": ["background", "slump", "water"], "rts_class": 1, "activation": "none", "overlap": 16}))
    path, data = _mosaic(tmp_path, shape=(130, 150))  # 4-band B,G,R,N uint16
    res = run_inference(InferenceParams((MosaicSpec(str(path)),), str(model), cache_dir=str(tmp_path / "c"),
                                        batch_size=8))  # the fixed batch of 1 wins over the request
    prob, _ = _read(res.path)
    rgb = data[[2, 1, 0]] / 10000.0
    x = (rgb - np.array(mean)[:, None, None]) / np.array(std)[:, None, None]
    logits = np.tensordot(w[:, :, 0, 0], x, axes=([1], [0]))
    expected = np.exp(logits[1]) / np.exp(logits).sum(axis=0)
    assert np.abs(prob - expected).max() <= 0.5 / 250 + 1e-5


def test_supplied_auxiliary_layer_reaches_the_model(tmp_path):
    path, data = _mosaic(tmp_path, shape=(80, 80))
    dem = np.linspace(4500, 4700, 80 * 80, dtype=np.float32).reshape(1, 80, 80)
    dem_path = write_raster(tmp_path / "dem.tif", dem, nodata=None)
    w = np.array([1.0, 0.01]).reshape(1, 2, 1, 1)
    model = conv_model(tmp_path / "dem.onnx", w, np.array([-46.0]), sidecar={
        **BASIC, "bands": ["red", "dem"]})
    res = run_inference(InferenceParams((MosaicSpec(str(path)),), str(model), cache_dir=str(tmp_path / "c"),
                                        aux=(("dem", str(dem_path)),)))
    prob, _ = _read(res.path)
    expected = sigmoid(data[2] / 1e4 + 0.01 * dem[0] - 46.0)
    assert np.abs(prob - expected).max() <= 0.5 / 250 + 1e-5
    with pytest.raises(InputError, match="auxiliary 'dem' layer"):
        run_inference(InferenceParams((MosaicSpec(str(path)),), str(model), cache_dir=str(tmp_path / "d")))


def test_cache_keeps_the_most_recently_used_rasters_within_its_limit(tmp_path):
    import os
    import time as _time

    from thaw_slump_mapper.core.engine.inference import prune_cache

    cache = tmp_path / "c"
    cache.mkdir()
    now = _time.time()
    for i, name in enumerate(["prob_a.tif", "prob_b.tif", "prob_c.tif"]):
        f = cache / name
        f.write_bytes(b"x" * 400_000)
        os.utime(f, (now - 100 + i, now - 100 + i))  # a oldest, c newest
    stale = cache / "prob_d.tif.123.part"
    stale.write_bytes(b"x")
    os.utime(stale, (now - 2 * 86400, now - 2 * 86400))
    fresh = cache / "prob_e.tif.456.part"  # a run in progress right now
    fresh.write_bytes(b"x")
    removed = prune_cache(cache, limit_mb=1, keep=cache / "prob_c.tif")  # 1.2 MB held, 1 MB allowed
    assert sorted(p.name for p in removed) == ["prob_a.tif", "prob_d.tif.123.part"]
    assert sorted(p.name for p in cache.iterdir()) == ["prob_b.tif", "prob_c.tif", "prob_e.tif.456.part"]


def test_the_automatic_batch_follows_the_tile_size_and_feeds_every_openvino_request():
    from types import SimpleNamespace

    from thaw_slump_mapper.core.engine.inference import tiles_per_batch

    assert tiles_per_batch(7, 512) == 7  # asked for: as asked
    assert [tiles_per_batch(0, t) for t in (512, 384, 256, 128, 64)] == [1, 1, 4, 16, 16]
    two_requests = SimpleNamespace(requests=[object(), object()])
    assert tiles_per_batch(0, 512, two_requests) == 2 and tiles_per_batch(0, 256, two_requests) == 4
    gpu = SimpleNamespace(device="CUDA (torch)")
    assert tiles_per_batch(0, 512, gpu) == 4 and tiles_per_batch(0, 256, gpu) == 16
    assert InferenceParams((), "m.onnx").batch_size == 0
