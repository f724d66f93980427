"""`make demo` without a display: the whole job on the SYNTHETIC scene with the bundled model."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # the whole demo job in a fresh process
def test_headless_demo_writes_candidates_inventory_and_preview(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}  # no DISPLAY: the headless path
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "demo.py"), "--out", str(tmp_path / "demo")],
                            capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path / "demo"
    for name in ("candidates.gpkg", "inventory.gpkg", "preview.png"):
        assert (out / name).stat().st_size > 0, name
    assert "SYNTHETIC demo scene" in result.stdout
    conn = sqlite3.connect(out / "candidates.gpkg")
    statuses = dict(conn.execute("SELECT status, count(*) FROM candidates GROUP BY status").fetchall())
    assert "unreviewed" not in statuses and statuses.get("accepted", 0) > 0  # every candidate was decided
    inventory = sqlite3.connect(out / "inventory.gpkg")
    rows = inventory.execute("SELECT area_ha, CentroidLat, CentroidLon, reviewers FROM rts_inventory").fetchall()
    assert len(rows) == statuses["accepted"]
    assert all(a > 0 and 30 < lat < 40 and 85 < lon < 100 and r for a, lat, lon, r in rows)  # Beiluhe, QTP
    assert inventory.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
