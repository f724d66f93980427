"""Cloud, shadow and snow masks per mosaic (PlanetScope UDM and UDM2): masked pixels are NoData."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio
from tsm_testkit import BASIC, ORIGIN, conv_model, write_raster

from thaw_slump_mapper.core.engine.inference import NODATA, InferenceParams, run_inference
from thaw_slump_mapper.core.engine.masks import inspect_mask
from thaw_slump_mapper.core.engine.raster import Extent, MosaicSpec
from thaw_slump_mapper.core.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
DEERING = ROOT.parent / "shared" / "data" / "planetscope_deering"
W = np.array([8.0, -6.0, 5.0, -2.0]).reshape(1, 4, 1, 1)


def _run(tmp_path, mosaic, mask="", **kw):
    model = conv_model(tmp_path / "m.onnx", W, np.array([0.3]), sidecar=BASIC)
    res = run_inference(InferenceParams((MosaicSpec(str(mosaic), "2020", mask=str(mask)),), str(model),
                                        cache_dir=str(tmp_path / "c"), **kw))
    with rasterio.open(res.path) as src:
        return src.read(1), res


def _mosaic(tmp_path, shape=(60, 70)):
    data = np.random.default_rng(0).integers(1, 4000, (4, *shape)).astype(np.uint16)
    return write_raster(tmp_path / "m_2020.tif", data)


def test_udm_bit_flags_mask_clouds_and_suspect_bands(tmp_path):
    mosaic = _mosaic(tmp_path)
    udm = np.zeros((1, 60, 70), np.uint8)
    udm[0, 10:20, 10:30] = 0b10  # cloud
    udm[0, 40:45, :] = 0b100  # blue band missing or suspect
    prob, _ = _run(tmp_path, mosaic, write_raster(tmp_path / "udm.tif", udm, nodata=None))
    flagged = udm[0] != 0
    assert (prob[flagged] == NODATA).all() and (prob[~flagged] != NODATA).all()


def test_udm2_masks_cloud_shadow_snow_and_heavy_haze_but_not_light_haze(tmp_path):
    mosaic = _mosaic(tmp_path)
    udm2 = np.zeros((8, 60, 70), np.uint8)
    udm2[0] = 1  # clear
    for band, rows in ((2, slice(0, 5)), (3, slice(5, 10)), (5, slice(10, 15)), (6, slice(15, 20))):
        udm2[band - 1, rows, :] = 1
        udm2[0, rows, :] = 0
    udm2[3, 30:40, :] = 1  # light haze: slumps stay visible through it
    prob, _ = _run(tmp_path, mosaic, write_raster(tmp_path / "udm2.tif", udm2, nodata=None))
    assert (prob[:20] == NODATA).all()
    assert (prob[20:] != NODATA).all()


def test_a_zero_one_mask_with_nodata_zero_still_keeps_its_clear_pixels(tmp_path):
    # nodata=0 on a mask is common; 0 still means clear, it must not mask everything
    mosaic = _mosaic(tmp_path)
    mask = np.zeros((1, 60, 70), np.uint8)
    mask[0, :, 50:] = 1
    prob, _ = _run(tmp_path, mosaic, write_raster(tmp_path / "cloud.tif", mask, nodata=0))
    assert (prob[:, 50:] == NODATA).all() and (prob[:, :50] != NODATA).all()


def test_a_coarser_mask_on_another_grid_is_resampled_by_nearest_neighbour(tmp_path):
    mosaic = _mosaic(tmp_path)
    mask = np.zeros((1, 20, 24), np.uint8)  # 9 m pixels over the same corner, not the mosaic's grid
    mask[0, :, 12:] = 2
    path = write_raster(tmp_path / "coarse_udm.tif", mask, res=9.0, origin=(ORIGIN[0] - 4.5, ORIGIN[1]),
                        nodata=None)
    prob, _ = _run(tmp_path, mosaic, path)
    # the flagged half starts at x = ORIGIN - 4.5 m + 12 × 9 m, i.e. at mosaic column 34.5
    assert (prob[:, 35:] == NODATA).all() and (prob[:, :34] != NODATA).all()


def test_pixels_the_mask_does_not_cover_count_as_masked(tmp_path):
    mosaic = _mosaic(tmp_path)
    small = np.zeros((1, 60, 40), np.uint8)
    prob, _ = _run(tmp_path, mosaic, write_raster(tmp_path / "part.tif", small, nodata=None))
    assert (prob[:, 40:] == NODATA).all() and (prob[:, :40] != NODATA).all()


def test_a_mask_changes_the_cache_key(tmp_path):
    mosaic = _mosaic(tmp_path)
    mask = np.zeros((1, 60, 70), np.uint8)
    _, plain = _run(tmp_path, mosaic)
    _, masked = _run(tmp_path, mosaic, write_raster(tmp_path / "udm.tif", mask, nodata=None))
    assert plain.path != masked.path and not masked.cached
    assert masked.mosaics[0]["mask"]["path"].endswith("udm.tif")


@pytest.mark.parametrize(("bands", "message"), [(4, "has 4 bands"), (3, "has 3 bands")])
def test_imagery_given_as_a_mask_is_refused(tmp_path, bands, message):
    path = write_raster(tmp_path / "img.tif", np.ones((bands, 5, 5), np.uint16))
    with pytest.raises(InputError, match=message):
        inspect_mask(str(path))


def test_a_missing_mask_is_refused_before_anything_runs(tmp_path):
    mosaic = _mosaic(tmp_path)
    with pytest.raises(InputError, match="does not exist"):
        _run(tmp_path, mosaic, tmp_path / "nope.tif")
    assert not (tmp_path / "c").exists() or not list((tmp_path / "c").glob("prob_*.vrt"))


def _tsm(*args, cwd):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "tsm.py"), *args], capture_output=True,
                          text=True, cwd=cwd)


def test_cli_wants_one_mask_per_mosaic_and_names_a_bad_one(tmp_path):
    mosaic = _mosaic(tmp_path)
    model = conv_model(tmp_path / "m.onnx", W, np.array([0.3]), sidecar=BASIC)
    out = tmp_path / "c.gpkg"
    two = _tsm("infer", "--mosaic", str(mosaic), "--mask", "a.tif", "--mask", "b.tif", "--model", str(model),
               "--out", str(out), cwd=tmp_path)
    assert two.returncode != 0 and "one --mask per --mosaic" in two.stderr and "Traceback" not in two.stderr
    bad = _tsm("infer", "--mosaic", str(mosaic), "--mask", str(mosaic), "--model", str(model), "--out", str(out),
               cwd=tmp_path)
    assert bad.returncode != 0 and "has 4 bands" in bad.stderr and "Traceback" not in bad.stderr
    assert not out.exists()


def test_cli_mask_reaches_the_run(tmp_path):
    mosaic = _mosaic(tmp_path)
    udm = np.zeros((1, 60, 70), np.uint8)
    udm[0, :30] = 2
    mask = write_raster(tmp_path / "udm.tif", udm, nodata=None)
    model = conv_model(tmp_path / "m.onnx", W, np.array([0.3]), sidecar=BASIC)
    done = _tsm("infer", "--mosaic", f"{mosaic}@2020", "--mask", str(mask), "--model", str(model), "--out",
                str(tmp_path / "c.gpkg"), "--cache", str(tmp_path / "cache"), "--quiet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (prob,) = list((tmp_path / "cache").glob("prob_*.vrt"))
    with rasterio.open(prob) as src:
        values = src.read(1)
    assert (values[:30] == NODATA).all() and (values[30:] != NODATA).all()


@pytest.mark.skipif(not DEERING.is_dir(), reason="../shared/data is not beside the project")
def test_real_planetscope_udm_masks_exactly_what_it_flags(tmp_path):
    # a real file handled (not an accuracy check): a corner of the scene edge, UDM and SR together
    (sr,) = DEERING.glob("*_SR_clip.tif")
    (udm,) = DEERING.glob("*_udm_clip.tif")
    assert inspect_mask(str(udm)).kind == "flags"
    extent = Extent(598998.0, 7330000.0, 600000.0, 7330900.0, "EPSG:32603")
    prob, res = _run(tmp_path, sr, udm, extent=extent)
    t = res.grid.transform
    with rasterio.open(udm) as src:
        window = rasterio.windows.from_bounds(t.c, t.f + t.e * res.grid.height, t.c + t.a * res.grid.width, t.f,
                                              src.transform)
        flags = src.read(1, window=window.round_offsets().round_lengths())
    assert flags.shape == prob.shape
    assert 0 < (flags != 0).mean() < 1
    assert ((prob == NODATA) == (flags != 0)).all()


def test_find_udm_prefers_the_scenes_udm2_and_ignores_other_scenes(tmp_path):
    from thaw_slump_mapper.core.engine.masks import find_udm

    sid = "20160909_213104_0e19"
    sr = tmp_path / f"{sid}_3B_AnalyticMS_SR_clip.tif"
    for name in (sr.name, f"{sid}_3B_AnalyticMS_DN_udm_clip.tif", "20160909_213104_0e20_3B_udm2_clip.tif",
                 f"{sid}_metadata.json"):
        (tmp_path / name).write_bytes(b"")
    assert find_udm(str(sr)).endswith(f"{sid}_3B_AnalyticMS_DN_udm_clip.tif")
    (tmp_path / f"{sid}_3B_udm2_clip.tif").write_bytes(b"")
    assert find_udm(str(sr)).endswith(f"{sid}_3B_udm2_clip.tif")
    assert find_udm(str(tmp_path / "mosaic_2019.tif")) == ""
    # PlanetScope's newer ids carry a two-digit satellite slot
    other = tmp_path / "20220701_183512_56_2461_3B_AnalyticMS_SR_8b_clip.tif"
    other.write_bytes(b"")
    (tmp_path / "20220701_183512_56_2461_3B_udm2_clip.tif").write_bytes(b"")
    assert find_udm(str(other)).endswith("20220701_183512_56_2461_3B_udm2_clip.tif")
