"""The reviewer's first date seen: its own column, the model's date untouched, one transaction."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from thaw_slump_mapper.core.errors import InputError
from thaw_slump_mapper.core.review.first_seen import set_first_seen
from thaw_slump_mapper.core.store.candidates import read_candidates


def _candidate(tmp_path):
    from test_candidates import _write  # a real candidates GeoPackage

    v = np.zeros((60, 60), np.uint8)
    v[10:20, 10:20] = 200
    gpkg = tmp_path / "cand.gpkg"
    _write(tmp_path, v, gpkg)
    conn = sqlite3.connect(gpkg)
    conn.execute("UPDATE candidates SET first_date_seen = '2019-06-07'")  # the model's word
    conn.commit()
    conn.close()
    return gpkg, read_candidates(gpkg)[0]["candidate_id"]


def test_the_correction_goes_to_its_own_column_and_can_be_taken_back(tmp_path):
    gpkg, cid = _candidate(tmp_path)
    assert set_first_seen(gpkg, cid, "2020-07-31") is None
    row = read_candidates(gpkg)[0]
    assert (row["first_date_seen"], row["first_date_seen_reviewer"]) == ("2019-06-07", "2020-07-31")
    assert set_first_seen(gpkg, cid, None) == "2020-07-31"  # back to the model's date
    row = read_candidates(gpkg)[0]
    assert (row["first_date_seen"], row["first_date_seen_reviewer"]) == ("2019-06-07", None)


def test_a_file_without_the_column_gains_it(tmp_path):
    gpkg, cid = _candidate(tmp_path)
    conn = sqlite3.connect(gpkg)
    conn.execute("ALTER TABLE candidates DROP COLUMN first_date_seen_reviewer")  # a file of an earlier version
    conn.commit()
    conn.close()
    set_first_seen(gpkg, cid, "2021")
    assert read_candidates(gpkg)[0]["first_date_seen_reviewer"] == "2021"


def test_refuses_what_is_no_date_or_no_candidate_and_writes_nothing(tmp_path):
    gpkg, cid = _candidate(tmp_path)
    before = gpkg.read_bytes()
    with pytest.raises(InputError, match="is not a date"):
        set_first_seen(gpkg, cid, "north")
    with pytest.raises(InputError, match="No candidate nope"):
        set_first_seen(gpkg, "nope", "2020")
    assert gpkg.read_bytes() == before
