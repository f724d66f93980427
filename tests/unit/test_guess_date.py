"""Dates guessed from mosaic names (issue 27: a tile named with a UUID got the date 2050)."""

from __future__ import annotations

import pytest

from thaw_slump_mapper.core.engine.raster import best_date, guess_date


@pytest.mark.parametrize("name", ["3f2050ab-9c1e-4d2b-8a20-7e3d2050c1f4.tif", "tile_a3f2050b.tif", "e2050f1a.tif",
                                  "mosaic_2050.tif", "clip_2099_07_01.tif"])
def test_uuids_hex_ids_and_future_years_are_no_dates(name):
    assert guess_date(name) == ""


@pytest.mark.parametrize(("name", "date"), [
    ("planet_2016", "2016"), ("20160909_213104_0e19_3B_AnalyticMS_SR_clip.tif", "2016-09-09"),
    ("mosaic_2021.tif", "2021"), ("2020-07-15 mosaic", "2020-07-15"), ("mosaic2019.tif", "2019"),
    ("L15-1234E-5678N_2019.tif", "2019"), ("3f2050ab-9c1e-4d2b-8a20-7e3d2050c1f4_2018.tif", "2018"),
])
def test_real_dates_are_still_found(name, date):
    assert guess_date(name) == date


def test_best_date_prefers_the_full_date_of_the_same_year():
    assert best_date("planet_2016", "/d/20160909_213104_0e19_3B_AnalyticMS_SR_clip.tif") == "2016-09-09"


def test_a_letter_after_the_year_keeps_it():
    assert guess_date("planet_2019b.tif") == "2019"
