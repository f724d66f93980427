"""Two reviewers, one set of training labels (issue 26 point 3): the candidate, its training
layer and the chips follow the AGREED verdict — the latest adjudication, else the verdict every
reviewer gave, else none ('unsure', out of training) — and a blind second review never
overwrites the first reviewer's details. Before, everything followed whoever decided last (163 of
250 shared candidates disagreed; the layers ended A 217 / B 33 in one run, A 82 / B 168 in another)."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from thaw_slump_mapper.core.review.decisions import disputed, record_decision, undo_decision
from thaw_slump_mapper.core.store.candidates import read_candidates


@pytest.fixture
def gpkg(tmp_path):
    from test_candidates import _write

    v = np.zeros((80, 80), np.uint8)
    v[10:20, 10:20] = 200
    v[40:50, 40:50] = 220
    path = tmp_path / "cand.gpkg"
    _write(tmp_path, v, path)
    return path


def _ids(path):
    return [r[0] for r in sqlite3.connect(path).execute("SELECT candidate_id FROM candidates ORDER BY fid")]


def _state(path, cid):
    with sqlite3.connect(path) as conn:
        status, reviewer, confidence = conn.execute(
            "SELECT status, reviewer, confidence FROM candidates WHERE candidate_id=?", (cid,)).fetchone()
        pos = conn.execute("SELECT count(*) FROM positives WHERE candidate_id=?", (cid,)).fetchone()[0]
        neg = conn.execute("SELECT count(*) FROM negatives WHERE candidate_id=?", (cid,)).fetchone()[0]
    return status, reviewer, confidence, ("positive" if pos else "negative" if neg else None)


def test_a_blind_second_review_that_disagrees_leaves_the_candidate_out_of_training(gpkg):
    a, _ = _ids(gpkg)
    record_decision(gpkg, a, "accepted", "Ana", confidence="high")
    assert _state(gpkg, a) == ("accepted", "Ana", "high", "positive")
    record_decision(gpkg, a, "rejected", "Bo", reject_reason="water")  # blind: Bo did not see Ana's verdict
    assert _state(gpkg, a) == ("unsure", "Ana", "high", None)  # before: ("rejected", "Bo", None, "negative")
    assert disputed(gpkg) == [a]
    assert next(r for r in read_candidates(gpkg) if r["candidate_id"] == a)["reject_reason"] is None

    # an adjudicator settles it; a later change of mind by a reviewer does not undo that
    record_decision(gpkg, a, "accepted", "Chen", confidence="medium", adjudicate=True)
    assert _state(gpkg, a) == ("accepted", "Chen", "medium", "positive") and disputed(gpkg) == []
    record_decision(gpkg, a, "rejected", "Ana", reject_reason="other")
    assert _state(gpkg, a)[0] == "accepted" and _state(gpkg, a)[3] == "positive"


def test_agreement_keeps_the_first_reviewers_details_and_a_reviewer_may_change_their_mind(gpkg):
    a, b = _ids(gpkg)
    record_decision(gpkg, a, "accepted", "Ana", confidence="high")
    record_decision(gpkg, a, "accepted", "Bo", confidence="low")
    assert _state(gpkg, a) == ("accepted", "Ana", "high", "positive")
    record_decision(gpkg, b, "accepted", "Ana")
    record_decision(gpkg, b, "rejected", "Ana", reject_reason="water")  # alone: her own latest verdict
    assert _state(gpkg, b) == ("rejected", "Ana", None, "negative")


def test_undoing_the_second_review_gives_back_the_first_verdict(gpkg):
    a, _ = _ids(gpkg)
    record_decision(gpkg, a, "accepted", "Ana", confidence="high")
    second = record_decision(gpkg, a, "rejected", "Bo", reject_reason="water")
    assert _state(gpkg, a)[0] == "unsure"
    undo_decision(gpkg, second)
    assert _state(gpkg, a) == ("accepted", "Ana", "high", "positive") and disputed(gpkg) == []


def test_disputed_candidates_give_no_training_chip(gpkg, tmp_path):
    """The statuses export_chips and the inventory read: a disputed one is neither slump nor negative."""
    a, b = _ids(gpkg)
    record_decision(gpkg, a, "accepted", "Ana")
    record_decision(gpkg, b, "rejected", "Ana", reject_reason="water")
    record_decision(gpkg, b, "accepted", "Bo")
    statuses = {r["candidate_id"]: r["status"] for r in read_candidates(gpkg)}
    assert statuses == {a: "accepted", b: "unsure"}
    with sqlite3.connect(gpkg) as conn:
        assert conn.execute("SELECT count(*) FROM negatives").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM positives").fetchone()[0] == 1
