"""Review decisions on candidates, each committed to the GeoPackage the moment it is made.

Several reviewers may decide the same candidates (a blind second review to measure agreement):
each one's verdicts are kept in ``decisions``, and what the candidate says — its status, and so
the training layers, the chips and the inventory — is the AGREED verdict: the latest adjudication
when there is one, else the verdict every reviewer gave, else none: reviewers who disagree leave
the candidate 'unsure', out of training, until an adjudicator settles it. The review fields
(reviewer, confidence, notes, …) are written by the candidate's first reviewer, a reviewer
deciding again, or an adjudicator; another reviewer's verdict never overwrites them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..store import training_layers
from ..store.candidates import LAYER, now_iso
from ..store.gpkg import add_missing_columns, connect, create_attribute_table, table_exists, transaction
from ..store.training_layers import ArtsContext

STATUSES = ("unreviewed", "accepted", "rejected", "unsure")
REJECT_REASONS = ("water", "snow_ice", "cloud_shadow", "bare_rock", "infrastructure", "drained_pond",
                  "nodata_seam", "other_landform", "other")
CONFIDENCES = ("high", "medium", "low")
ACTIVITIES = ("active", "stabilised")
# Xia et al.'s four criteria for a thaw slump seen in time-lapse images
CRITERIA = ("headwall_highest", "colour_contrast", "arcuate_shaded_headwall", "upslope_retreat")


DECISIONS = "decisions"
DECISION_COLUMNS = [("candidate_id", "TEXT NOT NULL"), ("reviewer", "TEXT NOT NULL"), ("status", "TEXT NOT NULL"),
                    ("reject_reason", "TEXT"), ("confidence", "TEXT"), ("notes", "TEXT"),
                    ("decided_at", "DATETIME NOT NULL"), ("adjudicated", "BOOLEAN DEFAULT 0")]
# the candidate's review fields a decision overwrites, and an undo puts back
REVIEW_FIELDS = ("status", "reviewer", "reviewed_at", "reject_reason", "confidence", "notes", "activity",
                 "initiation_period", "criteria")


@dataclass(frozen=True)
class Decision:
    """One committed decision and what the candidate held before it: enough to take it back."""

    candidate_id: str
    status: str
    reviewer: str
    decided_at: str
    previous: dict = field(default_factory=dict)


def record_decision(gpkg: str | Path, candidate_id: str, status: str, reviewer: str, *,
                    reject_reason: str | None = None, confidence: str | None = None,
                    notes: str | None = None, context: ArtsContext | None = None, activity: str | None = None,
                    initiation_period: str | None = None, criteria: tuple[str, ...] = (),
                    edited: bool = False, adjudicate: bool = False) -> Decision:
    """Commit one decision: the reviewer's entry in the ``decisions`` history (every reviewer's
    verdicts are kept), the candidate's agreed verdict and review fields (module docstring), and
    the training layers — all in one transaction, so a crash leaves either the whole decision or
    none of it. ``adjudicate``: this verdict settles the candidate whatever the others said.
    Returns the decision with the fields it replaced, for :func:`undo_decision`."""
    if status not in STATUSES:
        raise InputError(f"Unknown review status '{status}'.", f"Use one of {', '.join(STATUSES)}.")
    if reject_reason is not None and reject_reason not in REJECT_REASONS:
        raise InputError(f"Unknown reject reason '{reject_reason}'.", f"Use one of {', '.join(REJECT_REASONS)}.")
    if confidence is not None and confidence not in CONFIDENCES:
        raise InputError(f"Unknown confidence '{confidence}'.", f"Use one of {', '.join(CONFIDENCES)}.")
    if activity is not None and activity not in ACTIVITIES:
        raise InputError(f"Unknown activity '{activity}'.", f"Use one of {', '.join(ACTIVITIES)}.")
    unknown = [c for c in criteria if c not in CRITERIA]
    if unknown:
        raise InputError(f"Unknown criteria {', '.join(unknown)}.", f"Use {', '.join(CRITERIA)}.")
    if not reviewer.strip():
        raise InputError("A decision needs a reviewer name.", "Set your name in the plugin settings.")
    path = Path(gpkg)
    when = now_iso()
    conn = connect(path, create=False)
    try:
        with transaction(conn, path):
            before = conn.execute(f'SELECT {", ".join(REVIEW_FIELDS)} FROM "{LAYER}" WHERE candidate_id=?',
                                  (candidate_id,)).fetchone()
            if before is None:
                raise InputError(f"No candidate {candidate_id} in {path.name}.", "Reload the candidates layer.")
            if not table_exists(conn, DECISIONS):
                create_attribute_table(conn, DECISIONS, DECISION_COLUMNS)
            else:
                add_missing_columns(conn, DECISIONS, DECISION_COLUMNS)
            others = conn.execute(f'SELECT count(*) FROM "{DECISIONS}" WHERE candidate_id=? AND reviewer<>?',
                                  (candidate_id, reviewer)).fetchone()[0]
            conn.execute(f'INSERT INTO "{DECISIONS}" (candidate_id, reviewer, status, reject_reason, confidence, '
                         'notes, decided_at, adjudicated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
                         (candidate_id, reviewer, status, reject_reason, confidence, notes, when, int(adjudicate)))
            agreed = agreed_verdict(conn, candidate_id)
            own = adjudicate or not others or before[1] in (None, reviewer)
            if own:  # the first reviewer, the same one again, or an adjudicator: the fields are theirs
                conn.execute(f'UPDATE "{LAYER}" SET status=?, reviewer=?, reviewed_at=?, reject_reason=?, '
                             f'confidence=?, notes=?, activity=?, initiation_period=?, criteria=?, '
                             f'edited=max(coalesce(edited, 0), ?) WHERE candidate_id=?',
                             (agreed, reviewer, when, reject_reason, confidence, notes, activity,
                              initiation_period, ",".join(criteria) or None, int(edited), candidate_id))
            else:  # another reviewer: only the agreed verdict changes (and an outline they edited)
                conn.execute(f'UPDATE "{LAYER}" SET status=?, edited=max(coalesce(edited, 0), ?) '
                             'WHERE candidate_id=?', (agreed, int(edited), candidate_id))
            fields = conn.execute(f'SELECT reviewer, reviewed_at FROM "{LAYER}" WHERE candidate_id=?',
                                  (candidate_id,)).fetchone()
            training_layers.sync(conn, candidate_id, agreed, context or ArtsContext(), fields[0] or reviewer,
                                 fields[1] or when)
    finally:
        conn.close()
    return Decision(candidate_id, status, reviewer, when, dict(zip(REVIEW_FIELDS, before)))


def undo_decision(gpkg: str | Path, decision: Decision, context: ArtsContext | None = None) -> None:
    """Take one decision back, in one transaction: the candidate gets the review fields it had
    before, the reviewer's entry leaves the ``decisions`` history, and the training layers follow
    the restored status. Take several back newest first."""
    path = Path(gpkg)
    previous = {k: decision.previous.get(k) for k in REVIEW_FIELDS}
    previous["status"] = previous["status"] or "unreviewed"
    conn = connect(path, create=False)
    try:
        with transaction(conn, path):
            sets = ", ".join(f"{k}=?" for k in REVIEW_FIELDS)
            cur = conn.execute(f'UPDATE "{LAYER}" SET {sets} WHERE candidate_id=?',
                               (*previous.values(), decision.candidate_id))
            if cur.rowcount != 1:
                raise InputError(f"No candidate {decision.candidate_id} in {path.name}.",
                                 "Reload the candidates layer.")
            if table_exists(conn, DECISIONS):
                conn.execute(f'DELETE FROM "{DECISIONS}" WHERE rowid = (SELECT max(rowid) FROM "{DECISIONS}" '
                             'WHERE candidate_id=? AND reviewer=? AND decided_at=?)',
                             (decision.candidate_id, decision.reviewer, decision.decided_at))
                if conn.execute(f'SELECT 1 FROM "{DECISIONS}" WHERE candidate_id=?',
                                (decision.candidate_id,)).fetchone():  # others decided since: what they agree on
                    previous["status"] = agreed_verdict(conn, decision.candidate_id)
                    conn.execute(f'UPDATE "{LAYER}" SET status=? WHERE candidate_id=?',
                                 (previous["status"], decision.candidate_id))
            training_layers.sync(conn, decision.candidate_id, previous["status"], context or ArtsContext(),
                                 previous["reviewer"] or decision.reviewer, previous["reviewed_at"] or now_iso())
    finally:
        conn.close()


def agreed_verdict(conn, candidate_id: str) -> str:
    """Inside a transaction: the candidate's status by the rule of the module docstring — the
    latest adjudication, else the verdict all its reviewers share (each one's latest), else
    'unsure' (they disagree: out of training until settled)."""
    rows = conn.execute(f'SELECT reviewer, status, coalesce(adjudicated, 0) FROM "{DECISIONS}" '
                        'WHERE candidate_id=? ORDER BY decided_at, rowid', (candidate_id,)).fetchall()
    settled = [status for _, status, adjudicated in rows if adjudicated]
    if settled:
        return settled[-1]
    latest = {reviewer: status for reviewer, status, _ in rows}
    verdicts = set(latest.values())
    if not verdicts:
        return "unreviewed"
    return verdicts.pop() if len(verdicts) == 1 else "unsure"


def disputed(gpkg: str | Path) -> list[str]:
    """Candidates whose reviewers disagree and that no adjudication has settled (left out of training)."""
    conn = connect(gpkg, create=False)
    try:
        if not table_exists(conn, DECISIONS):
            return []
        columns = {r[1] for r in conn.execute(f'PRAGMA table_info("{DECISIONS}")')}
        settled = "coalesce(adjudicated, 0)" if "adjudicated" in columns else "0"  # a file of an earlier version
        rows = conn.execute(f'SELECT candidate_id, reviewer, status, {settled} FROM "{DECISIONS}" '
                            'ORDER BY decided_at, rowid').fetchall()
    finally:
        conn.close()
    latest: dict[str, dict[str, str]] = {}
    done: set[str] = set()
    for cid, reviewer, status, adjudicated in rows:
        latest.setdefault(cid, {})[reviewer] = status
        if adjudicated:
            done.add(cid)
    return sorted(c for c, v in latest.items() if c not in done and len(set(v.values())) > 1)


def reviewer_statuses(gpkg: str | Path, reviewer: str) -> dict[str, str]:
    """candidate_id → this reviewer's latest verdict (what the queue shows a second reviewer)."""
    conn = connect(gpkg, create=False)
    try:
        if not table_exists(conn, DECISIONS):
            return {}
        rows = conn.execute(f'SELECT candidate_id, status FROM "{DECISIONS}" WHERE reviewer = ? '
                            'ORDER BY decided_at, rowid', (reviewer,)).fetchall()
    finally:
        conn.close()
    return dict(rows)


def reviewers(gpkg: str | Path) -> list[str]:
    """Everyone who has recorded a decision in this GeoPackage."""
    conn = connect(gpkg, create=False)
    try:
        if not table_exists(conn, DECISIONS):
            return []
        return [r[0] for r in conn.execute(f'SELECT DISTINCT reviewer FROM "{DECISIONS}" ORDER BY reviewer')]
    finally:
        conn.close()


def cohen_kappa(a: dict[str, str], b: dict[str, str]) -> tuple[float, list[str]]:
    """Cohen's κ over the candidates both reviewers decided, and the ids they disagree on."""
    common = sorted(set(a) & set(b))
    if not common:
        return 0.0, []
    labels = sorted({a[c] for c in common} | {b[c] for c in common})
    n = len(common)
    observed = sum(a[c] == b[c] for c in common) / n
    expected = sum((sum(a[c] == k for c in common) / n) * (sum(b[c] == k for c in common) / n) for k in labels)
    kappa = 1.0 if expected == 1 else (observed - expected) / (1 - expected)
    return kappa, [c for c in common if a[c] != b[c]]


ORDERS = ("probability", "uncertainty", "growth", "position", "shuffled")


def order_queue(rows: list[dict], order: str, threshold: float = 0.5, seed: int = 0, batch: int = 50,
                row_height_m: float = 1000.0) -> list[dict]:
    """Candidates in review order.

    probability: most certain first; uncertainty: closest to the threshold first; growth: fastest
    growing first (growth_m2_per_yr of a multi-date run; unmeasured ones last, most certain first);
    position: row by
    row from the north-west, like reading a map (rows ``row_height_m`` tall); shuffled: random but
    reproducible for ``seed``, in batches of ``batch`` (blind reviewing without spatial runs).
    """
    if order not in ORDERS:
        raise InputError(f"Unknown queue order '{order}'.", f"Use one of {', '.join(ORDERS)}.")
    if order == "probability":
        return sorted(rows, key=lambda r: (-(r.get("max_prob") or 0.0), r["candidate_id"]))
    if order == "uncertainty":
        return sorted(rows, key=lambda r: (abs((r.get("max_prob") or 0.0) - threshold), r["candidate_id"]))
    if order == "growth":  # the slumps that threaten roads and release carbon fastest
        return sorted(rows, key=lambda r: (r.get("growth_m2_per_yr") is None, -(r.get("growth_m2_per_yr") or 0.0),
                                           -(r.get("max_prob") or 0.0), r["candidate_id"]))
    if order == "position":
        def key(r):
            c = r["geometry"].centroid
            return (-int(c.y // row_height_m), c.x, r["candidate_id"])
        return sorted(rows, key=key)
    import random

    ordered = sorted(rows, key=lambda r: r["candidate_id"])
    random.Random(seed).shuffle(ordered)
    batches = [ordered[i:i + batch] for i in range(0, len(ordered), batch)]
    return [r for b in batches for r in b]


def counts(rows: list[dict]) -> dict[str, int]:
    out = {s: 0 for s in STATUSES}
    for r in rows:
        out[r.get("status") or "unreviewed"] = out.get(r.get("status") or "unreviewed", 0) + 1
    out["total"] = len(rows)
    out["reviewed"] = out["total"] - out["unreviewed"]
    return out


def next_unreviewed(queue: list[dict], after: int) -> int | None:
    """Index of the first undecided candidate after position ``after`` (wrapping around)."""
    n = len(queue)
    for step in range(1, n + 1):
        i = (after + step) % n
        if (queue[i].get("status") or "unreviewed") == "unreviewed":
            return i
    return None
