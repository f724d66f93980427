"""Drives the review dock: the queue from the candidates GeoPackage, the map following the
current candidate, time-lapse thumbnails prepared ahead, and every decision committed at once."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDefaultValue,
    QgsGeometry,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.gui import QgsRubberBand
from qgis.PyQt.QtCore import QObject, QTimer
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from ...adapters import settings
from ...adapters.compat import FORM_SUPPRESS_ON, GEOMETRY_POLYGON, metres_per_unit
from ...adapters.i18n import plural, score, tr
from ...adapters.layers import candidates_layer, raster_file, render_layer, shapely_lines, show_candidates
from ...adapters.messages import error_text, localize
from ...adapters.tasks import EngineTask
from ...core.engine.raster import MosaicSpec
from ...core.errors import TsmError
from ...core.learn.iterations import log_iteration, read_log
from ...core.progress import Progress
from ...core.review.decisions import (
    cohen_kappa,
    counts,
    disputed,
    next_unreviewed,
    order_queue,
    record_decision,
    reviewer_statuses,
    reviewers,
    undo_decision,
)
from ...core.review.first_seen import set_first_seen
from ...core.review.inventory import INVENTORY_LAYER, export_inventory
from ...core.review.thumbnails import timelapse, window_bounds
from ...core.store.candidate_dates import read_candidate_dates
from ...core.store.candidates import fill_imagery_dates, read_candidates, run_band_maps
from ...core.store.gpkg import connect, table_srs
from ...core.store.training_layers import ArtsContext
from ..widgets import disconnect
from .dialogs import ExportDialog, TimelapseDialog, UndoDialog
from .dock import ReviewDock, status_label, thumbnail_pixmap
from .inventory_actions import InventoryActions
from .keys import ReviewKeys

LOGGER = logging.getLogger("thaw_slump_mapper.review")
PREFETCH = 3
CURRENT_COLOUR = QColor(0, 229, 255)  # the candidate under review on the map


def context_margin(size: float, unit_m: float = 1.0) -> float:
    """How much map to show on each side of a candidate ``size`` across (map units): 60 % of its
    size, so the slump fills about half the map's width, and at least 150 m so a small one keeps
    its slope around it."""
    return max(0.6 * size, 150.0 / unit_m)


def seen_dates(detected: str | None) -> str:
    """The dates a candidate was detected on, for the header: all of a few; of a run over dozens of
    dates (49 Sentinel-2 scenes: 538 characters, ten lines that pushed the decision keys away) the
    count and the first and last."""
    dates = [d for d in (detected or "").split(",") if d]
    if len(dates) <= 4:
        return ",".join(dates) or "-"
    return tr("{first} to {last} ({n} dates)").format(first=dates[0], last=dates[-1], n=len(dates))


class ReviewController(QObject):
    def __init__(self, iface, dock: ReviewDock, mosaics_source) -> None:
        """``mosaics_source()`` returns the (path, date) pairs of the ticked mosaics."""
        super().__init__(dock)
        self.iface, self.dock, self.mosaics_source = iface, dock, mosaics_source
        self.gpkg = ""
        self.crs = ""
        self.band_maps: dict[str, dict[str, int]] = {}
        self.queue: list[dict] = []
        self.all_rows: list[dict] = []  # every candidate of the file (the queue may be filtered)
        self.index = -1
        self.history: list[int] = []
        self.thumbs: dict[str, list] = {}
        self._thumb_sizes: dict[str, int] = {}  # the size each candidate's thumbnails were read at
        self.band = None
        self.disagreements: list[str] = []
        dock.open_requested.connect(self.open)
        dock.decided.connect(self.decide)
        dock.skip_requested.connect(self.skip)
        dock.back_requested.connect(self.back)
        dock.outline_toggled.connect(lambda _: self.show(self.index))
        dock.agreement_requested.connect(self.show_agreement)
        dock.edit_requested.connect(self.edit_current)
        dock.add_missed_requested.connect(self.add_missed)
        dock.save_edits_requested.connect(self.save_edits)
        dock.export_requested.connect(self.export_dialog)
        dock.thumbnail_clicked.connect(self.enlarge)
        dock.train_requested.connect(self.train)
        dock.cancel_training_requested.connect(self.cancel_training)
        dock.jump_requested.connect(self.jump)
        dock.undo_requested.connect(self.undo_dialog)
        dock.first_seen_chosen.connect(self.correct_first_seen)
        self.change_rows: dict[str, list[dict]] = {}  # candidate_id → its candidate_dates rows, read once
        self.log: list[tuple] = []  # (Decision, queue row) of this session, oldest first: the list undo
        dock.thumb_size.blockSignals(True)
        dock.thumb_size.setValue(settings.load().thumbnail_px)  # the size the reviewer chose last time
        dock.thumb_size.blockSignals(False)
        dock.thumbnail_size_changed.connect(self._thumbnail_size_changed)
        self.training: EngineTask | None = None
        self.on_new_model = None  # set by the plugin: registers a fine-tuned model in the inference dock
        self.model_source = None  # set by the plugin: the model chosen in the inference dock
        self.editing: str | None = None  # candidate being reshaped, or "missed" while drawing new ones
        self.added: list[str] = []
        self.dialog = None  # the time-lapse window, when open
        self.keys = ReviewKeys(dock, self._key_targets)
        self.inventory = InventoryActions(self)  # known slumps and training from an existing inventory
        project = QgsProject.instance()
        project.readProject.connect(self._project_changed)
        project.cleared.connect(self._project_changed)
        self._project_changed()

    def _key_targets(self) -> list:
        canvas = self.iface.mapCanvas()
        return [canvas, canvas.viewport() if canvas is not None else None, self.dialog]

    def _project_changed(self, *_) -> None:
        """Another project: its own candidates file (the last run's), and no review left open."""
        path, _ok = QgsProject.instance().readEntry("thaw_slump_mapper", "candidates", "")
        self.dock.gpkg.setFilePath(path)
        self.dock.restore_training_choices(QgsProject.instance())
        if self.queue:
            self.queue, self.index = [], -1
            self.keys.set_active(False)
            self.dock.set_active(False)
            self._clear_band()

    def unload(self) -> None:
        project = QgsProject.instance()
        disconnect((project.readProject, project.cleared), self._project_changed)
        self.keys.close()
        self._clear_band()

    def _message(self, text: str, level=Qgis.MessageLevel.Warning) -> None:
        self.iface.messageBar().pushMessage(tr("Thaw Slump Mapper"), text, level, 8)

    def open(self, gpkg: str, order: str) -> bool:
        if not gpkg or not Path(gpkg).is_file():
            self._message(tr("Choose a candidates GeoPackage first (the inference panel writes one)."))
            return False
        try:
            rows = read_candidates(gpkg)
            band_maps = run_band_maps(gpkg)
            conn = connect(gpkg, create=False)
            try:
                self.crs = table_srs(conn, "candidates")[1]
            finally:
                conn.close()
        except TsmError as exc:  # a damaged file, a foreign table: the message and its fix, translated
            self._message(error_text(exc), Qgis.MessageLevel.Critical)
            return False
        except Exception as exc:  # noqa: BLE001 - a foreign file must not raise into Qt
            self._message(tr("Cannot read candidates from {path}: {error}").format(path=gpkg, error=exc),
                          Qgis.MessageLevel.Critical)
            return False
        self.gpkg = gpkg
        self.band_maps = band_maps  # the thumbnails read each mosaic's bands as the run did
        # the queue shows THIS reviewer's verdicts: a second reviewer starts from zero
        prefs = settings.load()
        if prefs.reviewer:
            mine = reviewer_statuses(gpkg, prefs.reviewer)
            for row in rows:
                row["status"] = mine.get(row["candidate_id"], "unreviewed")
        self.all_rows = rows
        self.change_rows.clear()
        self.queue = order_queue(self._filtered(rows), order, threshold=prefs.threshold)
        self.thumbs.clear()
        self.history.clear()
        if gpkg != getattr(self, "_log_file", None):  # another file: its decisions are not this one's to undo
            self.log, self._log_file = [], gpkg
        show_candidates(QgsProject.instance(), gpkg)
        self.dock.show_iterations(read_log(gpkg))
        self.dock.set_active(bool(self.queue))
        self.keys.set_active(bool(self.queue))
        self.dock.source_group.setCollapsed(bool(self.queue))  # the candidate and its years in view
        self.dock.set_queue(self.queue)
        first = next_unreviewed(self.queue, -1)
        self.show(first if first is not None else 0)
        if self.queue:
            self.dock.setFocus()
            self.dock.reveal_review()
            QTimer.singleShot(0, self.dock.reveal_review)  # again once the folded group is laid out
        return True

    def file_changed(self, gpkg: str) -> None:
        """A run wrote into the file under review: the queue and counters follow the file at once
        (new candidates join, merged ones go), and the reviewer stays on the candidate in view."""
        if not self.gpkg or not gpkg or Path(gpkg).resolve() != Path(self.gpkg).resolve():
            return
        current = self.queue[self.index]["candidate_id"] if self.queue and 0 <= self.index < len(self.queue) else None
        if not self.open(self.gpkg, self.dock.order.currentData()):
            return
        at = next((i for i, r in enumerate(self.queue) if r["candidate_id"] == current), None)
        if at is not None:
            self.show(at)

    def _filtered(self, rows: list[dict]) -> list[dict]:
        show = self.dock.show_filter.currentData()
        if show == "disagreements":  # those no adjudication has settled yet
            keep = set(disputed(self.gpkg))
            rows = [r for r in rows if r["candidate_id"] in keep]
        elif show != "all":
            rows = [r for r in rows if (r.get("status") or "unreviewed") == show]
        min_m2 = self.dock.min_ha.value() * 1e4
        rows = [r for r in rows if (r.get("area_m2") or r["geometry"].area) >= min_m2]
        if self.dock.new_only.isChecked():  # slumps an existing inventory already holds are not shown
            rows = [r for r in rows if not r.get("known_uid")]
        seen = self.dock.seen_in.text().strip()
        if seen:
            rows = [r for r in rows if seen in (r.get("dates_detected") or "")]
        return rows

    def reviewer(self) -> str:
        prefs = settings.load()
        if prefs.reviewer:
            return prefs.reviewer
        name, ok = QInputDialog.getText(self.iface.mainWindow(), tr("Reviewer"),
                                        tr("Your name, recorded with every decision:"), QLineEdit.EchoMode.Normal, "")
        # the keys that follow go to the review again, not to wherever the dialog left the focus
        self.iface.mainWindow().activateWindow()
        self.dock.setFocus()
        if ok and name.strip():
            settings.save(replace(prefs, reviewer=name.strip()))
            return name.strip()
        return ""

    @staticmethod
    def _arts_context(reviewer: str) -> ArtsContext:
        # data for the ARTS fields, not interface text: the core defaults fill what settings leave empty
        prefs = settings.load()
        given = {"region_name": prefs.region_name, "creator_lab": prefs.creator_lab or reviewer}
        return ArtsContext(**{k: v for k, v in given.items() if v})

    def _thumb_px(self) -> int:
        """The chosen thumbnail size, smaller where the years would not fit side by side in the panel."""
        count = len(self.mosaics_source()) + (self.dock.extra_layer.currentLayer() is not None)
        return self.dock.fitted_px(count)

    def _thumbnails(self, row: dict) -> list:
        cid = row["candidate_id"]
        size = self._thumb_px()
        if cid not in self.thumbs or self._thumb_sizes.get(cid) != size:
            mosaics = self.mosaics_source()
            self.thumbs[cid] = timelapse(mosaics, row["geometry"], self.crs, size=size, band_maps=self.band_maps,
                                         date_outlines=self._date_outlines(row)) if mosaics else []
            self._thumb_sizes[cid] = size
        return self.thumbs[cid]

    def _prefetch(self) -> None:
        for k in range(1, PREFETCH + 1):
            if 0 <= self.index + k < len(self.queue):
                self._thumbnails(self.queue[self.index + k])

    def _clear_band(self) -> None:
        if self.band is not None:
            self.iface.mapCanvas().scene().removeItem(self.band)
            self.band = None

    def show(self, index: int) -> None:
        self._update_counters()
        if not self.queue or index is None or not 0 <= index < len(self.queue):
            return
        self.index = index
        row = self.queue[index]
        geom = QgsGeometry.fromWkt(row["geometry"].wkt)
        canvas = self.iface.mapCanvas()
        xform = QgsCoordinateTransform(QgsCoordinateReferenceSystem.fromWkt(self.crs),
                                       canvas.mapSettings().destinationCrs(), QgsProject.instance())
        geom.transform(xform)
        rect = geom.boundingBox()
        # the slump and its slope around it, the slump a sensible share of the map: a 196 ha slump
        # was shown at 1:91,205 (a margin of three times its size), now at about half the map's width
        rect.grow(context_margin(max(rect.width(), rect.height()), metres_per_unit(canvas.mapUnits())))
        canvas.setExtent(QgsRectangle(rect))
        canvas.refresh()
        self._clear_band()
        self.band = QgsRubberBand(canvas, GEOMETRY_POLYGON)
        self.band.setToGeometry(geom, None)
        # cyan on a dark halo: neither QGIS's yellow selection nor the candidates' yellow-to-red outlines
        self.band.setColor(CURRENT_COLOUR)
        self.band.setFillColor(QColor(0, 0, 0, 0))
        self.band.setWidth(4)
        if hasattr(self.band, "setSecondaryStrokeColor"):
            self.band.setSecondaryStrokeColor(QColor(0, 0, 0, 200))
        show = self.dock.show_outline.isChecked()
        strip = [(t.date, self._pixmap(t, show)) for t in self._thumbnails(row)]
        extra = self.dock.extra_layer.currentLayer()
        if extra is not None:
            strip.append((extra.name(), render_layer(extra, window_bounds(row["geometry"]), self.crs,
                                                     self._thumb_px())))
        status = status_label(row.get("status") or "unreviewed")
        if row.get("known_uid") and not self.dock.blind.isChecked():  # blind: nothing but the images
            status += " · " + tr("already in {source} ({uid})").format(source=row.get("known_source") or "-",
                                                                     uid=row["known_uid"])
        if self.dock.blind.isChecked():  # no score, no detection years: judge the images alone
            header = tr("Candidate {n} of {total} · {ha:.2f} ha · {status}").format(
                n=index + 1, total=len(self.queue), ha=(row.get("area_m2") or 0) / 1e4, status=status)
        else:
            header = tr("Candidate {n} of {total} · probability {p:.2f} · {ha:.2f} ha · seen {dates} · "
                        "{status}").format(n=index + 1, total=len(self.queue), p=row.get("max_prob") or 0.0,
                                           ha=(row.get("area_m2") or 0) / 1e4,
                                           dates=seen_dates(row.get("dates_detected")), status=status)
        self.dock.set_candidate(header, strip)
        self.dock.set_change(self._change_rows(row), row)
        self.dock.select_in_queue(index)
        if self.dialog is not None and self.dialog.isVisible():  # the time-lapse follows the candidate
            self.enlarge(self.dialog.index)
        QTimer.singleShot(0, self._prefetch)  # the next thumbnails are ready before they are asked for

    def _change_rows(self, row: dict) -> list[dict]:
        """The candidate's per-date measures (candidate_dates); [] for a single-date run or an older file."""
        cid = row["candidate_id"]
        if cid not in self.change_rows:
            try:
                self.change_rows[cid] = read_candidate_dates(self.gpkg, cid)
            except TsmError as exc:  # a damaged file: the review goes on without the change
                LOGGER.warning("candidate_dates of %s not read: %s", cid, exc)
                self.change_rows[cid] = []
        return self.change_rows[cid]

    def _date_outlines(self, row: dict) -> dict:
        """date → that date's own outline of the candidate (candidate_dates), for its thumbnail."""
        return {c["date"]: c["geometry"] for c in self._change_rows(row) if c["geometry"] is not None}

    def _pixmap(self, thumb, show: bool):
        """A thumbnail with the candidate's outline and, where the file holds one, that date's own."""
        if thumb.rgb is None:
            return None
        return thumbnail_pixmap(thumb.rgb, thumb.outline, show, thumb.date_outline if show else None)

    def correct_first_seen(self, date: str | None) -> bool:
        """The reviewer's first date seen for the current candidate (None: back to the model's),
        saved at once in first_date_seen_reviewer; the model's first_date_seen is left as it was."""
        if not self.queue or self.index < 0:
            return False
        row = self.queue[self.index]
        try:
            set_first_seen(self.gpkg, row["candidate_id"], date)
        except TsmError as exc:
            self._message(error_text(exc), Qgis.MessageLevel.Critical)
            return False
        for item in (row, *(r for r in self.all_rows if r["candidate_id"] == row["candidate_id"])):
            item["first_date_seen_reviewer"] = date
        self.dock.set_change(self._change_rows(row), row)
        self.dock.setFocus()  # the review keys work again at once
        return True

    def enlarge(self, start: int) -> None:
        """The current candidate's years large, to step through or play as an animation."""
        if not self.queue or self.index < 0:
            return
        row = self.queue[self.index]
        show = self.dock.show_outline.isChecked()
        shown = self.dialog is not None and self.dialog.isVisible()
        screen = self.iface.mainWindow().screen()
        px = self.dialog.frame_px() if shown else TimelapseDialog.initial_px(
            screen.availableGeometry().height() if screen is not None else 768)
        # read from the imagery at the enlarged size, never the thumbnails scaled up
        frames = [(t.date, self._pixmap(t, show))
                  for t in timelapse(self.mosaics_source(), row["geometry"], self.crs, size=px, sharp=True,
                                     band_maps=self.band_maps, date_outlines=self._date_outlines(row))]
        extra = self.dock.extra_layer.currentLayer()
        if extra is not None:
            frames.append((extra.name(), render_layer(extra, window_bounds(row["geometry"]), self.crs, px)))
        if not frames:
            return
        start = min(start, len(frames) - 1)
        if shown:
            self.dialog.set_frames(frames, start, px)
            return
        self.dialog = TimelapseDialog(self.iface.mainWindow(), frames, start, px)
        self.dialog.size_changed.connect(lambda: self.enlarge(self.dialog.index))
        self.keys.refresh()  # A, R, 1-9… decide from the time-lapse window too
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()  # Space plays here, not in the dock behind it

    def _update_counters(self) -> None:
        c = counts(self.all_rows)
        self.dock.set_counters(tr("{reviewed} of {total} reviewed · {accepted} accepted · {rejected} rejected · "
                                  "{unsure} unsure").format(**c))

    def decide(self, status: str, reason: str) -> None:
        if not self.queue or self.index < 0:
            return
        reviewer = self.reviewer()
        if not reviewer:
            self._message(tr("A reviewer name is needed to record decisions."))
            return
        row = self.queue[self.index]
        context = self._arts_context(reviewer)
        try:
            decision = record_decision(self.gpkg, row["candidate_id"], status, reviewer,
                            reject_reason=reason or None if status == "rejected" else None,
                            confidence=self.dock.confidence.currentData() if status == "accepted" else None,
                            notes=self.dock.notes.text().strip() or None, context=context,
                            # going through the disagreements is adjudicating them
                            adjudicate=self.dock.show_filter.currentData() == "disagreements",
                            **(self.dock.decision_details() if status == "accepted" else {}))
        except TsmError as exc:
            self._message(error_text(exc), Qgis.MessageLevel.Critical)
            return
        self.log.append((decision, row))
        row["status"] = status
        self.dock.set_queue_status(self.index, status)
        self.history.append(self.index)
        for layer in QgsProject.instance().mapLayers().values():
            if layer.customProperty("thaw_slump_mapper/candidates") == self.gpkg:
                layer.triggerRepaint()
        nxt = next_unreviewed(self.queue, self.index)
        if nxt is None:
            self._update_counters()
            self._message(tr("Every candidate has been reviewed."), Qgis.MessageLevel.Success)
            return
        self.show(nxt)

    def undo_dialog(self) -> None:
        """The session's decisions as a list, newest first; the reviewer takes back several at once."""
        if not self.log:
            self._message(tr("No decision of this session to undo."), Qgis.MessageLevel.Info)
            return
        position = {r["candidate_id"]: i for i, r in enumerate(self.queue)}
        entries = []
        for decision, _row in reversed(self.log[-100:]):
            at = position.get(decision.candidate_id)
            where = tr("candidate {n}").format(n=at + 1) if at is not None else tr("drawn slump")
            entries.append(tr("{status} · {where} · {time} UTC").format(
                status=status_label(decision.status), where=where, time=decision.decided_at[11:19]))
        dialog = UndoDialog(self.iface.mainWindow(), entries)
        if dialog.exec():
            self.undo_last(dialog.count())
        self.dock.setFocus()

    def undo_last(self, n: int) -> int:
        """Take back the ``n`` newest decisions of this session, newest first; the map and the
        dock go to the oldest one taken back. Returns how many were undone."""
        done, context = 0, self._arts_context(settings.load().reviewer or "")
        shown = None
        while self.log and done < n:
            decision, row = self.log[-1]
            try:
                undo_decision(self.gpkg, decision, context)
            except TsmError as exc:
                self._message(error_text(exc), Qgis.MessageLevel.Critical)
                break
            self.log.pop()
            done += 1
            previous = decision.previous.get("status") or "unreviewed"
            for item in (row, *(r for r in self.all_rows if r["candidate_id"] == decision.candidate_id)):
                if item:
                    item["status"] = previous
            at = next((i for i, r in enumerate(self.queue) if r["candidate_id"] == decision.candidate_id), None)
            if at is not None:
                self.dock.set_queue_status(at, previous)
                shown = at
        for layer in QgsProject.instance().mapLayers().values():
            if layer.customProperty("thaw_slump_mapper/candidates") == self.gpkg:
                layer.triggerRepaint()
        if shown is not None:
            self.show(shown)
        else:
            self._update_counters()
        if done:
            self._message(plural(done, tr("{n} decision undone."), tr("{n} decisions undone.")).format(n=done),
                          Qgis.MessageLevel.Info)
        return done

    def show_agreement(self) -> None:
        if not self.gpkg:
            self._message(tr("Open a candidates GeoPackage first."))
            return
        names = reviewers(self.gpkg)
        if len(names) < 2:
            self._message(tr("Agreement needs decisions from two reviewers; so far: {names}.").format(
                names=", ".join(names) or "-"), Qgis.MessageLevel.Info)
            return
        verdicts = {n: reviewer_statuses(self.gpkg, n) for n in names}
        lines = []
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                kappa, disagreements = cohen_kappa(verdicts[a], verdicts[b])
                common = len(set(verdicts[a]) & set(verdicts[b]))
                lines.append(tr("{a} and {b}: κ = {kappa:.2f} over {n} candidates, {d} disagreements").format(
                    a=a, b=b, kappa=kappa, n=common, d=len(disagreements)))
                self.disagreements = disagreements
        open_disputes = len(disputed(self.gpkg))
        lines.append(tr("{n} candidates where the reviewers disagree are left out of training (status unsure) until "
                        "settled: show 'reviewers disagree' and decide them; those decisions settle them.").format(
            n=open_disputes) if open_disputes else tr("Every disagreement is settled."))
        QMessageBox.information(self.iface.mainWindow(), tr("Agreement between reviewers"), "\n".join(lines))

    def _layer(self):
        # the layer as it is (a reload would drop the selection and the edit buffer)
        return candidates_layer(QgsProject.instance(), self.gpkg) or show_candidates(QgsProject.instance(), self.gpkg)

    def edit_current(self) -> None:
        """Reshape the current candidate with QGIS's own digitising tools (vertex tool, reshape,
        split…); 'Save edits and accept' records the edited outline."""
        if not self.queue or self.index < 0:
            return
        layer = self._layer()
        cid = self.queue[self.index]["candidate_id"]
        layer.startEditing()
        layer.selectByExpression(f"\"candidate_id\" = '{cid}'")
        self.iface.setActiveLayer(layer)
        self.iface.actionVertexTool().trigger()
        self.editing = cid
        self.dock.header.setText(self.dock.header.text() + " · " + tr("editing: reshape, then Ctrl+Return"))

    def add_missed(self) -> None:
        """Draw a slump the model missed; it becomes an accepted candidate when saved."""
        if not self.gpkg:
            self._message(tr("Open a candidates GeoPackage first."))
            return
        layer = self._layer()
        field = layer.fields().indexOf("candidate_id")
        layer.setDefaultValueDefinition(field, QgsDefaultValue("substr(uuid(), 2, 36)"))
        # no attribute form to fill (it showed fid, model_sha256…): the id is made, the rest is the review's
        config = layer.editFormConfig()
        self._form_suppress = config.suppress()
        config.setSuppress(FORM_SUPPRESS_ON)
        layer.setEditFormConfig(config)
        layer.startEditing()
        self.added = []
        layer.committedFeaturesAdded.connect(self._collect_added)
        self.iface.setActiveLayer(layer)
        self.iface.actionAddFeature().trigger()
        self.editing = "missed"
        self.dock.header.setText(self.dock.header.text() + " · " + tr(
            "drawing a missed slump: outline it on the map (right-click ends it), then Ctrl+Return saves it"))

    def _collect_added(self, _layer_id, features) -> None:
        self.added += [f["candidate_id"] for f in features]

    def save_edits(self) -> None:
        if self.editing is None:
            return
        layer = self._layer()
        if layer.isEditable() and not layer.commitChanges():
            self._message(tr("QGIS could not save the edits: {errors}").format(
                errors="; ".join(layer.commitErrors())), Qgis.MessageLevel.Critical)
            return
        reviewer = self.reviewer()
        if not reviewer:
            return
        context = self._arts_context(reviewer)
        if self.editing == "missed":
            disconnect((layer.committedFeaturesAdded,), self._collect_added)
            if getattr(self, "_form_suppress", None) is not None:  # the layer's form as it was
                config = layer.editFormConfig()
                config.setSuppress(self._form_suppress)
                layer.setEditFormConfig(config)
                self._form_suppress = None
            # drawn on the ticked mosaics: their dates are the imagery's (ARTS BaseMapDate), not today's
            fill_imagery_dates(self.gpkg, self.added, [d for _, d in self.mosaics_source()])
            for cid in self.added:
                self.log.append((record_decision(self.gpkg, cid, "accepted", reviewer, context=context, edited=True,
                                                 notes=tr("drawn by hand: missed by the model")), {}))
            self._message(plural(len(self.added), tr("{n} missed slump added to the positives."),
                                 tr("{n} missed slumps added to the positives.")).format(n=len(self.added)),
                          Qgis.MessageLevel.Success)
            self.editing = None
            order = self.dock.order.currentData()
            current = self.queue[self.index]["candidate_id"] if self.queue else None
            self.open(self.gpkg, order)
            if current is not None:
                self.show(next(i for i, r in enumerate(self.queue) if r["candidate_id"] == current))
            return
        cid, self.editing = self.editing, None
        # the queue keeps the outline read at open time: refresh it from the file
        fresh = {r["candidate_id"]: r for r in read_candidates(self.gpkg)}
        self.queue[self.index]["geometry"] = fresh[cid]["geometry"]
        self.thumbs.pop(cid, None)
        self.log.append((record_decision(self.gpkg, cid, "accepted", reviewer, context=context, edited=True,
                                         notes=self.dock.notes.text().strip() or None,
                                         **self.dock.decision_details()), self.queue[self.index]))
        self.queue[self.index]["status"] = "accepted"
        nxt = next_unreviewed(self.queue, self.index)
        self.show(nxt if nxt is not None else self.index)

    def export_dialog(self) -> None:
        if not self.gpkg:
            self._message(tr("Open a candidates GeoPackage first."))
            return
        dialog = ExportDialog(self.iface.mainWindow(), str(Path(self.gpkg).with_name("rts_inventory.gpkg")))
        if dialog.exec():
            self.export(dialog.output.filePath(), dialog.roads.currentLayer(), dialog.distance.value(),
                        dialog.dem.currentLayer())

    def export(self, out: str, roads_layer=None, near_m: float = 500.0, dem_layer=None, overwrite=None) -> int:
        """Write the inventory; asks before replacing an existing file (unless ``overwrite`` says)."""
        if not out:
            return -1
        if Path(out).exists() and overwrite is None:
            answer = QMessageBox.question(self.iface.mainWindow(), tr("Export inventory"),
                                          tr("{path} exists. Replace it?").format(path=out))
            overwrite = answer == QMessageBox.StandardButton.Yes
            if not overwrite:
                return -1
        roads = shapely_lines(roads_layer, self.crs) if roads_layer is not None else None
        dem = raster_file(dem_layer) if dem_layer is not None else None
        try:
            n = export_inventory(self.gpkg, out, overwrite=bool(overwrite), roads=roads, near_m=near_m,
                                 dem_path=dem or None, context=self._arts_context(settings.load().reviewer or ""))
        except TsmError as exc:
            self._message(error_text(exc), Qgis.MessageLevel.Critical)
            return -1
        layer = QgsVectorLayer(f"{out}|layername={INVENTORY_LAYER}", tr("RTS inventory"), "ogr")
        if layer.isValid():
            QgsProject.instance().addMapLayer(layer)
        self._message(plural(n, tr("{n} accepted slump exported to {path}."),
                             tr("{n} accepted slumps exported to {path}.")).format(n=n, path=out),
                      Qgis.MessageLevel.Success)
        return n

    def train(self, steps: int, from_scratch: str = "") -> EngineTask | None:
        """Export training chips from this GeoPackage's decisions and fine-tune the model chosen
        in the inference panel, in the background; the new version joins the model chooser."""
        if self.training is not None or not self.gpkg:
            self._message(tr("Open a candidates GeoPackage (with reviewed slumps) first.") if not self.gpkg
                          else tr("A training run is already going."))
            return None
        model_path = self.model_source() if self.model_source is not None else ""
        pth = Path(model_path).with_suffix(".pth") if model_path else None
        # a new network needs only the model's description; fine-tuning needs its weights
        if pth is None or not (pth.exists() or (from_scratch and pth.with_name(pth.name + ".json").exists())):
            self._message(tr("Fine-tuning needs the model's Torch weights (.pth beside the .onnx, as the starter "
                             "model has)."), Qgis.MessageLevel.Warning)
            return None
        mosaics = [MosaicSpec(p, d) for p, d in self.mosaics_source()]
        if not mosaics:
            self._message(tr("Tick the mosaics in the inference panel first."))
            return None
        gpkg = self.gpkg
        out = Path(gpkg).parent / f"{Path(gpkg).stem}_training"

        def work(progress, cancel):
            from ...core.engine.models import load_model
            from ...core.learn.chips import export_chips
            from ...core.learn.finetune import fine_tune

            spec = load_model(model_path, "cpu", measure=False).spec
            iteration = len(read_log(gpkg)) + 1
            chips = export_chips(gpkg, mosaics, spec, out / f"chips_{iteration}")
            cancel.check()

            def step(done: int, total: int, loss: float) -> None:
                last["loss"] = loss  # read by the GUI thread when the progress signal arrives
                progress(Progress(done, total, "training", 0.0))

            result = fine_tune(pth, out / f"chips_{iteration}", out / f"model_{iteration}", steps=steps,
                               progress=step, cancel=cancel, from_scratch=from_scratch or None,
                               on_validation=lambda _step, iou: last.update(val=iou))
            result["chips"] = chips["counts"]
            return result

        last = {"loss": float("nan"), "val": None}
        return self.start_training_task(tr("Thaw slump fine-tuning"), work, last, self._trained)

    def start_training_task(self, description: str, work, last: dict, on_success) -> EngineTask:
        """A training run in the background, its step, loss and validation IoU (``last``, updated by
        ``work``) shown in the dock."""
        task = EngineTask(description, work)
        task.tiles.connect(lambda done, total, *_: self.dock.set_training_progress(done, total, last["loss"],
                                                                                  last["val"]))
        task.succeeded.connect(on_success)
        task.failed.connect(self._training_failed)
        task.cancelled.connect(self._training_cancelled)
        self.training = task
        self.dock.set_training(True)
        QgsApplication.taskManager().addTask(task)
        return task

    def cancel_training(self) -> None:
        if self.training is not None:
            self.training.cancel()

    def _trained(self, result: dict) -> None:
        self.training = None
        self.dock.set_training(False)
        onnx = str(result["paths"]["onnx"])
        if self.on_new_model is not None:
            self.on_new_model(onnx)
        from ...core.engine.models import load_model

        spec = load_model(onnx, "cpu", measure=False).spec
        log_iteration(self.gpkg, spec.name, spec.version, len(self.all_rows), val_iou=result["val_iou_after"],
                      notes=tr("fine-tuned from the decisions in this file"))
        self.dock.show_iterations(read_log(self.gpkg))
        self.dock.train_progress.setFormat(tr("done: {version}").format(version=spec.version))
        self._message(tr("Model {version} trained (validation IoU {before} → {after}) and added to the model "
                         "chooser.").format(version=spec.version, before=score(result["val_iou_before"]),
                                            after=score(result["val_iou_after"])), Qgis.MessageLevel.Success)
        if result.get("notice"):  # e.g. pretrained weights not installed: trained from random weights
            self._message(localize(result["notice"]), Qgis.MessageLevel.Info)

    def _training_failed(self, message: str, detail: str) -> None:
        self.training = None
        self.dock.set_training(False)
        self.dock.train_progress.setFormat(tr("failed"))
        self.iface.messageBar().pushMessage(tr("Thaw Slump Mapper"), message, detail, Qgis.MessageLevel.Critical, 0)

    def _training_cancelled(self) -> None:
        self.training = None
        self.dock.set_training(False)
        self.dock.train_progress.setFormat(tr("cancelled"))

    def _thumbnail_size_changed(self, size: int) -> None:
        self.thumbs.clear()  # made again at the new size, from the imagery, not scaled up
        settings.save(replace(settings.load(), thumbnail_px=size))
        if self.queue and self.index >= 0:
            self.show(self.index)

    def jump(self, index: int) -> None:
        """A candidate clicked in the dock's list: show it; the keys decide it as usual."""
        if 0 <= index < len(self.queue) and index != self.index:
            if self.index >= 0:
                self.history.append(self.index)
            self.show(index)

    def skip(self) -> None:
        if self.queue:
            self.history.append(self.index)
            self.show((self.index + 1) % len(self.queue))

    def back(self) -> None:
        if self.history:
            self.show(self.history.pop())
