"""Chunks: the same probabilities whatever the chunk size, a study area skips tiles outside it,
and a run killed with SIGKILL resumes to the output of an uninterrupted run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import rasterio
from shapely.geometry import box
from tsm_testkit import BASIC, conv_model, write_raster

from thaw_slump_mapper.core.engine.aoi import from_geometries, read_aoi
from thaw_slump_mapper.core.engine.chunks import ChunkLayout
from thaw_slump_mapper.core.engine.inference import InferenceParams, decode, run_inference
from thaw_slump_mapper.core.engine.models import load_model
from thaw_slump_mapper.core.engine.raster import MosaicSpec
from thaw_slump_mapper.core.engine.tiling import tiled_predict
from thaw_slump_mapper.core.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("size, tile, overlap, chunk_px", [(3000, 256, 64, 2048), (5000, 512, 64, 700),
                                                          (300, 256, 64, 100), (200, 256, 64, 2048),
                                                          (1000, 64, 16, 100)])
def test_chunks_cover_the_grid_and_a_tile_reaches_only_its_chunk_and_the_next(size, tile, overlap, chunk_px):
    layout = ChunkLayout(size, size + 37, tile, overlap, chunk_px)
    for axis in (layout.rows, layout.cols):
        assert axis.bounds[0] == 0 and axis.bounds[-1] == axis.length and list(axis.bounds) == sorted(set(axis.bounds))
        for i, (first, _end) in enumerate(axis.spans):
            own = axis.owner(i)
            assert axis.bounds[own] <= first < axis.bounds[own + 1]  # a tile belongs where its weight begins
            assert set(axis.reach[i]) <= {own, own + 1}
        for c in range(axis.chunks):
            assert axis.tiles_of(c) == [i for i, (a, b) in enumerate(axis.spans)
                                        if a < axis.bounds[c + 1] and b > axis.bounds[c]]


def _scene(tmp_path, shape=(300, 340), dates=2):
    rng = np.random.default_rng(5)
    paths = []
    for d in range(dates):
        data = rng.integers(1, 4000, (4, *shape)).astype(np.uint16)
        data[:, :40, :60] = 0  # a NoData corner, different per date below
        if d:
            data[:, -30:, 100:] = 0
        paths.append(MosaicSpec(str(write_raster(tmp_path / f"m_{2019 + d}.tif", data)), str(2019 + d)))
    # 3×3 convolution: each output pixel depends on its neighbours, so seams would show
    weights = rng.standard_normal((1, 4, 3, 3)) * 2
    model = conv_model(tmp_path / "conv3.onnx", weights, np.array([0.1]),
                       sidecar={**BASIC, "tile_size": 64, "overlap": 16})
    return tuple(paths), model


def _bands(path):
    with rasterio.open(path) as src:
        return src.read()


def test_chunk_size_does_not_change_a_single_pixel(tmp_path):
    mosaics, model = _scene(tmp_path)
    one = run_inference(InferenceParams(mosaics, str(model), cache_dir=str(tmp_path / "one"), chunk_px=100000))
    many = run_inference(InferenceParams(mosaics, str(model), cache_dir=str(tmp_path / "many"), chunk_px=70,
                                         batch_size=3, read_threads=2))
    assert len(list((tmp_path / "one").glob("prob_*/c*.tif"))) == 1
    assert len(list((tmp_path / "many").glob("prob_*/c*.tif"))) >= 16
    assert many.stats.tiles_recomputed == 0  # the neighbours' crops were used
    a, b = _bands(one.path), _bands(many.path)
    assert a.shape == (4, 300, 340) and np.array_equal(a, b)


def test_chunked_output_equals_the_one_pass_strip_blender(tmp_path):
    mosaics, model = _scene(tmp_path, dates=1)
    res = run_inference(InferenceParams(mosaics, str(model), cache_dir=str(tmp_path / "c"), chunk_px=70))
    loaded = load_model(model)
    with rasterio.open(mosaics[0].path) as src:
        values = src.read().astype(np.float32)
    valid = (values != 0).all(axis=0)
    x = values * 1e-4  # the sidecar's scale normalisation
    ref = np.full(valid.shape, np.nan, np.float32)

    def read(r, c, h, w):
        v = valid[r:r + h, c:c + w]
        return (x[:, r:r + h, c:c + w], v) if v.any() else None

    def flush(row0, prob, _w):
        ref[row0:row0 + prob.shape[0]] = prob

    # inputs without NoData filling, so compare only tiles whose pixels are all valid
    tiled_predict(read, loaded.predict, 300, 340, 64, 16, flush)
    got = decode(_bands(res.path)[0])
    inside = valid.copy()
    inside[:72, :92] = False  # the NoData corner and the tiles touching it (filled inputs differ)
    assert np.abs(got[inside] - ref[inside]).max() <= 0.5 / 250 + 1e-6


def test_a_study_area_skips_the_tiles_outside_it(tmp_path):
    mosaics, model = _scene(tmp_path, dates=1)
    with rasterio.open(mosaics[0].path) as src:
        t = src.transform
    # an L-shaped area: the top-left 120×120 px and a strip along the bottom
    x0, y0 = t.c, t.f
    area = box(x0, y0 - 120 * 3, x0 + 120 * 3, y0).union(box(x0, y0 - 300 * 3, x0 + 340 * 3, y0 - 260 * 3))
    aoi = from_geometries([area], "EPSG:32646", "area.gpkg")
    full = run_inference(InferenceParams(mosaics, str(model), cache_dir=str(tmp_path / "a")))
    res = run_inference(InferenceParams(mosaics, str(model), cache_dir=str(tmp_path / "b"), aoi=aoi, chunk_px=70))
    assert res.tiles_total < full.tiles_total and res.tiles_run < full.tiles_run
    got = _bands(res.path)[0]
    assert got.shape == (300, 340)  # the area's bounds
    assert (got[165:238, 165:] == 255).all()  # no tile touches the area there: NoData
    assert (got[245:300, 150:300] != 255).all() and (got[60:120, 80:120] != 255).all()
    ref = _bands(full.path)[0]
    assert np.array_equal(got[60:120, 80:120], ref[60:120, 80:120])  # inside, the same values


def test_area_files_are_read_with_their_crs(tmp_path):
    from osgeo import ogr, osr

    path = tmp_path / "area.gpkg"
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    layer = ds.CreateLayer("area", srs, ogr.wkbPolygon)
    feat = ogr.Feature(layer.GetLayerDefn())
    feat.SetGeometry(ogr.CreateGeometryFromWkt("POLYGON ((92 34.8, 92.1 34.8, 92.1 34.9, 92 34.9, 92 34.8))"))
    layer.CreateFeature(feat)
    ds = None
    aoi = read_aoi(path)
    ext = aoi.extent()
    assert (round(ext.xmin, 6), round(ext.ymax, 6)) == (92.0, 34.9)  # longitude first, whatever GDAL's axis order
    with pytest.raises(InputError, match="does not exist"):
        read_aoi(tmp_path / "none.gpkg")
    (tmp_path / "notes.gpkg").write_text("not a geopackage")
    with pytest.raises(InputError, match=r"cannot be read|holds no vector layer"):
        read_aoi(tmp_path / "notes.gpkg")


KILLER = textwrap.dedent("""
    import glob, os, signal, sys, time
    sys.path.insert(0, {scripts!r})
    from _bootstrap import register_package
    register_package()
    from thaw_slump_mapper.core.engine import models
    from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
    from thaw_slump_mapper.core.engine.raster import MosaicSpec

    calls = [0]
    real = models.LoadedModel.predict

    def predict(self, batch):
        calls[0] += 1
        if calls[0] == {kill_after}:
            t0 = time.monotonic()  # the writing thread runs behind: wait for its first chunk files
            while len(glob.glob({cache!r} + "/prob_*/c*.tif")) < 3 and time.monotonic() - t0 < 60:
                time.sleep(0.01)
            os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no finally: as a crash or kill -9
        return real(self, batch)

    models.LoadedModel.predict = predict
    mosaics = tuple(MosaicSpec(p, d) for p, d in {mosaics!r})
    run_inference(InferenceParams(mosaics, {model!r}, cache_dir={cache!r}, chunk_px=70, batch_size=2))
""")


def test_a_run_killed_with_sigkill_resumes_to_the_uninterrupted_output(tmp_path):
    mosaics, model = _scene(tmp_path)
    cache = tmp_path / "cache"
    script = tmp_path / "killed.py"
    script.write_text(KILLER.format(scripts=str(ROOT / "scripts"), kill_after=20, model=str(model), cache=str(cache),
                                    mosaics=[(m.path, m.date) for m in mosaics]))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": ""})
    assert proc.returncode == -9, proc.stderr[-2000:]
    done = list(cache.glob("prob_*/c*.tif"))
    assert done and not list(cache.glob("prob_*.vrt"))  # some chunks on disk, no raster yet
    params = InferenceParams(mosaics, str(model), cache_dir=str(cache), chunk_px=70, batch_size=2)
    resumed = run_inference(params)
    assert resumed.stats.chunks_skipped == len(done) and resumed.stats.tiles_recomputed == 0  # crops from disk
    whole = run_inference(replace(params, cache_dir=str(tmp_path / "whole")))
    assert np.array_equal(_bands(resumed.path), _bands(whole.path))
    # the resumed run leaves no temporary file of its own; the killed writer's are swept as stale
    from thaw_slump_mapper.core.outputs import PART_PREFIX, sweep_stale_parts

    parts = list(cache.glob(f"prob_*/{PART_PREFIX}*"))
    assert not [p for p in parts if p.name.startswith(f"{PART_PREFIX}{os.getpid()}-")]
    for folder in {p.parent for p in parts}:
        sweep_stale_parts(folder, idle_s=0)
    assert not list(cache.glob(f"prob_*/{PART_PREFIX}*"))


@pytest.mark.parametrize("border, mode", [("zeros", "constant"), ("edge", "edge"), ("reflect", "reflect")])
def test_a_grid_smaller_than_a_tile_is_padded_as_the_model_description_says(tmp_path, border, mode):
    data = np.random.default_rng(3).integers(1, 4000, (4, 40, 50)).astype(np.uint16)
    path = write_raster(tmp_path / "small.tif", data)
    weights = np.random.default_rng(4).standard_normal((1, 4, 3, 3)) * 2
    model = conv_model(tmp_path / "c3.onnx", weights, np.array([0.1]),
                       sidecar={**BASIC, "tile_size": 64, "overlap": 16, "border": border})
    res = run_inference(InferenceParams((MosaicSpec(str(path)),), str(model), cache_dir=str(tmp_path / "c")))
    x = np.pad(data.astype(np.float32) * 1e-4, ((0, 0), (0, 24), (0, 14)), mode=mode)
    expected = load_model(model).predict(x[None])[0, :40, :50]
    assert np.abs(decode(_bands(res.path)[0]) - expected).max() <= 0.5 / 250 + 1e-6


def test_many_dates_keep_the_models_batch_and_write_one_band_after_another(tmp_path, monkeypatch):
    """Nine dates: the model never sees more than batch_size images at once (a tile brings all
    nine), the chunk files are band-interleaved (a read of the mean decompresses only the mean),
    and the probabilities equal those of the same run in one big chunk."""
    from thaw_slump_mapper.core.engine import models

    mosaics, model = _scene(tmp_path, shape=(160, 150), dates=9)
    one = run_inference(InferenceParams(mosaics, str(model), cache_dir=str(tmp_path / "one"), chunk_px=100000))
    sizes: list[int] = []
    real = models.LoadedModel.predict

    def predict(self, batch):
        sizes.append(len(batch))
        return real(self, batch)

    monkeypatch.setattr(models.LoadedModel, "predict", predict)
    many = run_inference(InferenceParams(mosaics, str(model), cache_dir=str(tmp_path / "many"), batch_size=3))
    assert sizes and max(sizes) <= 3 and sum(sizes) == 9 * many.tiles_run
    for chunk in (tmp_path / "many").glob("prob_*/c*.tif"):
        with rasterio.open(chunk) as src:
            assert src.count == 11 and src.interleaving.name.upper() == "BAND"
    assert np.array_equal(_bands(one.path), _bands(many.path))


def test_each_date_blends_alone_when_another_date_is_nodata_over_whole_tiles(tmp_path):
    # the second date is NoData over the left half: tiles there have a prediction for the first date
    # only, and the blending buffers reused from tile to tile must not carry a value into the second
    rng = np.random.default_rng(8)
    data = [rng.integers(1, 4000, (4, 200, 260)).astype(np.uint16) for _ in range(2)]
    data[1][:, :, :150] = 0
    mosaics = tuple(MosaicSpec(str(write_raster(tmp_path / f"m_{2019 + d}.tif", data[d])), str(2019 + d))
                    for d in range(2))
    model = conv_model(tmp_path / "conv3.onnx", rng.standard_normal((1, 4, 3, 3)) * 2, np.array([0.1]),
                       sidecar={**BASIC, "tile_size": 64, "overlap": 16})
    both = _bands(run_inference(InferenceParams(mosaics, str(model), cache_dir=str(tmp_path / "b"),
                                                chunk_px=100)).path)
    for d in range(2):
        alone = _bands(run_inference(InferenceParams(mosaics[d:d + 1], str(model),
                                                     cache_dir=str(tmp_path / f"a{d}"), chunk_px=100)).path)
        assert np.array_equal(both[d], alone[0])
    assert (both[1][:, :100] == 255).all() and (both[1][:, 200:] != 255).all()


def test_encode_scales_rounds_clips_and_marks_unseen_pixels():
    from thaw_slump_mapper.core.engine.pipeline import NODATA, encode

    prob = np.array([[0.0, 0.5, 1.0, np.nan], [-0.2, 1.3, 0.0021, np.inf]], np.float32)
    assert encode(prob).tolist() == [[0, 125, 250, NODATA], [0, 250, 1, NODATA]]
