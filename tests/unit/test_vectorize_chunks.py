"""Vectorising in windows: the same candidates, ids, attributes and outlines whatever the window
size, for a GeoTIFF and for a VRT of chunks."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
import rasterio
from osgeo import gdal
from rasterio.windows import Window
from shapely.geometry import Point, Polygon
from tsm_testkit import ORIGIN, UTM

from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize
from thaw_slump_mapper.core.errors import InputError

DATES = ("2019", "2021")
W = 64  # the window of the chunked runs: seams at rows/cols 64, 128, 192


def _write(path, dates_values: list[np.ndarray]) -> str:
    """A probability GeoTIFF as run_inference writes it: dates, then mean and max (uint8 ×250,
    255 = NoData, where every date is NoData for mean/max)."""
    stack = np.stack(dates_values).astype(np.float64)
    nodata = stack == 255
    seen = np.maximum((~nodata).sum(0), 1)
    mean = np.where(nodata.all(0), 255, np.rint(np.where(nodata, 0, stack).sum(0) / seen)).astype(np.uint8)
    mx = np.where(nodata.all(0), 255, np.where(nodata, 0, stack).max(0)).astype(np.uint8)
    bands = np.stack([*dates_values, mean, mx])
    h, w = bands.shape[1:]
    with rasterio.open(path, "w", driver="GTiff", width=w, height=h, count=len(bands), dtype="uint8", nodata=255,
                       crs=UTM, transform=rasterio.transform.from_origin(*ORIGIN, 3, 3), tiled=True,
                       blockxsize=32, blockysize=32) as dst:
        dst.write(bands)
        for i, name in enumerate([*DATES, "mean", "max"], start=1):
            dst.set_band_description(i, name)
        dst.update_tags(TSM_DATES=json.dumps(list(DATES)), TSM_MODEL=json.dumps({"name": "t", "version": "1"}))
    return str(path)


def _scene() -> list[np.ndarray]:
    a = np.zeros((230, 250), np.uint8)
    a[50:80, 40:100] = 200  # across a vertical and a horizontal seam
    a[60, 70] = 250
    a[110:150, 110:150] = 180  # over the window corner (128, 128)
    a[128:140, 140:148] = 0  # with a hole cut by a seam
    a[20:40, 150:230] = 160  # a ring around an island, both crossing the seam at col 192
    a[24:36, 158:222] = 0
    a[26:34, 185:200] = 220
    a[160:192, 10:64] = 210  # meets the next block only at a corner: (191, 63) and (192, 64)
    a[192:220, 64:100] = 210
    a[170:180, 100:128] = 190  # diagonal-only across the seam at col 128, away from a corner
    a[180:190, 128:150] = 190
    a[90:128, 200:204] = 230  # a U: arms in window row 1, joined only in window row 2
    a[90:128, 230:234] = 230
    a[128:134, 200:234] = 230
    a[0:10, 0:90] = 170  # on the raster's edge, across a seam
    for i in range(40):  # a one-pixel diagonal staircase over many seams (8-connected only)
        a[150 + i // 2, 160 + i] = 240
    b = a.copy()
    a[:, 240:] = 255  # 2019 misses the east edge: the margin clips what touches it there
    a[200:230, 180:250] = 255
    b[200:230, 200:250] = 255  # 2021 misses the south-east corner as well
    a[140:180, 234:240] = 200  # in 2019 only, next to its NoData
    return [a, b]


def _assert_same(one, many) -> None:
    assert len(one.candidates) == len(many.candidates) > 0
    assert one.near_nodata_m2 == pytest.approx(many.near_nodata_m2, abs=1e-9)
    for a, b in zip(one.candidates, many.candidates):
        assert a.attributes["candidate_id"] == b.attributes["candidate_id"]
        for key, value in a.attributes.items():
            if isinstance(value, float):
                assert b.attributes[key] == pytest.approx(value, abs=1e-9), key
            else:
                assert b.attributes[key] == value, key
        assert isinstance(b.geometry, Polygon) and b.geometry.is_valid
        assert a.geometry.symmetric_difference(b.geometry).area < 1e-9
        assert len(a.geometry.exterior.coords) == len(b.geometry.exterior.coords)  # no seam vertices left


@pytest.mark.parametrize("params", [
    VectorizeParams(0.5, 0, band="mean", nodata_margin_px=5),
    VectorizeParams(0.5, 0, band="2019", fill_holes=False, nodata_margin_px=3),
    VectorizeParams(0.6, 300, band="max", simplify_m=4.0, nodata_margin_px=0),
])
def test_windows_give_the_single_pass_result(tmp_path, params):
    path = _write(tmp_path / "p.tif", _scene())
    one = vectorize(path, replace(params, chunk_px=4096))
    for chunk in (W, 37):
        _assert_same(one, vectorize(path, replace(params, chunk_px=chunk)))


def _at(result, row: int, col: int) -> list:
    centre = Point(ORIGIN[0] + (col + 0.5) * 3, ORIGIN[1] - (row + 0.5) * 3)
    return [c for c in result.candidates if c.geometry.contains(centre)]


def test_seam_crossing_blobs_are_one_candidate_with_exact_attributes(tmp_path):
    path = _write(tmp_path / "p.tif", _scene())
    result = vectorize(path, VectorizeParams(0.5, 0, nodata_margin_px=5, chunk_px=W))
    (rect,) = _at(result, 60, 70)
    assert rect.geometry.area == 30 * 60 * 9 and len(rect.geometry.exterior.coords) == 5
    assert rect.attributes["max_prob"] == 1.0
    assert rect.attributes["mean_prob"] == pytest.approx((1799 * 200 + 250) / 1800 / 250)
    assert rect.attributes["dates_detected"] == "2019,2021" and rect.attributes["nodata_frac"] == 0
    (corner,) = _at(result, 115, 115)
    assert corner.geometry.area == 40 * 40 * 9 and not corner.geometry.interiors  # its hole filled
    (ring,) = _at(result, 22, 160)
    assert ring.geometry.area == 20 * 80 * 9  # filled: the island inside is a candidate of its own
    (island,) = [c for c in _at(result, 30, 190) if c is not ring]
    assert island.geometry.area == 8 * 15 * 9 and island.attributes["mean_prob"] == pytest.approx(220 / 250)
    assert ring.attributes["max_prob"] == pytest.approx(220 / 250)  # the filled ring covers the island
    (u,) = _at(result, 95, 201)
    assert _at(result, 95, 231) == [u] and u.geometry.area == (2 * 38 * 4 + 6 * 34) * 9
    (edge,) = _at(result, 5, 80)
    assert edge.attributes["touches_extent_edge"] and not rect.attributes["touches_extent_edge"]
    assert not _at(result, 160, 237)  # in 2019 only, where the mean stays below the threshold
    only_2019 = vectorize(path, VectorizeParams(0.5, 0, band="2019", nodata_margin_px=5, chunk_px=W))
    (strip,) = _at(only_2019, 160, 234)  # its 4 px nearer than 5 px to 2019's NoData are left out
    assert strip.geometry.area == 40 * 1 * 9 and only_2019.near_nodata_m2 == 40 * 5 * 9


def test_diagonal_touches_across_seams_make_one_valid_polygon(tmp_path):
    path = _write(tmp_path / "p.tif", _scene())
    result = vectorize(path, VectorizeParams(0.5, 0, nodata_margin_px=5, chunk_px=W))
    bridge = 0.125 * 9  # a ½×½ px square on the shared corner adds its two empty quarters
    for (r1, c1), (r2, c2), pixels, bridges in [((170, 20), (200, 80), 32 * 54 + 28 * 36, 1),
                                                ((175, 110), (185, 140), 10 * 28 + 10 * 22, 1),
                                                ((150, 160), (169, 199), 40, 19)]:
        (first,) = _at(result, r1, c1)
        assert _at(result, r2, c2) == [first]
        assert isinstance(first.geometry, Polygon) and first.geometry.is_valid
        assert first.geometry.area == pytest.approx(pixels * 9 + bridges * bridge)


def test_a_vrt_of_chunks_gives_the_geotiff_result(tmp_path):
    tif = _write(tmp_path / "p.tif", _scene())
    parts = []
    with rasterio.open(tif) as src:  # uneven chunks, as the engine might write them
        for i, (r0, r1) in enumerate([(0, 100), (100, 230)]):
            for j, (c0, c1) in enumerate([(0, 70), (70, 250)]):
                window = Window.from_slices((r0, r1), (c0, c1))
                profile = {**src.profile, "width": c1 - c0, "height": r1 - r0,
                           "transform": src.window_transform(window), "tiled": False}
                parts.append(str(tmp_path / f"chunk_{i}_{j}.tif"))
                with rasterio.open(parts[-1], "w", **profile) as dst:
                    dst.write(src.read(window=window))
        tags, names = src.tags(), src.descriptions
    vrt_path = str(tmp_path / "prob.vrt")
    vrt = gdal.BuildVRT(vrt_path, parts)
    vrt.SetMetadata(tags)
    for i, name in enumerate(names, start=1):
        vrt.GetRasterBand(i).SetDescription(name)
    vrt = None  # written on close
    params = VectorizeParams(0.5, 0, nodata_margin_px=5)
    _assert_same(vectorize(tif, replace(params, chunk_px=4096)), vectorize(vrt_path, replace(params, chunk_px=W)))


def test_window_size_must_be_positive(tmp_path):
    path = _write(tmp_path / "p.tif", _scene())
    with pytest.raises(InputError, match="window size"):
        vectorize(path, VectorizeParams(chunk_px=0))


def test_pieces_touching_at_pixel_corners_are_bridged_there_and_nowhere_else():
    # random masks: every 8-connected component made of several 4-connected pieces comes back as one
    # valid polygon whose area is its pixels plus 1/8 px per diagonal touch found in the raster
    import shapely
    from rasterio import features
    from scipy import ndimage
    from shapely.geometry import MultiPolygon, Polygon, shape

    from thaw_slump_mapper.core.engine.vectorize import _bridge

    rng = np.random.default_rng(3)
    checked = 0
    for _ in range(40):
        mask = (rng.random((30, 30)) < 0.4).astype(np.uint8)
        pieces = [shape(g) for g, v in features.shapes(mask, mask=mask > 0, connectivity=4) if v == 1]
        labels, n = ndimage.label(mask, structure=np.ones((3, 3)))
        for comp in range(1, n + 1):
            own = labels == comp
            parts = [p for p in pieces if own[int(p.representative_point().y), int(p.representative_point().x)]]
            geom = shapely.union_all(parts)
            if not isinstance(geom, MultiPolygon):
                continue
            # diagonal touches between two different 4-connected pieces (a piece may touch itself)
            four, _ = ndimage.label(own)
            a, b, c, d = own[:-1, :-1], own[:-1, 1:], own[1:, :-1], own[1:, 1:]
            la, lb, lc, ld = four[:-1, :-1], four[:-1, 1:], four[1:, :-1], four[1:, 1:]
            corners = int(((a & d & ~b & ~c & (la != ld)) | (b & c & ~a & ~d & (lb != lc))).sum())
            out = _bridge(list(geom.geoms))
            assert isinstance(out, Polygon) and out.is_valid
            assert out.area == pytest.approx(own.sum() + corners / 8)
            checked += 1
    assert checked > 50
