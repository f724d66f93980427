"""Review thumbnails read a mosaic's bands as the run read them: a Sentinel-2 stack in R,G,B,N
order (math76) showed red and blue swapped when four bands were always taken as B,G,R,N."""

from __future__ import annotations

import numpy as np
from shapely.geometry import box
from tsm_testkit import ORIGIN, UTM, bare_soil_model, write_raster

from thaw_slump_mapper.core import cli
from thaw_slump_mapper.core.review.thumbnails import timelapse
from thaw_slump_mapper.core.store.candidates import run_band_maps


def _red_scene(tmp_path):
    """R,G,B,N order, reflectance: a red roof of a field (band 1 high), green and blue low."""
    data = np.empty((4, 80, 80), np.float32)
    data[0], data[1], data[2], data[3] = 0.30, 0.05, 0.02, 0.40
    data[0, 30:50, 30:50] = 0.35
    return write_raster(tmp_path / "s2_2021-07-01.tif", data)


def test_a_runs_band_map_gives_the_thumbnails_their_colours(tmp_path, capsys):
    path = _red_scene(tmp_path)
    geom = box(ORIGIN[0] + 90, ORIGIN[1] - 150, ORIGIN[0] + 150, ORIGIN[1] - 90)
    (default,) = timelapse([(str(path), "2021")], geom, UTM, size=32)
    rgb = default.rgb.reshape(-1, 3).mean(0)
    assert rgb[2] > rgb[0]  # taken as B,G,R,N: the red band shown as blue

    gpkg = tmp_path / "c.gpkg"
    rc = cli.main(["infer", "--mosaic", f"{path}@2021-07-01", "--mosaic", f"{path}@2022-07-01",
                   "--band-map", "red=1,green=2,blue=3,nir=4", "--model", str(bare_soil_model(tmp_path / "m.onnx")),
                   "--out", str(gpkg), "--cache", str(tmp_path / "cache"), "--quiet", "--min-area", "1"])
    assert rc == 0, capsys.readouterr().err
    maps = run_band_maps(gpkg)
    assert maps == {str(path.resolve()): {"red": 1, "green": 2, "blue": 3, "nir": 4}}
    (mapped,) = timelapse([(str(path), "2021")], geom, UTM, size=32, band_maps=maps)
    rgb = mapped.rgb.reshape(-1, 3).mean(0)
    assert rgb[0] > rgb[1] > rgb[2]  # red, then green, then blue: as the imagery is
