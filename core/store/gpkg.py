"""A small GeoPackage writer/reader on the standard library's sqlite3 and shapely.

Owning the SQL gives what the review workflow needs and OGR bindings would hide: one
transaction per change (a decision is either fully written or not at all), clear messages when
another program holds a lock, and no GDAL in the headless engine beyond rasterio.
Geometry blobs follow GeoPackage 1.3 (GP header with an XY envelope, then ISO WKB).
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

from ..errors import InputError, OutputError, TsmError
from ..messages import Message

APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10300

BASE_SQL = """
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
"""


def locked_error(path: Path, exc: Exception) -> OutputError:
    return OutputError(
        f"The GeoPackage {path.name} is locked by another program (for example a QGIS layer in edit "
        f"mode) — {exc}.",
        "Save or stop editing the layers from that file, close other programs using it, and try again; "
        "nothing was written.",
    )


def damaged_error(path: Path, detail: str) -> InputError:
    """A GeoPackage SQLite cannot read whole: said as damaged, with how to get a readable one."""
    return InputError(Message("gpkg.damaged", name=Path(path).name, detail=detail[:120]),
                      Message("gpkg.damaged.fix", name=Path(path).name))


def _is_damage(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "malformed" in text or "corrupt" in text


# files found whole: (size, mtime_ns) when checked, so that the review's many small transactions
# do not read the file again each time; a change by another program (or a damage) changes both
_CHECKED: dict[str, tuple[int, int]] = {}


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def check_whole(conn: sqlite3.Connection, path: Path) -> None:
    """PRAGMA quick_check (every page and record read once, about 1 GB/s): a GeoPackage damaged
    anywhere (its candidates table included) is refused before anything is read from or written
    into it, instead of taking decisions that could no longer be read whole."""
    key, stamp = str(path.resolve()), _stamp(path)
    if stamp is not None and _CHECKED.get(key) == stamp:
        return
    try:
        rows = conn.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise locked_error(path, exc) from exc
        raise damaged_error(path, str(exc)) from exc
    if [r[0] for r in rows] != ["ok"]:
        raise damaged_error(path, "; ".join(str(r[0]) for r in rows))
    if stamp is not None:
        _CHECKED[key] = stamp


def still_whole(path: Path) -> None:
    """After a commit of our own into a file found whole: it stays whole (its new stamp is kept)."""
    key = str(Path(path).resolve())
    stamp = _stamp(Path(path))
    if key in _CHECKED and stamp is not None:
        _CHECKED[key] = stamp


def connect(path: str | Path, timeout: float = 10.0, create: bool = True) -> sqlite3.Connection:
    """A connection to the GeoPackage at ``path``; ``create=False`` for inputs: a missing or
    empty file is an error instead of a new GeoPackage (read-only commands leave nothing behind).
    An existing file is checked whole first (:func:`check_whole`): a damaged one is refused."""
    path = Path(path)
    if not create:
        if not path.is_file():
            raise InputError(f"The GeoPackage {path} does not exist.", "Check the path and the file name.")
        if path.stat().st_size == 0:
            raise InputError(f"{path} is empty, not a GeoPackage.", "Give the GeoPackage written by a run.")
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
    except (sqlite3.Error, OSError) as exc:
        raise OutputError(f"Cannot open {path} for writing ({exc}).",
                          "Choose a writable folder for the GeoPackage.") from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        fresh = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        if fresh and not create:
            conn.close()
            raise InputError(f"{path} is an empty database, not a GeoPackage.", "Give the GeoPackage written by a run.")
        if fresh:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {USER_VERSION}")
        elif app_id != APPLICATION_ID:
            conn.close()
            raise OutputError(f"{path.name} exists and is not a GeoPackage.",
                              "Choose a new file name or an existing GeoPackage.")
        else:
            check_whole(conn, path)
        if fresh or not table_exists(conn, "gpkg_contents"):
            conn.executescript("BEGIN;" + BASE_SQL + "COMMIT;")
    except TsmError:
        conn.close()
        raise
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise locked_error(path, exc) from exc
        if _is_damage(exc):
            raise damaged_error(path, str(exc)) from exc
        if "full" in str(exc):
            raise OutputError(f"Cannot write {path} ({exc}).",
                              "Free disk space or choose another folder; nothing was written.") from exc
        raise OutputError(f"Cannot use {path} as a GeoPackage ({exc}).",
                          "Choose another file; this one may be damaged or read-only.") from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        if _is_damage(exc):
            raise damaged_error(path, str(exc)) from exc
        raise OutputError(f"{path.name} is not a valid GeoPackage ({exc}).",
                          "Choose a new file name; this file is damaged or not a database.") from exc
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection, path: Path):
    """BEGIN IMMEDIATE … COMMIT; a lock held elsewhere becomes a clear OutputError, a damaged file
    an InputError that says so, a full disk or read-only file an OutputError that says that."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if _is_damage(exc):
            raise damaged_error(path, str(exc)) from exc
        raise locked_error(path, exc) from exc
    try:
        yield conn
    except sqlite3.Error as exc:  # a full disk, a read-only file: say so, with the file untouched
        _rollback(conn)
        raise save_error(path, exc) from exc
    except BaseException:
        _rollback(conn)
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        _rollback(conn)
        if "locked" in str(exc) or "busy" in str(exc):
            raise locked_error(path, exc) from exc
        raise save_error(path, exc) from exc
    still_whole(path)


def save_error(path: Path, exc: sqlite3.Error) -> TsmError:
    """Why a change could not be saved, told by SQLite's own words: damage, a file of another
    layout (a column or table missing), or else the disk (full, read-only)."""
    text = str(exc)
    if _is_damage(exc):
        return damaged_error(path, text)
    if any(words in text.lower() for words in _DISK_WORDS):
        return OutputError(f"Cannot save to {path} ({exc}).",
                           "Free disk space or choose a writable folder; the file keeps its last saved state.")
    # the rest is SQLite refusing the change itself: a table of another layout ("no such column",
    # "Cannot add a UNIQUE column" to a candidates layer written by another program)
    return InputError(Message("gpkg.layout", name=Path(path).name, detail=text[:120]), Message("gpkg.layout.fix"))


_DISK_WORDS = ("full", "disk i/o", "readonly", "read-only", "unable to open", "out of memory", "interrupted")


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite may already have rolled back (a full disk does): a failing ROLLBACK must not hide
    # the error that caused it ("cannot rollback - no transaction is active")
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass


def ensure_srs(conn: sqlite3.Connection, epsg: int | None, wkt: str) -> int:
    if epsg is not None:
        conn.execute("INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, 'EPSG', ?, ?, '')",
                     (f"EPSG:{epsg}", epsg, epsg, wkt))
        return epsg
    row = conn.execute("SELECT srs_id FROM gpkg_spatial_ref_sys WHERE definition = ?", (wkt,)).fetchone()
    if row:
        return row[0]
    srs_id = max(100000, conn.execute("SELECT max(srs_id) FROM gpkg_spatial_ref_sys").fetchone()[0] + 1)
    conn.execute("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, 'NONE', ?, ?, '')",
                 (f"custom {srs_id}", srs_id, srs_id, wkt))
    return srs_id


def table_exists(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None


def create_feature_table(conn: sqlite3.Connection, name: str, columns: Iterable[tuple[str, str]],
                         geometry_type: str, srs_id: int, geom_column: str = "geom") -> None:
    cols = ", ".join(f'"{c}" {t}' for c, t in columns)
    conn.execute(f'CREATE TABLE "{name}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, "{geom_column}" '
                 f'{geometry_type}, {cols})')
    conn.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (?, 'features', ?, ?)",
                 (name, name, srs_id))
    conn.execute("INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)",
                 (name, geom_column, geometry_type, srs_id))


def create_attribute_table(conn: sqlite3.Connection, name: str, columns: Iterable[tuple[str, str]]) -> None:
    cols = ", ".join(f'"{c}" {t}' for c, t in columns)
    conn.execute(f'CREATE TABLE "{name}" ({cols})')
    conn.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES (?, 'attributes', ?)",
                 (name, name))


def add_missing_columns(conn: sqlite3.Connection, name: str, columns: Iterable[tuple[str, str]]) -> None:
    """Schema growth across plugin versions: older files gain new columns, never lose data."""
    have = {row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')}
    for col, sqltype in columns:
        if col not in have:
            conn.execute(f'ALTER TABLE "{name}" ADD COLUMN "{col}" {sqltype}')


def table_srs(conn: sqlite3.Connection, name: str) -> tuple[int, str]:
    row = conn.execute("SELECT g.srs_id, s.definition FROM gpkg_geometry_columns g JOIN gpkg_spatial_ref_sys s "
                       "ON g.srs_id = s.srs_id WHERE g.table_name = ?", (name,)).fetchone()
    return int(row[0]), str(row[1])


def encode_geometry(geom: BaseGeometry, srs_id: int) -> bytes:
    if geom.is_empty:
        header = b"GP" + bytes([0, 0b00010001]) + struct.pack("<i", srs_id)
        return header + shapely.to_wkb(geom, flavor="iso", byte_order=1)
    minx, miny, maxx, maxy = geom.bounds
    header = b"GP" + bytes([0, 0b00000011]) + struct.pack("<i4d", srs_id, minx, maxx, miny, maxy)
    return header + shapely.to_wkb(geom, flavor="iso", byte_order=1)


def decode_geometry(blob: bytes) -> BaseGeometry:
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry")
    flags = blob[3]
    envelope = (flags >> 1) & 0b111
    size = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[envelope]
    return shapely.from_wkb(blob[8 + size:])


def update_extent(conn: sqlite3.Connection, name: str, geom_column: str = "geom") -> None:
    xs = []
    for (blob,) in conn.execute(f'SELECT "{geom_column}" FROM "{name}" WHERE "{geom_column}" IS NOT NULL'):
        if blob[3] & 0b1110:
            xs.append(struct.unpack_from("<4d", blob, 8))
    if xs:
        conn.execute("UPDATE gpkg_contents SET min_x=?, max_x=?, min_y=?, max_y=?, "
                     "last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name=?",
                     (min(x[0] for x in xs), max(x[1] for x in xs), min(x[2] for x in xs),
                      max(x[3] for x in xs), name))
