"""Inputs as they come from the field: multi-year mosaics whose footprints differ, NoData edges,
other CRSs, pixel sizes that are almost equal, grids that round to an extra row. Each case
asserts what the engine does with it (run on the rasterio the project pins)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.warp import Resampling, reproject
from tsm_testkit import BASIC, ORIGIN, conv_model, sigmoid, write_raster

from thaw_slump_mapper.core.engine import nodata
from thaw_slump_mapper.core.engine.inference import NODATA, InferenceParams, decode, run_inference
from thaw_slump_mapper.core.engine.raster import MosaicReader, MosaicSpec, inspect_mosaic, plan_grid
from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize

W = np.array([8.0, -6.0, 5.0, -2.0]).reshape(1, 4, 1, 1)
B = np.array([0.3])
TOL = 0.5 / 250 + 1e-6  # the probability raster's uint8 encoding


def _model(tmp_path, **changes):
    return conv_model(tmp_path / "m.onnx", W, B, sidecar={**BASIC, **changes})


def _expected(data):
    return sigmoid(np.tensordot(W[0, :, 0, 0], data / 10000.0, axes=([0], [0])) + B[0])


def _data(seed, shape=(120, 140)):
    return np.random.default_rng(seed).integers(1, 4000, (4, *shape)).astype(np.uint16)


def _run(tmp_path, *mosaics, **kw):
    specs = tuple(MosaicSpec(str(p), d) for p, d in mosaics)
    return run_inference(InferenceParams(specs, str(_model(tmp_path)), cache_dir=str(tmp_path / "c"), **kw))


def _bands(path):
    with rasterio.open(path) as src:
        return [decode(src.read(b)) for b in range(1, src.count + 1)], src.transform


def test_second_year_cropped_by_ten_pixels_reads_as_nodata_outside_its_footprint(tmp_path):
    # the reproduction of the issue: a 10-pixel offset crashed read_masks(fill_value=…) on rasterio 1.3
    a, b = _data(0), _data(1)
    first = write_raster(tmp_path / "y2019.tif", a)
    cropped = write_raster(tmp_path / "y2021.tif", b[:, :, 10:], origin=(ORIGIN[0] + 30.0, ORIGIN[1]))
    res = _run(tmp_path, (first, "2019"), (cropped, "2021"))
    (p19, p21, mean, _), _ = _bands(res.path)
    assert p21.shape == (120, 140)
    assert np.isnan(p21[:, :10]).all()
    assert np.abs(p21[:, 10:] - _expected(b[:, :, 10:])).max() <= TOL
    assert np.abs(p19 - _expected(a)).max() <= TOL
    assert np.abs(mean[:, :10] - p19[:, :10]).max() <= TOL  # one valid date: the mean is that date


def test_mosaics_that_only_partly_overlap_cover_their_union(tmp_path):
    a, b = _data(2, (100, 80)), _data(3, (100, 80))
    left = write_raster(tmp_path / "left_2019.tif", a)
    right = write_raster(tmp_path / "right_2021.tif", b, origin=(ORIGIN[0] + 50 * 3.0, ORIGIN[1] - 20 * 3.0))
    res = _run(tmp_path, (left, "2019"), (right, "2021"))
    (p19, p21, *_), transform = _bands(res.path)
    assert p19.shape == (120, 130) and transform.c == ORIGIN[0] and transform.f == ORIGIN[1]
    assert np.isfinite(p19[:100, :80]).all() and np.isnan(p19[100:, :]).all() and np.isnan(p19[:, 80:]).all()
    assert np.abs(p21[20:, 50:] - _expected(b)).max() <= TOL
    assert np.isnan(p21[:20, :]).all() and np.isnan(p21[:, :50]).all()


def test_mosaics_that_do_not_overlap_each_keep_their_own_footprint(tmp_path):
    a, b = _data(4, (40, 50)), _data(5, (40, 50))
    one = write_raster(tmp_path / "a_2019.tif", a)
    two = write_raster(tmp_path / "b_2021.tif", b, origin=(ORIGIN[0] + 300.0, ORIGIN[1]))
    res = _run(tmp_path, (one, "2019"), (two, "2021"))
    (p19, p21, *_), _ = _bands(res.path)
    assert p19.shape == (40, 150)
    assert np.abs(p19[:, :50] - _expected(a)).max() <= TOL and np.isnan(p19[:, 50:]).all()
    assert np.abs(p21[:, 100:] - _expected(b)).max() <= TOL and np.isnan(p21[:, :100]).all()


def test_another_crs_is_warped_onto_the_first_years_grid(tmp_path):
    yy, xx = np.mgrid[0:80, 0:80]
    a = np.stack([(1000 + 20 * xx + 10 * yy + 100 * k).astype(np.uint16) for k in range(4)])  # smooth
    first = write_raster(tmp_path / "a_2019.tif", a)
    # the same ground in the neighbouring UTM zone, a little larger: rotated, with empty corners
    src_transform = from_origin(*ORIGIN, 3.0, 3.0)
    left, _, right, top = rasterio.warp.transform_bounds(
        "EPSG:32646", "EPSG:32647", ORIGIN[0], ORIGIN[1] - 240, ORIGIN[0] + 240, ORIGIN[1])
    dst_transform = from_origin(left - 30, top + 30, 3.0, 3.0)
    size = int((right - left + 60) / 3.0)
    warped = np.zeros((4, size, size), np.uint16)
    reproject(a, warped, src_transform=src_transform, src_crs="EPSG:32646", dst_transform=dst_transform,
              dst_crs="EPSG:32647", resampling=Resampling.bilinear, src_nodata=0, dst_nodata=0)
    second = write_raster(tmp_path / "b_2021.tif", warped, crs="EPSG:32647",
                          origin=(dst_transform.c, dst_transform.f))
    with pytest.raises(Exception, match="line up"):
        _run(tmp_path, (first, "2019"), (second, "2021"))
    res = _run(tmp_path, (first, "2019"), (second, "2021"), allow_reproject=True)
    (p19, p21, *_), transform = _bands(res.path)
    assert transform.c < ORIGIN[0] and p19.shape[0] > 80  # the union of both footprints
    both = np.isfinite(p19) & np.isfinite(p21)
    assert both.sum() > 0.9 * 80 * 80
    assert np.abs(p21[both] - p19[both]).max() <= 0.05
    assert np.isnan(p19[~np.isfinite(p19)]).all() and not np.isfinite(p21).all()  # empty corners: NoData


def test_warped_mosaic_without_nodata_marks_the_area_beyond_its_extent_as_nodata(tmp_path):
    # a second-year raster in another CRS that covers only the west half of the first year's extent
    a = _data(7, (60, 60))
    first = write_raster(tmp_path / "a_2019.tif", a)
    small = _data(8, (60, 25))
    grid = plan_grid(None, [inspect_mosaic(MosaicSpec(str(first)))], 3.0)
    # force the warp path: a pixel size off by 1e-5 m cannot be read on the grid's own pixels
    off = write_raster(tmp_path / "w_off_2021.tif", small, res=3.00001, nodata=None)
    with MosaicReader(inspect_mosaic(MosaicSpec(str(off))), grid, [1, 2, 3, 4]) as reader:
        assert reader.resampled
        values, valid = reader.read(0, 0, 60, 60)
    assert valid[:, :24].all()
    assert not valid[:, 26:].any(), "beyond the raster's extent must be NoData, not zeros"
    assert (values[:, :, 26:] == 0).all()


def test_pixel_sizes_off_by_1e_5_are_warped_and_give_the_same_probabilities(tmp_path):
    a = _data(9, (64, 64))
    first = write_raster(tmp_path / "a_2019.tif", a)
    second = write_raster(tmp_path / "b_2021.tif", a, res=3.00003)
    res = _run(tmp_path, (first, "2019"), (second, "2021"))
    (p19, p21, *_), _ = _bands(res.path)
    # 3.00003 vs 3.0 drifts by 0.002 px over 64 px: bilinear resampling returns the same pixels
    assert np.nanmax(np.abs(p21[:, :60] - p19[:, :60])) <= 0.02


def test_nearly_square_pixels_are_accepted(tmp_path):
    data = _data(10, (30, 30))
    path = tmp_path / "survey.tif"
    with rasterio.open(path, "w", driver="GTiff", width=30, height=30, count=4, dtype="uint16", crs="EPSG:32646",
                       transform=rasterio.Affine(0.0199990, 0, 440000.0, 0, -0.0199993, 3860000.0)) as dst:
        dst.write(data)
    info = inspect_mosaic(MosaicSpec(str(path)))
    assert info.width == 30


def test_a_grid_rounded_to_an_extra_row_reads_that_row_as_nodata(tmp_path):
    # 0.02 m pixels far from the origin: the planned grid must not gain a row, and a read past
    # the raster's edge returns NoData rather than crashing
    data = np.random.default_rng(11).integers(1, 255, (3, 841, 37)).astype(np.uint8)
    path = write_raster(tmp_path / "drone.tif", data, res=0.02, origin=(612345.67, 7654321.09), nodata=None)
    info = inspect_mosaic(MosaicSpec(str(path)))
    grid = plan_grid(None, [info], 0.02)
    assert (grid.height, grid.width) == (841, 37)
    with MosaicReader(info, grid, [1, 2, 3]) as reader:
        values, valid = reader.read(830, 30, 20, 20)
    assert values.shape == (3, 20, 20)
    assert valid[:11, :7].all() and not valid[11:, :].any() and not valid[:, 7:].any()
    assert (values[:, :11, :7] == data[:, 830:, 30:]).all()


def test_decimated_read_of_a_partly_covered_window_lands_in_the_right_place(tmp_path):
    data = _data(12, (100, 100))
    path = write_raster(tmp_path / "m.tif", data)
    info = inspect_mosaic(MosaicSpec(str(path)))
    grid = plan_grid(None, [info], 3.0)
    with MosaicReader(info, grid, [1]) as reader:
        values, valid = reader.read(-100, 0, 200, 100, out_shape=(20, 10))
    assert not valid[:10].any() and valid[10:].all()
    for i in range(10):  # each output pixel is a pixel of its own 10×10 block of the source
        for j in range(10):
            assert values[0, 10 + i, j] in data[0, i * 10:(i + 1) * 10, j * 10:(j + 1) * 10]


# --- NoData that makes no edge -------------------------------------------------------------

def test_filled_nodata_continues_the_valid_pixels_without_a_step():
    yy, xx = np.mgrid[0:64, 0:64].astype(np.float32)
    x = np.stack([0.2 + 0.01 * xx, 0.5 + 0.005 * yy])  # a smooth landscape gradient
    valid = xx + yy < 70  # a scene edge: NoData wedge in one corner
    filled = nodata.fill(np.where(valid, x, -9999.0), valid)
    assert (filled[:, valid] == x[:, valid]).all()
    step_inside = np.abs(np.diff(x, axis=2)).max()
    across = np.abs(np.diff(filled, axis=2))[:, :, :][:, valid[:, 1:] != valid[:, :-1]]
    assert across.max() <= 4 * step_inside  # no jump where the NoData begins
    assert filled.min() > 0.1 and filled.max() < 1.0  # no extreme value leaks in


def test_fill_handles_all_valid_all_invalid_and_a_one_pixel_strip():
    x = np.ones((2, 1, 9), np.float32)
    valid = np.zeros((1, 9), bool)
    assert (nodata.fill(x, valid) == 0).all()
    valid[0, 4] = True
    x[:, 0, 4] = 0.7
    assert np.allclose(nodata.fill(x, valid), 0.7)
    assert nodata.fill(x, np.ones((1, 9), bool)) is x


def test_near_marks_the_margin_on_every_side():
    nd = np.zeros((40, 40), bool)
    nd[20, 20] = True
    zone = nodata.near(nd, 3)
    assert zone.sum() == 7 * 7 - 1 and not zone[20, 20] and zone[17, 23] and not zone[16, 20]
    assert not nodata.near(nd, 0).any()


EDGE_MODEL = {**BASIC, "bands": ["red"],
              "tile_size": 64, "overlap": 16, "threshold": 0.5, "min_area_m2": 0}


def _edge_model(tmp_path):
    """Fires on a step in brightness (a 3×3 Laplacian): the way a slump network reacts to a scene edge."""
    lap = np.array([[1, 1, 1], [1, -8, 1], [1, 1, 1]], np.float32).reshape(1, 1, 3, 3)
    return conv_model(tmp_path / "edge.onnx", -40.0 * lap, np.array([-4.0]), sidecar=EDGE_MODEL)


def test_the_model_never_sees_the_nodata_boundary_as_an_edge(tmp_path):
    yy, xx = np.mgrid[0:96, 0:96]
    red = (3000 + 3 * xx + 2 * yy).astype(np.uint16)  # bright landscape without edges
    red[xx > 70 - yy // 3] = 0  # NoData wedge like a scene footprint
    path = write_raster(tmp_path / "scene_2020.tif", np.stack([red] * 4))
    res = run_inference(InferenceParams((MosaicSpec(str(path), "2020"),), str(_edge_model(tmp_path)),
                                        cache_dir=str(tmp_path / "c")))
    (prob,), _ = _bands(res.path)
    boundary = nodata.near(red == 0, 2)
    boundary[[0, -1], :] = boundary[:, [0, -1]] = False  # the test model's own zero padding at the border
    assert np.isnan(prob[red == 0]).all()
    assert np.nanmax(prob[boundary]) < 0.5, "the NoData boundary looked like an edge to the model"
    found = vectorize(res.path, VectorizeParams(threshold=0.5, min_area_m2=0, nodata_margin_px=0)).candidates
    assert not [c for c in found if not c.attributes["touches_extent_edge"]]


BRIGHT = {**BASIC, "bands": ["red"],
          "tile_size": 64, "overlap": 16}


def _bright_model(tmp_path):
    return conv_model(tmp_path / "bright.onnx", np.array([40.0]).reshape(1, 1, 1, 1), np.array([-20.0]),
                      sidecar=BRIGHT)


def _scene_with_bright_patch(tmp_path, name, nodata_cols):
    red = np.full((80, 80), 2000, np.uint16)
    red[30:50, 20:60] = 8000  # a detection that reaches up to the NoData on the right
    red[:, nodata_cols] = 0
    return write_raster(tmp_path / name, np.stack([red] * 4))


def test_detections_within_the_nodata_margin_are_left_out(tmp_path):
    path = _scene_with_bright_patch(tmp_path, "s_2020.tif", slice(60, None))
    res = run_inference(InferenceParams((MosaicSpec(str(path), "2020"),), str(_bright_model(tmp_path)),
                                        cache_dir=str(tmp_path / "c")))
    kept = vectorize(res.path, VectorizeParams(min_area_m2=0, nodata_margin_px=10))
    everything = vectorize(res.path, VectorizeParams(min_area_m2=0, nodata_margin_px=0))
    (whole,) = everything.candidates
    (clipped,) = kept.candidates
    nodata_x = ORIGIN[0] + 60 * 3.0
    assert whole.geometry.bounds[2] == pytest.approx(nodata_x)
    assert clipped.geometry.bounds[2] == pytest.approx(nodata_x - 10 * 3.0)
    assert kept.near_nodata_m2 == pytest.approx(20 * 10 * 9.0)
    assert everything.near_nodata_m2 == 0


def test_a_detection_near_one_years_nodata_is_kept_when_another_year_sees_it_whole(tmp_path):
    edge_2019 = _scene_with_bright_patch(tmp_path, "s_2019.tif", slice(60, None))
    whole_2021 = _scene_with_bright_patch(tmp_path, "s_2021.tif", slice(0, 0))
    res = run_inference(InferenceParams((MosaicSpec(str(edge_2019), "2019"), MosaicSpec(str(whole_2021), "2021")),
                                        str(_bright_model(tmp_path)), cache_dir=str(tmp_path / "c")))
    mean = vectorize(res.path, VectorizeParams(min_area_m2=0, band="mean", nodata_margin_px=10))
    (cand,) = mean.candidates
    assert cand.geometry.area == pytest.approx(20 * 40 * 9.0)
    assert mean.near_nodata_m2 == 0
    only_2019 = vectorize(res.path, VectorizeParams(min_area_m2=0, band="2019", nodata_margin_px=10))
    assert only_2019.near_nodata_m2 == pytest.approx(20 * 10 * 9.0)


def test_a_negative_margin_is_refused(tmp_path):
    from thaw_slump_mapper.core.errors import InputError

    with pytest.raises(InputError, match="margin"):
        vectorize(tmp_path / "none.tif", VectorizeParams(nodata_margin_px=-1))


def test_nodata_in_the_probability_raster_matches_the_input(tmp_path):
    path = _scene_with_bright_patch(tmp_path, "s_2020.tif", slice(70, None))
    res = run_inference(InferenceParams((MosaicSpec(str(path), "2020"),), str(_bright_model(tmp_path)),
                                        cache_dir=str(tmp_path / "c")))
    with rasterio.open(res.path) as src:
        raw = src.read(1)
    assert (raw[:, 70:] == NODATA).all() and (raw[:, :70] != NODATA).all()


# --- band roles and value domains from the raster itself ------------------------------------

RGB_MODEL = {**BASIC, "bands": ["red", "green", "blue"]}
W_RGB = np.array([3.0, -2.0, 1.0]).reshape(1, 3, 1, 1)


def _rgb_expected(r, g, b, scale):
    return sigmoid(3.0 * r / scale - 2.0 * g / scale + 1.0 * b / scale)


def test_rgba_uses_its_colour_interpretation_and_alpha(tmp_path):
    rng = np.random.default_rng(20)
    r, g, b = (rng.integers(1, 255, (40, 40)).astype(np.uint8) for _ in range(3))
    alpha = np.full((40, 40), 255, np.uint8)
    alpha[:, 30:] = 0  # transparent edge
    path = tmp_path / "rgba_2020.tif"
    with rasterio.open(path, "w", driver="GTiff", width=40, height=40, count=4, dtype="uint8", crs="EPSG:32646",
                       transform=from_origin(*ORIGIN, 3.0, 3.0), photometric="RGB", alpha="YES") as dst:
        dst.write(np.stack([r, g, b, alpha]))
    info = inspect_mosaic(MosaicSpec(str(path)))
    assert info.band_map == {"red": 1, "green": 2, "blue": 3}  # not B,G,R,N
    model = conv_model(tmp_path / "rgb.onnx", W_RGB, np.zeros(1), sidecar=RGB_MODEL)
    res = run_inference(InferenceParams((MosaicSpec(str(path), "2020"),), str(model), cache_dir=str(tmp_path / "c")))
    (prob,), _ = _bands(res.path)
    assert np.abs(prob[:, :30] - _rgb_expected(r, g, b, 255.0)[:, :30]).max() <= TOL
    assert np.isnan(prob[:, 30:]).all()  # alpha 0 is NoData


def test_float_rgb_in_0_255_is_read_as_8_bit_values_not_reflectance(tmp_path):
    from thaw_slump_mapper.core.engine.fit import describe_mosaic

    rng = np.random.default_rng(21)
    rgb = rng.uniform(0, 255, (3, 40, 40)).astype(np.float32)
    path = write_raster(tmp_path / "tile_2020.tif", rgb, nodata=float("-inf"))
    info = inspect_mosaic(MosaicSpec(str(path)))
    assert info.domain == "uint8"
    assert "0-255 values (float)" in describe_mosaic(info)
    model = conv_model(tmp_path / "rgb.onnx", W_RGB, np.zeros(1), sidecar=RGB_MODEL)
    res = run_inference(InferenceParams((MosaicSpec(str(path), "2020", (("red", 1), ("green", 2), ("blue", 3))),),
                                        str(model), cache_dir=str(tmp_path / "c")))
    (prob,), _ = _bands(res.path)
    assert np.abs(prob - _rgb_expected(*rgb, 255.0)).max() <= TOL


@pytest.mark.parametrize(("values", "dtype", "words"), [
    (14550, "uint16", "above 10 000"),
    (120, "uint16", "never exceed 255"),
    (37.0, "float32", None),  # 0-255 floats: a domain of their own, nothing to doubt
])
def test_values_that_do_not_fit_their_domain_are_said_in_plain_words(tmp_path, values, dtype, words):
    data = (np.random.default_rng(22).normal(values, values * 0.05, (4, 40, 40))).clip(1, None).astype(dtype)
    info = inspect_mosaic(MosaicSpec(str(write_raster(tmp_path / "m_2020.tif", data))))
    if words is None:
        assert not info.warnings
    else:
        assert any(words in w for w in info.warnings), info.warnings


def test_cli_prints_the_doubts_before_running(tmp_path, capsys):
    from thaw_slump_mapper.core.cli import main

    data = np.random.default_rng(23).normal(14550, 500, (4, 40, 40)).astype(np.uint16)
    path = write_raster(tmp_path / "dn.tif", data)
    assert main(["infer", "--mosaic", str(path), "--model", str(_model(tmp_path)), "--out",
                 str(tmp_path / "c.gpkg"), "--cache", str(tmp_path / "c"), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "warning: dn.tif: the median of band" in err and "has no date" in err


RTS_TILES = Path(__file__).resolve().parents[3] / "shared" / "data" / "rts_tiles_2m"


@pytest.mark.skipif(not RTS_TILES.is_dir(), reason="../shared/data is not beside the project")
def test_real_rts_tiles_are_read_as_0_255_values_with_their_mask_band_named(tmp_path):
    from thaw_slump_mapper.core.engine.fit import fit_findings
    from thaw_slump_mapper.core.engine.models import load_model

    rgb = load_model(str(Path(__file__).resolve().parents[2] / "models" / "tsm_starter" / "tsm_starter.onnx"),
                     "cpu").spec
    nir = load_model(str(_model(tmp_path)), "cpu").spec  # blue, green, red, nir
    tiles = sorted(RTS_TILES.glob("*.tif"))
    assert len(tiles) == 16
    for tile in tiles:
        info = inspect_mosaic(MosaicSpec(str(tile)))
        assert info.domain == "uint8" and info.dtype == "float32" and 4 in info.binary_bands
        # band 4 is a 0/1 mask: said when a model would read it as NIR, not when it reads R,G,B only
        assert any("band 4" in m and "looks like a mask" in m for _, m in fit_findings(nir, info))
        assert not any("looks like a mask" in m for _, m in fit_findings(rgb, info))
    # the RGB bands the starter model reads run through the engine without a crash
    res = run_inference(InferenceParams((MosaicSpec(str(tiles[0]), "2020", (("red", 1), ("green", 2),
                                                                              ("blue", 3))),),
                                        str(Path(__file__).resolve().parents[2] / "models" / "tsm_starter" /
                                            "tsm_starter.onnx"), cache_dir=str(tmp_path / "c")))
    (prob,), _ = _bands(res.path)
    assert np.isfinite(prob).mean() > 0.5
