"""Change over time in QGIS (issue 28): a multi-date run through Processing measures it, the
'change' algorithm measures it again or refuses with one line, and the review dock draws it."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from qgis.core import QgsProcessingException, QgsProcessingFeedback, QgsProject, QgsRasterLayer
from qgis.PyQt.QtWidgets import QApplication

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
    import rasterio
    from tsm_testkit import STARTER_ONNX

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


# --- the review dock ----------------------------------------------------------------------------

@pytest.fixture
def measured_review(qgis_app, fake_iface, tmp_path):
    """The review dock on a synthetic 3-year run whose change was measured (candidate_dates)."""
    from qgis.core import QgsCoordinateReferenceSystem
    from qgis.gui import QgsMapCanvas
    from tsm_testkit import bare_soil_model

    from thaw_slump_mapper.adapters import settings
    from thaw_slump_mapper.core.change.update import update_change
    from thaw_slump_mapper.core.engine.inference import InferenceParams, run_inference
    from thaw_slump_mapper.core.engine.raster import MosaicSpec
    from thaw_slump_mapper.core.engine.vectorize import VectorizeParams, vectorize
    from thaw_slump_mapper.core.preferences import Preferences
    from thaw_slump_mapper.core.store.candidates import write_candidates
    from thaw_slump_mapper.core.synthetic import SceneSpec, generate
    from thaw_slump_mapper.ui.review.controller import ReviewController
    from thaw_slump_mapper.ui.review.dock import ReviewDock

    scene = generate(tmp_path / "scene", SceneSpec(width=256, height=256, years=(2019, 2020, 2021), n_slumps=3,
                                                   seed=4))
    mosaics = [(str(p), str(y)) for p, y in scene.mosaics]
    prob = run_inference(InferenceParams(tuple(MosaicSpec(p, d) for p, d in mosaics),
                                         str(bare_soil_model(tmp_path / "m.onnx")), cache_dir=str(tmp_path / "c")))
    gpkg = tmp_path / "cand.gpkg"
    write_candidates(gpkg, vectorize(prob.path, VectorizeParams(0.5, 300)),
                     {"threshold": 0.5, "probability_raster": prob.path})
    single = tmp_path / "single.gpkg"  # the same candidates, never measured: a single-date or older file
    shutil.copy(gpkg, single)
    update_change(gpkg, prob.path)
    settings.save(Preferences(reviewer="Tester"))
    canvas = QgsMapCanvas()
    canvas.resize(500, 500)
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32646"))
    fake_iface.mapCanvas.return_value = canvas
    dock = ReviewDock()
    controller = ReviewController(fake_iface, dock, lambda: mosaics)
    dock.gpkg.setFilePath(str(gpkg))
    dock.show()
    yield dock, controller, gpkg, single
    controller.unload()
    dock.deleteLater()
    QgsProject.instance().removeAllMapLayers()
    settings.save(Preferences())


def _growing(controller) -> int:
    """The queue index of the candidate that grows most (the synthetic slump retreating upslope)."""
    return max(range(len(controller.queue)), key=lambda i: controller.queue[i].get("growth_m2_per_yr") or 0)


def test_the_plot_gets_the_candidates_series_and_draws_it(measured_review):
    from thaw_slump_mapper.core.store.candidate_dates import read_candidate_dates

    dock, controller, gpkg, _ = measured_review
    assert controller.open(str(gpkg), "probability")
    controller.show(_growing(controller))
    row = controller.queue[controller.index]
    plot = dock.change_plot
    assert plot.isVisibleTo(dock) and dock.first_seen.isVisibleTo(dock)
    stored = read_candidate_dates(gpkg, row["candidate_id"])
    assert [(d, round(a)) for d, _, a in plot.observed] == [(r["date"], round(r["area_m2"])) for r in stored]
    assert plot.hidden == [] and plot.slope == pytest.approx(row["growth_m2_per_yr"], abs=1)
    assert plot.observed[-1][2] > plot.observed[0][2]
    text = dock.change_text.text()
    assert f"{row['growth_m2_per_yr']:+,.0f} m²/yr" in text and "first seen 2019" in dock.change_text.toolTip()
    assert f"{row['area_first_m2']:,.0f} → {row['area_last_m2']:,.0f} m²" in text
    assert "observed on 3 of 3 dates" in dock.change_text.toolTip()
    # the combo: the model's date first, then every date of the run
    assert [dock.first_seen.itemData(i) for i in range(dock.first_seen.count())] == [None, "2019", "2020", "2021"]
    assert dock.first_seen.itemText(0) == "2019 (model)" and dock.first_seen_label.isVisibleTo(dock)
    assert dock.first_seen.itemText(2) == "2020"
    assert dock.first_seen.currentIndex() == 0
    image = plot.image(320)
    assert not image.isNull() and image.width() == 320
    # something was drawn in the series' colour (dots) and the line's
    colours = {image.pixelColor(x, y).name() for x in range(0, 320, 2) for y in range(0, image.height(), 2)}
    assert len(colours) > 5


def test_dates_not_observed_are_hollow_marks_never_an_area_of_0(qgis_app):
    from thaw_slump_mapper.ui.review.change_plot import ChangePlot

    plot = ChangePlot()
    rows = [{"date": "2019-06-07", "observed": True, "area_m2": 9387.0},
            {"date": "2019-07-25", "observed": False, "area_m2": None},  # clouds
            {"date": "2020-07-31", "observed": True, "area_m2": 12000.0},
            {"date": "2021-06-06", "observed": False, "area_m2": None},
            {"date": "2022-08-12", "observed": True, "area_m2": 18000.0},
            {"date": "2023-07-06", "observed": True, "area_m2": 23769.0}]
    plot.set_series(rows, "2019-06-07")
    assert [d for d, _, _ in plot.observed] == ["2019-06-07", "2020-07-31", "2022-08-12", "2023-07-06"]
    assert [d for d, _ in plot.hidden] == ["2019-07-25", "2021-06-06"]
    assert all(a > 0 for _, _, a in plot.observed) and plot.slope > 3000
    assert not plot.image(300).isNull()
    plot.set_series([])
    assert plot.observed == [] and plot.hidden == [] and not plot.image(300).isNull()


def test_each_thumbnail_draws_its_dates_outline_in_another_colour(measured_review):
    from thaw_slump_mapper.ui.review.change_plot import DATE_OUTLINE_COLOUR

    dock, controller, gpkg, _ = measured_review
    assert controller.open(str(gpkg), "probability")
    controller.show(_growing(controller))

    def magenta(label) -> int:
        image = label.pixmap().toImage()
        return sum(1 for x in range(image.width()) for y in range(image.height())
                   if _near(image.pixelColor(x, y), DATE_OUTLINE_COLOUR))

    drawn = [magenta(p) for p in dock._pictures]
    assert len(drawn) == 3 and all(n > 20 for n in drawn)
    dock.show_outline.setChecked(False)  # outlines off: none of either
    assert all(magenta(p) == 0 for p in dock._pictures)


def _near(colour, target, tolerance: int = 40) -> bool:
    return (abs(colour.red() - target.red()) + abs(colour.green() - target.green())
            + abs(colour.blue() - target.blue())) < tolerance


def test_the_reviewer_corrects_the_first_date_seen_and_the_models_date_stays(measured_review):
    from thaw_slump_mapper.core.store.candidates import read_candidates

    dock, controller, gpkg, _ = measured_review
    assert controller.open(str(gpkg), "probability")
    controller.show(_growing(controller))
    cid = controller.queue[controller.index]["candidate_id"]
    model = {r["candidate_id"]: r["first_date_seen"] for r in read_candidates(gpkg)}
    at = dock.first_seen.findData("2020")
    dock.first_seen.setCurrentIndex(at)
    dock.first_seen.activated.emit(at)  # what a person's choice in the list sends
    rows = {r["candidate_id"]: r for r in read_candidates(gpkg)}
    assert rows[cid]["first_date_seen_reviewer"] == "2020"
    assert {c: r["first_date_seen"] for c, r in rows.items()} == model  # the model's word untouched
    assert dock.first_seen.currentText() == "2020"
    assert "first seen 2020" in dock.change_text.toolTip() and "the model said 2019" in dock.change_text.toolTip()
    # a right-click on the 2021 thumbnail: "First seen here"
    dock._pictures[2].first_seen_here.emit(2)
    assert read_candidates(gpkg)[[r["candidate_id"] for r in read_candidates(gpkg)].index(cid)][
        "first_date_seen_reviewer"] == "2021"
    # back to the model's date: the correction is cleared
    dock.first_seen.activated.emit(0)
    rows = {r["candidate_id"]: r for r in read_candidates(gpkg)}
    assert rows[cid]["first_date_seen_reviewer"] is None and rows[cid]["first_date_seen"] == model[cid]
    # shown again after reopening the file
    controller.correct_first_seen("2020")
    assert controller.open(str(gpkg), "probability")
    controller.show(next(i for i, r in enumerate(controller.queue) if r["candidate_id"] == cid))
    assert dock.first_seen.currentData() == "2020"


def test_without_candidate_dates_one_short_line_and_no_plot(measured_review):
    dock, controller, _gpkg, single = measured_review
    assert controller.open(str(single), "probability")
    assert not dock.change_plot.isVisibleTo(dock) and not dock.first_seen.isVisibleTo(dock)
    assert dock.change_text.text() == "One date: no change to show."
    dock.resize(400, 700)  # about QGIS's dock at 1366×768
    QApplication.processEvents()
    assert dock.change_box.height() < 40, dock.change_box.height()
    assert controller.open(str(measured_review[2]), "probability")  # the measured file: room for the plot
    QApplication.processEvents()
    assert dock.change_plot.isVisibleTo(dock) and dock.change_box.height() >= dock.change_plot.height()


def test_at_1366x768_the_plot_leaves_the_counter_the_years_and_the_decision_in_view(measured_review, fake_iface):
    from qgis.PyQt.QtCore import QPoint, QRect, Qt

    dock, _controller, _gpkg, _ = measured_review
    canvas = fake_iface.mapCanvas()
    window = fake_iface.mainWindow()
    window.setCentralWidget(canvas)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.show()
    window.resize(1366, 590)  # what QGIS leaves a dock at 1366×768 (see test_review_dock)
    dock.setMinimumWidth(0)
    window.resizeDocks([dock], [440], Qt.Orientation.Horizontal)  # as test_review_dock's 1366×768 case
    QApplication.processEvents()
    area = dock.widget()
    dock.start.click()
    for _ in range(5):
        QApplication.processEvents()

    def in_view(widget) -> bool:
        top_left = widget.mapTo(area.viewport(), QPoint(0, 0))
        return widget.isVisible() and area.viewport().rect().contains(QRect(top_left, widget.size()))

    assert dock.change_plot.isVisible()
    body = area.widget()
    dock.change_box.hide()
    QApplication.processEvents()
    without = body.minimumSizeHint().width()
    dock.change_box.show()
    QApplication.processEvents()
    assert body.minimumSizeHint().width() == without  # the curve never sets the panel's width
    for widget in (dock.counters, dock.strip_scroll, dock.change_plot, dock.buttons["accept"],
                   dock.buttons["reject"]):
        assert in_view(widget), widget.objectName() or widget
    assert not area.horizontalScrollBar().isVisible()
    assert area.widget().minimumSizeHint().width() <= area.viewport().width()
    window.removeDockWidget(dock)


def test_the_header_names_dozens_of_detection_dates_by_count(qgis_app):
    from thaw_slump_mapper.ui.review.controller import seen_dates

    many = ",".join(f"2019-06-{d:02d}" for d in range(1, 30)) + ",2024-08-14"
    assert seen_dates(many) == "2019-06-01 to 2024-08-14 (30 dates)"
    assert seen_dates("2019,2020,2021") == "2019,2020,2021" and seen_dates(None) == "-"


def test_the_queue_can_start_with_the_fastest_growing_slump(measured_review):
    dock, controller, gpkg, _ = measured_review
    dock.order.setCurrentIndex(dock.order.findData("growth"))
    assert dock.order.currentText() == "fastest growing first"
    assert controller.open(str(gpkg), "growth")
    rates = [r.get("growth_m2_per_yr") for r in controller.queue]
    measured = [g for g in rates if g is not None]
    assert measured and rates[0] == max(measured) and measured == sorted(measured, reverse=True)
