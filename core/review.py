"""Review decisions on candidates, each committed to the GeoPackage the moment it is made."""

from __future__ import annotations

from pathlib import Path

from .candidates import LAYER, now_iso
from .errors import InputError
from .gpkg import connect, transaction

STATUSES = ("unreviewed", "accepted", "rejected", "unsure")
REJECT_REASONS = ("water", "snow_ice", "cloud_shadow", "bare_rock", "infrastructure", "drained_pond",
                  "nodata_seam", "other_landform", "other")
CONFIDENCES = ("high", "medium", "low")


def record_decision(gpkg: str | Path, candidate_id: str, status: str, reviewer: str, *,
                    reject_reason: str | None = None, confidence: str | None = None,
                    notes: str | None = None) -> None:
    if status not in STATUSES:
        raise InputError(f"Unknown review status '{status}'.", f"Use one of {', '.join(STATUSES)}.")
    if reject_reason is not None and reject_reason not in REJECT_REASONS:
        raise InputError(f"Unknown reject reason '{reject_reason}'.", f"Use one of {', '.join(REJECT_REASONS)}.")
    if confidence is not None and confidence not in CONFIDENCES:
        raise InputError(f"Unknown confidence '{confidence}'.", f"Use one of {', '.join(CONFIDENCES)}.")
    path = Path(gpkg)
    conn = connect(path)
    try:
        with transaction(conn, path):
            cur = conn.execute(f'UPDATE "{LAYER}" SET status=?, reviewer=?, reviewed_at=?, reject_reason=?, '
                               f'confidence=?, notes=? WHERE candidate_id=?',
                               (status, reviewer, now_iso(), reject_reason, confidence, notes, candidate_id))
            if cur.rowcount != 1:
                raise InputError(f"No candidate {candidate_id} in {path.name}.", "Reload the candidates layer.")
    finally:
        conn.close()
