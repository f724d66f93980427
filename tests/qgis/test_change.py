"""Change over time in QGIS (issue 28): a multi-date run through Processing measures it, the
'change' algorithm measures it again or refuses with one line, and the review dock draws it."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from qgis.core import QgsProcessingException, QgsProcessingFeedback, QgsProject, QgsRasterLayer

from thaw_slump_mapper.adapters.processing.provider import PROVIDER_ID

SHARED_S019 = Path(__file__).resolve().parents[3] / "shared" / "data" / "math76_s2" / "sites" / "s019"


class Lines(QgsProcessingFeedback):
    """Every line an algorithm writes to its log, for the test to read."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def pushInfo(self, info: str) -> None:
        self.lines.append(info)
        super().pushInfo(info)

    def pushWarning(self, warning: str) -> None:
        self.lines.append(warning)
        super().pushWarning(warning)

    def text(self) -> str:
        return "\n".join(self.lines)


def _run_model(tmp_path: Path, mosaics: list[tuple[Path, str]], dates: str | None, out: Path,
               band_map: str = "", model: Path | None = None) -> tuple[dict, Lines]:
    import processing
    from tsm_testkit import bare_soil_model

    from thaw_slump_mapper.adapters import settings
    from thaw_slump_mapper.core.preferences import Preferences

    settings.save(Preferences(cache_dir=str(tmp_path / "cache")))
    layers = [QgsRasterLayer(str(p), name) for p, name in mosaics]
    QgsProject.instance().addMapLayers(layers)
    feedback = Lines()
    params = {"MOSAICS": [lyr.id() for lyr in layers], "OUTPUT": str(out), "BAND_MAP": band_map, "FIND_UDM": False,
              "MODEL": str(model or bare_soil_model(tmp_path / "m.onnx"))}
    if dates:
        params["DATES"] = dates
    try:
        return processing.run(f"{PROVIDER_ID}:runmodel", params, feedback=feedback), feedback
    finally:
        QgsProject.instance().removeAllMapLayers()
        settings.save(Preferences())


@pytest.fixture
def scene(tmp_path):
    from thaw_slump_mapper.core.synthetic import SceneSpec, generate

    return generate(tmp_path / "scene", SceneSpec(width=256, height=256, years=(2019, 2020, 2021), n_slumps=3,
                                                  seed=4))


def _rows(gpkg: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(gpkg)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_multidate_processing_run_measures_change_and_the_change_algorithm_again(provider, tmp_path, scene):
    import processing

    out = tmp_path / "c.gpkg"
    result, feedback = _run_model(tmp_path, [(p, str(y)) for p, y in scene.mosaics], "2019,2020,2021", out)
    assert "Change of" in feedback.text() and "over 3 dates measured" in feedback.text()
    per_date = _rows(out, "SELECT candidate_id, count(*), count(DISTINCT date) FROM candidate_dates "
                          "GROUP BY candidate_id")
    assert len(per_date) == result["COUNT"] and all(n == 3 and d == 3 for _, n, d in per_date)
    growing = _rows(out, "SELECT growth_m2_per_yr, area_first_m2, area_last_m2 FROM candidates "
                         "WHERE growth_m2_per_yr > 1000")
    assert growing and all(last > first for _, first, last in growing)  # the synthetic slumps retreat upslope
    # measured again at another threshold: the same GeoPackage, the per-date rows replaced, not added
    again = Lines()
    measured = processing.run(f"{PROVIDER_ID}:change", {"CANDIDATES": str(out), "THRESHOLD": 0.7}, feedback=again)
    assert measured["OUTPUT"] == str(out) and measured["MEASURED"] == result["COUNT"] and measured["DATES"] == 3
    assert f"{result['COUNT']} candidates measured over 3 dates (2019 to 2021)" in again.text()
    assert "m²/yr" in again.text() and "first seen 2019" in again.text()
    assert _rows(out, "SELECT count(*), min(threshold), max(threshold) FROM candidate_dates")[0] == (
        3 * result["COUNT"], 0.7, 0.7)


def test_a_run_whose_mosaics_name_no_date_succeeds_and_says_why_change_was_not_measured(provider, tmp_path, scene):
    named = []
    for (path, _), name in zip(scene.mosaics, ("north", "middle", "south")):
        copy = tmp_path / f"{name}.tif"
        shutil.copy(path, copy)
        named.append((copy, name))
    out = tmp_path / "c.gpkg"
    result, feedback = _run_model(tmp_path, named, None, out)
    assert result["COUNT"] > 0  # the candidates are written all the same
    assert "Change over time not measured" in feedback.text() and "name no date" in feedback.text()
    assert not _rows(out, "SELECT name FROM sqlite_master WHERE name = 'candidate_dates'")


def test_change_refuses_a_single_date_run_and_leaves_the_file_as_it_was(provider, tmp_path, scene):
    import processing

    out = tmp_path / "one.gpkg"
    path, year = scene.mosaics[0]
    _run_model(tmp_path, [(path, str(year))], str(year), out)
    before = _digest(out)
    with pytest.raises(QgsProcessingException) as err:
        processing.run(f"{PROVIDER_ID}:change", {"CANDIDATES": str(out)})
    message = str(err.value)
    assert "has no run over two or more dates" in message and "several dates" in message
    assert "Traceback" not in message and "\n" not in message.strip()
    assert _digest(out) == before


def test_change_refuses_a_deleted_probability_raster_and_leaves_the_file_as_it_was(provider, tmp_path, scene):
    import processing

    out = tmp_path / "c.gpkg"
    result, _ = _run_model(tmp_path, [(p, str(y)) for p, y in scene.mosaics], "2019,2020,2021", out)
    gone = tmp_path / "moved" / Path(result["PROBABILITY"]).name
    gone.parent.mkdir()
    shutil.copy(result["PROBABILITY"], gone)
    conn = sqlite3.connect(out)
    conn.execute("UPDATE runs SET probability_raster = ?", (str(gone),))
    conn.commit()
    conn.close()
    gone.unlink()  # the run's probabilities deleted after the run
    before, rows = _digest(out), _rows(out, "SELECT count(*) FROM candidate_dates")
    with pytest.raises(QgsProcessingException) as err:
        processing.run(f"{PROVIDER_ID}:change", {"CANDIDATES": str(out)})
    message = str(err.value)
    assert "are gone" in message and str(gone) in message and "Run the model over the same mosaics again" in message
    assert _digest(out) == before and _rows(out, "SELECT count(*) FROM candidate_dates") == rows


@pytest.mark.skipif(not SHARED_S019.is_dir(), reason="../shared/data/math76_s2 (real Sentinel-2 dates) is absent")
def test_change_of_a_real_slump_over_four_sentinel2_dates(provider, tmp_path):
    import processing
    from tsm_testkit import STARTER_ONNX

    import rasterio

    def zone(path: Path) -> int:
        with rasterio.open(path) as src:
            return src.crs.to_epsg()

    files = sorted(SHARED_S019.glob("Sentinel2_*.tif"))
    files = [f for f in files if zone(f) == zone(files[0])]  # the site lies across two UTM zones
    picked = [files[0], files[len(files) // 3], files[2 * len(files) // 3], files[-1]]
    mosaics = [(p, p.stem.split("_")[-1]) for p in picked]
    out = tmp_path / "s019.gpkg"
    result, feedback = _run_model(tmp_path, mosaics, ",".join(d for _, d in mosaics), out,
                                  band_map="red=1,green=2,blue=3,nir=4", model=STARTER_ONNX)
    assert result["COUNT"] > 0 and "over 4 dates measured" in feedback.text()
    again = Lines()
    measured = processing.run(f"{PROVIDER_ID}:change", {"CANDIDATES": str(out)}, feedback=again)
    assert measured["DATES"] == 4 and measured["MEASURED"] == result["COUNT"]
    assert f"({mosaics[0][1]} to {mosaics[-1][1]})" in again.text()
    dates = {d for (d,) in _rows(out, "SELECT DISTINCT date FROM candidate_dates")}
    assert dates == {d for _, d in mosaics}
    # the largest candidate is the slump: seen on the first date, larger on the last (it grew 2019-2023)
    first, area_first, area_last = _rows(out, "SELECT first_date_seen, area_first_m2, area_last_m2 FROM candidates "
                                              "ORDER BY area_m2 DESC LIMIT 1")[0]
    assert first == mosaics[0][1] and area_last > area_first
