"""Change over time (core.change, `tsm change`): per-date areas, not-observed dates, growth rate and
first date seen of a slump that grows by a known amount, through `tsm infer` as a user runs it;
and the bad inputs, each refused in one line with the file unchanged."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import numpy as np
import pytest
from tsm_testkit import bare_soil_model, write_raster

from thaw_slump_mapper.core import cli
from thaw_slump_mapper.core.change.growth import decimal_year, summarise, theil_sen
from thaw_slump_mapper.core.store.candidate_dates import read_candidate_dates
from thaw_slump_mapper.core.store.candidates import read_candidates

SIZE = 120
# date → slump width in pixels (20 px high, 3 m pixels): 3,600 m² growing by 1,800 m² a year
GROWTH = {"2019-07-01": 20, "2020-07-01": 30, "2021-07-01": 40, "2022-07-01": 50}
HIDDEN = "2020-08-15"  # a cloud masked over the slump: not observed


def _scene(folder, width: int | None, hide: bool = False):
    """Tundra (NDVI 0.78) with a bare scar (NDVI 0.05) ``width`` px wide; ``hide``: NoData over it."""
    data = np.empty((4, SIZE, SIZE), np.float32)
    data[0], data[1], data[2], data[3] = 0.03, 0.06, 0.05, 0.40
    if width:
        data[2, 50:70, 30:30 + width], data[3, 50:70, 30:30 + width] = 0.20, 0.22
    if hide:
        data[:, 40:80, 20:100] = 0  # the rasters' NoData
    return data


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    return bare_soil_model(tmp_path_factory.mktemp("model") / "bare.onnx")


def _mosaics(folder, dates: dict[str, int], hidden: str | None = None) -> list[str]:
    out = []
    for date, width in dates.items():
        path = write_raster(folder / f"m_{date}.tif", _scene(folder, width))
        out.append(f"{path}@{date}")
    if hidden:
        path = write_raster(folder / f"m_{hidden}.tif", _scene(folder, 30, hide=True))
        out.append(f"{path}@{hidden}")
    return out


def _infer(tmp_path, model, mosaics: list[str], name: str = "c.gpkg") -> tuple[int, str]:
    gpkg = tmp_path / name
    argv = ["infer", "--model", str(model), "--out", str(gpkg), "--cache", str(tmp_path / "cache"),
            "--nodata-margin", "0", "--quiet"]
    for m in mosaics:
        argv += ["--mosaic", m]
    return cli.main(argv), gpkg


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_multi_date_run_measures_each_date_and_the_growth(tmp_path, model, capsys):
    # dates given out of time order: measures come back in time order all the same
    mosaics = _mosaics(tmp_path, GROWTH, HIDDEN)
    rc, gpkg = _infer(tmp_path, model, list(reversed(mosaics)))
    assert rc == 0, capsys.readouterr().err
    assert "change over 5 dates measured" in capsys.readouterr().out
    (cand,) = read_candidates(gpkg)
    rows = read_candidate_dates(gpkg, cand["candidate_id"])
    assert [r["date"] for r in rows] == ["2019-07-01", "2020-07-01", HIDDEN, "2021-07-01", "2022-07-01"]
    hidden = rows[2]
    assert hidden["observed"] is False and hidden["area_m2"] is None  # never an area of 0
    seen = [r for r in rows if r["observed"]]
    for r in seen:  # within one pixel column of the drawn scar (blending softens the edges)
        assert abs(r["area_m2"] - GROWTH[r["date"]] * 20 * 9) <= 20 * 9 + 1, r
        assert r["geometry"] is not None and abs(r["geometry"].area - r["area_m2"]) < 1
    # the footprint is the union of the dates: the last, widest outline is measured in full
    assert seen[-1]["area_m2"] > cand["area_m2"]
    assert cand["growth_m2_per_yr"] == pytest.approx(1800, rel=0.1)
    assert cand["first_date_seen"] == "2019-07-01"
    assert cand["area_first_m2"] == seen[0]["area_m2"] and cand["area_last_m2"] == seen[-1]["area_m2"]
    assert cand["dates_observed"] == 4

    # measured again (tsm change) at another threshold: rows replaced, not added
    assert cli.main(["change", str(gpkg), "--threshold", "0.5", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["measured"] == 1 and summary["dates"][0] == "2019-07-01"
    assert len(read_candidate_dates(gpkg)) == 5
    assert {r["threshold"] for r in read_candidate_dates(gpkg)} == {0.5}


def test_a_slump_that_appears_later_is_first_seen_then(tmp_path, model, capsys):
    rc, gpkg = _infer(tmp_path, model, _mosaics(tmp_path, {"2019-07-01": 0, "2020-07-01": 0, "2021-07-01": 40,
                                                           "2022-07-01": 50}))
    assert rc == 0, capsys.readouterr().err
    (cand,) = read_candidates(gpkg)
    rows = read_candidate_dates(gpkg, cand["candidate_id"])
    assert [r["area_m2"] for r in rows[:2]] == [0.0, 0.0] and all(r["observed"] for r in rows)
    assert cand["first_date_seen"] == "2021-07-01"


def test_growth_is_robust_to_a_wrong_date():
    years = [2019.5, 2020.5, 2021.5, 2022.5, 2023.5]
    areas = [1000.0, 2000.0, 3000.0, 40.0, 5000.0]  # one date half under cloud the mask missed
    assert theil_sen(years, areas) == pytest.approx(1000.0)
    growth = summarise([("2021", 3000.0), ("2019", 1000.0), ("2020", None), ("2022", 4000.0)], min_area_m2=500)
    assert growth.first_date_seen == "2019" and growth.dates_observed == 3
    assert growth.area_first_m2 == 1000.0 and growth.area_last_m2 == 4000.0
    assert growth.growth_m2_per_yr == pytest.approx(1000.0)  # the unobserved 2020 is no point of the line
    assert decimal_year("2020-07-01#2") == pytest.approx(decimal_year("2020-07-01"))
    assert decimal_year("2021") == 2021.5 and decimal_year("scene-a") is None
    assert summarise([("2021", 100.0)]).growth_m2_per_yr is None


@pytest.mark.parametrize("case", ["one_date", "prob_deleted", "no_dates", "no_run", "bad_threshold", "zero_threshold"])
def test_bad_inputs_give_one_line_and_change_nothing(tmp_path, model, capsys, case):
    if case == "one_date":
        rc, gpkg = _infer(tmp_path, model, _mosaics(tmp_path, {"2021-07-01": 40}))
        # the file's only run has one date: nothing to compare
    elif case == "no_dates":
        # scenes named without a date (the run warns and labels them by file name)
        mosaics = [str(write_raster(tmp_path / f"{name}.tif", _scene(tmp_path, w)))
                   for name, w in (("north", 40), ("south", 50))]
        rc, gpkg = _infer(tmp_path, model, mosaics)
        assert "change over time not measured" in capsys.readouterr().out  # the run itself succeeds
    else:
        rc, gpkg = _infer(tmp_path, model, _mosaics(tmp_path, {"2021-07-01": 40, "2022-07-01": 50}))
    assert rc == 0
    if case == "prob_deleted":
        prob = sqlite3.connect(gpkg).execute("SELECT probability_raster FROM runs").fetchone()[0]
        for chunk in (tmp_path / "cache").glob("prob_*"):
            if chunk.is_dir():
                for f in chunk.iterdir():
                    f.unlink()
                chunk.rmdir()
            else:
                chunk.unlink()
        assert prob
    if case == "no_run":
        with sqlite3.connect(gpkg) as conn:
            conn.execute("UPDATE runs SET dates = '[\"2021-07-01\"]'")
    capsys.readouterr()
    before = _digest(gpkg)
    extra = {"bad_threshold": ["--threshold", "1.5"],  # 0 was taken as "the default"
             "zero_threshold": ["--threshold", "0"]}.get(case, [])
    argv = ["change", str(gpkg), *extra]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "unexpected" not in err, err
    expected = {"one_date": "no run over two or more dates", "prob_deleted": "are gone",
                "no_dates": "name no date", "no_run": "no run over two or more dates",
                "bad_threshold": "outside (0, 1)", "zero_threshold": "outside (0, 1)"}[case]
    assert expected in err, err
    assert _digest(gpkg) == before


def test_a_raster_of_one_date_given_with_prob_is_refused(tmp_path, model, capsys):
    rc, gpkg = _infer(tmp_path, model, _mosaics(tmp_path, {"2021-07-01": 40}))
    assert rc == 0
    prob = sqlite3.connect(gpkg).execute("SELECT probability_raster FROM runs").fetchone()[0]
    before = _digest(gpkg)
    capsys.readouterr()
    assert cli.main(["change", str(gpkg), "--prob", prob]) == 1
    err = capsys.readouterr().err
    assert "holds one date (2021-07-01)" in err and "--mosaic PATH@DATE" in err
    assert _digest(gpkg) == before


def test_the_inventory_carries_the_growth_and_every_dates_outline(tmp_path, model, capsys):
    from thaw_slump_mapper.core.review.decisions import record_decision
    from thaw_slump_mapper.core.review.inventory import export_inventory

    rc, gpkg = _infer(tmp_path, model, _mosaics(tmp_path, GROWTH, HIDDEN))
    assert rc == 0, capsys.readouterr().err
    (cand,) = read_candidates(gpkg)
    record_decision(gpkg, cand["candidate_id"], "accepted", "ana")
    out = tmp_path / "inventory.gpkg"
    assert export_inventory(gpkg, out) == 1
    with sqlite3.connect(out) as conn:
        row = conn.execute("SELECT first_date_seen, first_date_seen_by, growth_m2_per_yr, area_first_m2, "
                           "dates_observed FROM rts_inventory").fetchone()
        dates = conn.execute("SELECT date, observed, area_m2, geom IS NOT NULL FROM rts_dates ORDER BY date").fetchall()
    assert row == ("2019-07-01", "model", cand["growth_m2_per_yr"], cand["area_first_m2"], 4)
    assert [d[0] for d in dates] == sorted([*GROWTH, HIDDEN])
    assert [(d[1], d[3]) for d in dates if d[0] == HIDDEN] == [(0, 0)]  # hidden: no area, no outline
    assert all(d[1] == 1 and d[3] == 1 and d[2] > 0 for d in dates if d[0] != HIDDEN)

    # the reviewer's first date wins over the model's, which stays in the candidates file
    with sqlite3.connect(gpkg) as conn:
        conn.execute("UPDATE candidates SET first_date_seen_reviewer = '2018-08-01'")
    export_inventory(gpkg, out, overwrite=True)
    with sqlite3.connect(out) as conn:
        assert conn.execute("SELECT first_date_seen, first_date_seen_by FROM rts_inventory").fetchone() == \
            ("2018-08-01", "reviewer")
    assert read_candidates(gpkg)[0]["first_date_seen"] == "2019-07-01"


def test_many_dates_shrink_the_chunks_so_memory_stays_that_of_four(tmp_path, model, capsys):
    from thaw_slump_mapper.core.engine.chunks import CHUNK_PX, chunk_side

    assert chunk_side(CHUNK_PX, 1) == chunk_side(CHUNK_PX, 4) == CHUNK_PX
    for dates in (5, 12, 48):  # accumulators: dates × side² no larger than four dates at full size
        assert dates * chunk_side(CHUNK_PX, dates) ** 2 <= 4 * CHUNK_PX ** 2
    assert chunk_side(CHUNK_PX, 10_000) == 256
    dates = {f"{2000 + i}-07-01": 20 + 2 * i for i in range(9)}
    rc, gpkg = _infer(tmp_path, model, _mosaics(tmp_path, dates))
    assert rc == 0, capsys.readouterr().err
    (run_json,) = (tmp_path / "cache").glob("prob_*/run.json")
    assert json.loads(run_json.read_text())["chunk_px"] == chunk_side(CHUNK_PX, 9) < CHUNK_PX
    assert len(read_candidate_dates(gpkg)) == 9


def test_a_warning_true_of_every_date_is_said_once(tmp_path, model, capsys):
    mosaics = [f"{write_raster(tmp_path / f'm{i}.tif', _scene(tmp_path, 20 + 5 * i), res=6.0)}@{2019 + i}-07-01"
               for i in range(3)]
    rc, _ = _infer(tmp_path, model, mosaics)
    err = capsys.readouterr().err
    assert rc == 0 and err.count("will be resampled to the model's 3 m") == 1, err
