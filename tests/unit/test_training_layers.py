"""Decisions feed positive and hard-negative layers with ARTS fields; several reviewers; κ;
and nothing committed is ever lost when the reviewing process is killed."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from thaw_slump_mapper.core.review.decisions import cohen_kappa, record_decision, reviewer_statuses, reviewers
from thaw_slump_mapper.core.store.training_layers import ArtsContext, arts_uid, base_map_date

ROOT = Path(__file__).resolve().parents[2]


def test_arts_uid_reproduces_the_published_example():
    # the first feature shown in whrc/ARTS's README
    assert arts_uid(71.89659414, -120.66907384, "Banks Island, Inuvik Region, Canada",
                    "TLantz, University of Victoria", "2020-07-05,2020-08-20", "PlanetScope", 3.0,
                    "Positive") == "6aff1955-71f5-5fa5-97d1-d9e006e4ec5c"


def test_base_map_date_from_mosaic_dates():
    assert base_map_date("2019,2020,2021") == "2019-01-01,2021-12-31"
    assert base_map_date("2020-07-05,2020-08-20") == "2020-07-05,2020-08-20"
    assert base_map_date("2020-07-05") == "2020-07-05"


@pytest.fixture
def gpkg(tmp_path):
    from test_candidates import _write

    v = np.zeros((80, 80), np.uint8)
    v[10:20, 10:20] = 200
    v[40:50, 40:50] = 220
    v[60:70, 5:15] = 180
    path = tmp_path / "cand.gpkg"
    _write(tmp_path, v, path)
    return path


def _ids(path):
    return [r[0] for r in sqlite3.connect(path).execute("SELECT candidate_id FROM candidates ORDER BY fid")]


def _layer(path, name):
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return [dict(r) for r in conn.execute(f'SELECT * FROM "{name}"')]


def test_accept_reject_unsure_move_the_candidate_between_training_layers(gpkg):
    a, b, _ = _ids(gpkg)
    context = ArtsContext(region_name="Beiluhe, Qinghai-Tibet Plateau", creator_lab="Test lab")
    record_decision(gpkg, a, "accepted", "Xia", confidence="high", context=context)
    record_decision(gpkg, b, "rejected", "Xia", reject_reason="water", context=context)
    (pos,) = _layer(gpkg, "positives")
    (neg,) = _layer(gpkg, "negatives")
    assert pos["candidate_id"] == a and pos["TrainClass"] == "Positive" and pos["LabelType"] == "Polygon"
    assert pos["RegionName"] == "Beiluhe, Qinghai-Tibet Plateau" and pos["CreatorLab"] == "Test lab"
    assert 30 < pos["CentroidLat"] < 40 and 85 < pos["CentroidLon"] < 100
    assert pos["BaseMapDate"] == "2020-01-01,2020-12-31" and pos["BaseMapResolution"] == 3.0
    assert pos["UID"] == arts_uid(pos["CentroidLat"], pos["CentroidLon"], pos["RegionName"], pos["CreatorLab"],
                                  pos["BaseMapDate"], "PlanetScope", 3.0, "Positive")
    assert neg["TrainClass"] == "Negative" and neg["reject_reason"] == "water"
    record_decision(gpkg, a, "rejected", "Xia", reject_reason="bare_rock", context=context)  # changed mind
    assert _layer(gpkg, "positives") == [] and len(_layer(gpkg, "negatives")) == 2
    record_decision(gpkg, b, "unsure", "Xia", context=context)
    assert [r["candidate_id"] for r in _layer(gpkg, "negatives")] == [a]


def test_every_reviewers_verdicts_are_kept_and_kappa_is_right(gpkg):
    a, b, c = _ids(gpkg)
    for cid, status in ((a, "accepted"), (b, "rejected"), (c, "accepted")):
        record_decision(gpkg, cid, status, "Huang", reject_reason="water" if status == "rejected" else None)
    for cid, status in ((a, "accepted"), (b, "accepted"), (c, "accepted")):
        record_decision(gpkg, cid, status, "Xia")
    assert reviewers(gpkg) == ["Huang", "Xia"]
    huang, xia = reviewer_statuses(gpkg, "Huang"), reviewer_statuses(gpkg, "Xia")
    assert huang == {a: "accepted", b: "rejected", c: "accepted"} and xia[b] == "accepted"
    kappa, disagreements = cohen_kappa(huang, xia)
    # observed 2/3; expected = P(acc)·P(acc) + P(rej)·P(rej) = (2/3)(3/3) + (1/3)(0) = 2/3 → κ = 0
    assert kappa == pytest.approx(0.0) and disagreements == [b]
    assert cohen_kappa(huang, huang) == (1.0, [])


def test_decision_without_reviewer_is_refused(gpkg):
    from thaw_slump_mapper.core.errors import InputError

    with pytest.raises(InputError, match="reviewer"):
        record_decision(gpkg, _ids(gpkg)[0], "accepted", " ")


WORKER = r"""
import sys, time
sys.path.insert(0, SCRIPTS)
from _bootstrap import register_package; register_package()
from thaw_slump_mapper.core.review.decisions import record_decision
ids = IDS
i = 0
while True:
    cid = ids[i % len(ids)]
    status = ("accepted", "rejected", "unsure")[i % 3]
    record_decision(GPKG, cid, status, f"r{i}", reject_reason="water" if status == "rejected" else None)
    print(f"{i} {cid} {status}", flush=True)  # printed only after the commit returned
    i += 1
"""


@pytest.mark.slow  # 20 reviewer processes started and killed
def test_killing_the_reviewer_never_loses_a_committed_decision(gpkg):
    ids = _ids(gpkg)
    rng = random.Random(7)
    for _ in range(20):
        code = f"SCRIPTS={str(ROOT / 'scripts')!r}\nGPKG={str(gpkg)!r}\nIDS={ids!r}\n" + WORKER
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                                env=dict(os.environ))
        first = proc.stdout.readline()  # it is reviewing now; kill it at a random moment from here
        time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        committed = [line.split() for line in (first + out).splitlines() if line.strip()]
        conn = sqlite3.connect(gpkg)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        history = {(r[0], r[1], r[2]) for r in conn.execute("SELECT reviewer, candidate_id, status FROM decisions")}
        for i, cid, status in committed:
            assert (f"r{i}", cid, status) in history  # every decision reported as made is there
        # and the current state of each candidate agrees with its training layers
        for cid, status in conn.execute("SELECT candidate_id, status FROM candidates"):
            in_pos = conn.execute("SELECT count(*) FROM positives WHERE candidate_id=?", (cid,)).fetchone()[0]
            in_neg = conn.execute("SELECT count(*) FROM negatives WHERE candidate_id=?", (cid,)).fetchone()[0]
            assert (in_pos, in_neg) == {"accepted": (1, 0), "rejected": (0, 1)}.get(status, (0, 0))
        conn.close()
        assert proc.returncode == -signal.SIGKILL
