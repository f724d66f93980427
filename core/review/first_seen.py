"""The reviewer's correction of the first date a slump is seen. It goes to its own column,
``first_date_seen_reviewer``: ``first_date_seen`` stays the model's word, so both can be compared."""

from __future__ import annotations

from pathlib import Path

from ..change.growth import decimal_year
from ..errors import InputError
from ..store.candidates import LAYER
from ..store.gpkg import add_missing_columns, connect, transaction

COLUMN = "first_date_seen_reviewer"


def set_first_seen(gpkg: str | Path, candidate_id: str, date: str | None) -> str | None:
    """Record ``date`` (a year, month or day label) as the reviewer's first date seen, or clear the
    correction with None (the model's date holds again); one transaction. Returns the correction
    it replaced, for an undo."""
    if date is not None and decimal_year(date) is None:
        raise InputError(f"'{date}' is not a date.", "Give a year, a month or a day (2019, 2019-07, 2019-07-02).")
    path = Path(gpkg)
    conn = connect(path, create=False)
    try:
        with transaction(conn, path):
            add_missing_columns(conn, LAYER, [(COLUMN, "TEXT")])  # a file written before issue 28
            before = conn.execute(f'SELECT "{COLUMN}" FROM "{LAYER}" WHERE candidate_id = ?',
                                  (candidate_id,)).fetchone()
            if before is None:
                raise InputError(f"No candidate {candidate_id} in {path.name}.", "Reload the candidates layer.")
            conn.execute(f'UPDATE "{LAYER}" SET "{COLUMN}" = ? WHERE candidate_id = ?', (date, candidate_id))
    finally:
        conn.close()
    return before[0]
