"""The iteration log of the mapping loop (Xia et al., Table 1): per iteration the positive and
negative training polygons, the candidates inferred, the newly found slumps and the model's
scores, kept in the candidates GeoPackage and exportable as CSV.

New slumps are counted as Xia et al. do: accepted slumps that no earlier iteration counted and
that no existing inventory already holds (candidates marked known by core.review.known are
counted in ``known_slumps`` instead)."""

from __future__ import annotations

import csv
from pathlib import Path

from ..outputs import atomic_file, check_new_file
from ..store.candidates import now_iso
from ..store.gpkg import add_missing_columns, connect, create_attribute_table, table_exists, transaction

TABLE = "iterations"
COLUMNS = [("iteration", "INTEGER PRIMARY KEY"), ("created_at", "DATETIME"), ("model_name", "TEXT"),
           ("model_version", "TEXT"), ("positives", "INTEGER"), ("negatives", "INTEGER"),
           ("candidates", "INTEGER"), ("new_slumps", "INTEGER"), ("val_iou", "REAL"), ("recall", "REAL"),
           ("precision", "REAL"), ("notes", "TEXT"), ("known_slumps", "INTEGER")]


def log_iteration(gpkg: str | Path, model_name: str, model_version: str, candidates: int, *,
                  val_iou: float | None = None, recall: float | None = None, precision: float | None = None,
                  notes: str = "") -> dict:
    """Append the next iteration; counts of training polygons and new slumps come from the file."""
    path = Path(gpkg)
    conn = connect(path)
    try:
        with transaction(conn, path):
            if not table_exists(conn, TABLE):
                create_attribute_table(conn, TABLE, COLUMNS)
            add_missing_columns(conn, TABLE, COLUMNS)  # logs of older versions gain known_slumps
            n = conn.execute(f'SELECT coalesce(max(iteration), 0) + 1 FROM "{TABLE}"').fetchone()[0]
            count = (lambda t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # noqa: E731
                     if table_exists(conn, t) else 0)
            positives, negatives = count("positives"), count("negatives")
            before = conn.execute(f'SELECT coalesce(sum(new_slumps), 0) FROM "{TABLE}"').fetchone()[0]
            known = _known_positives(conn) if positives else 0
            row = {"iteration": n, "created_at": now_iso(), "model_name": model_name, "model_version": model_version,
                   "positives": positives, "negatives": negatives, "candidates": candidates,
                   "new_slumps": max(positives - known - before, 0), "known_slumps": known,
                   "val_iou": val_iou, "recall": recall, "precision": precision,
                   "notes": notes}
            conn.execute(f'INSERT INTO "{TABLE}" ({", ".join(row)}) VALUES ({", ".join("?" * len(row))})',
                         tuple(row.values()))
    finally:
        conn.close()
    return row


def _known_positives(conn) -> int:
    """Accepted slumps whose candidate overlaps a slump of an existing inventory."""
    have = {row[1] for row in conn.execute('PRAGMA table_info("candidates")')}
    if "known_uid" not in have or not table_exists(conn, "positives"):
        return 0
    return conn.execute('SELECT count(*) FROM "positives" p JOIN "candidates" c ON p.candidate_id = c.candidate_id '
                        'WHERE c.known_uid IS NOT NULL').fetchone()[0]


def read_log(gpkg: str | Path) -> list[dict]:
    conn = connect(gpkg, create=False)
    try:
        if not table_exists(conn, TABLE):
            return []
        cur = conn.execute(f'SELECT * FROM "{TABLE}" ORDER BY iteration')
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur]
    finally:
        conn.close()


def export_csv(gpkg: str | Path, out: str | Path, overwrite: bool = False) -> int:
    out = check_new_file(out, overwrite, "CSV file")
    rows = read_log(gpkg)
    with atomic_file(out, "CSV file") as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[c for c, _ in COLUMNS])
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
