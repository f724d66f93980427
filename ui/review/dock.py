"""The review dock: one candidate at a time with its time-lapse strip, decided by keyboard.

Shown state only; the controller (ui.review.controller) reads the queue, commits each
decision to the GeoPackage at once, and moves the map.
"""

from __future__ import annotations

import json

from qgis.gui import QgsCollapsibleGroupBox, QgsDockWidget, QgsFileWidget
from qgis.PyQt.QtCore import QPointF, Qt, QTimer, pyqtSignal
from qgis.PyQt.QtGui import QColor, QImage, QKeySequence, QPainter, QPen, QPixmap, QPolygonF
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...adapters.i18n import plural, tr
from ...adapters.processing.change_algorithm import growth_text
from ...adapters.qt_compat import QShortcut, sequence_code
from ...core.learn.finetune import ARCHITECTURES
from ...core.preferences import FINE_TUNE_STEPS, NEW_NETWORK_STEPS
from ...core.review.decisions import ACTIVITIES, CONFIDENCES, CRITERIA, ORDERS, REJECT_REASONS
from ..widgets import help_row, narrow, scrolling
from .change_plot import DATE_OUTLINE_COLOUR, ChangePlot
from .keys import KeyPace, now


def reason_label(reason: str) -> str:
    return {
        "water": tr("water"), "snow_ice": tr("snow or ice"), "cloud_shadow": tr("cloud or shadow"),
        "bare_rock": tr("bare rock or rugged terrain"), "infrastructure": tr("infrastructure or pit"),
        "drained_pond": tr("drained pond"), "nodata_seam": tr("NoData or seam"),
        "other_landform": tr("other landform"), "other": tr("other"),
    }[reason]


def order_label(order: str) -> str:
    return {"probability": tr("most probable first"), "uncertainty": tr("closest to the threshold first"),
            "growth": tr("fastest growing first"), "position": tr("row by row across the map"),
            "shuffled": tr("shuffled (blind)")}[order]


def activity_label(activity: str) -> str:
    return {"active": tr("active"), "stabilised": tr("stabilised")}[activity]


def criterion_label(criterion: str) -> str:
    return {"headwall_highest": tr("headwall at the highest elevation"),
            "colour_contrast": tr("colour contrast with the surroundings"),
            "arcuate_shaded_headwall": tr("arcuate, shaded headwall"),
            "upslope_retreat": tr("upslope retreat across years")}[criterion]


def status_label(status: str) -> str:
    return {"unreviewed": tr("undecided"), "accepted": tr("accepted"), "rejected": tr("rejected"),
            "unsure": tr("unsure")}.get(status, status)


def confidence_label(level: str) -> str:
    return {"high": tr("high"), "medium": tr("medium"), "low": tr("low")}[level]


def thumbnail_pixmap(rgb, outline, show_outline: bool, date_outline=None) -> QPixmap:
    """QPixmap of an H×W×3 uint8 array with the candidate outline drawn on top, and that date's
    own detection (``date_outline``, rings in pixels, from candidate_dates) dashed in magenta."""
    h, w, _ = rgb.shape
    image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
    if show_outline:
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(255, 220, 0), 1.5))
        for ring in outline:
            painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in ring]))
        if date_outline:
            painter.setPen(QPen(DATE_OUTLINE_COLOUR, 1.5, Qt.PenStyle.DashLine))
            for ring in date_outline:
                painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in ring]))
        painter.end()
    return QPixmap.fromImage(image)


class ReviewDock(QgsDockWidget):
    open_requested = pyqtSignal(str, str)  # gpkg path, queue order
    decided = pyqtSignal(str, str)  # status, reject reason ('' unless rejected)
    skip_requested = pyqtSignal()
    back_requested = pyqtSignal()
    outline_toggled = pyqtSignal(bool)
    agreement_requested = pyqtSignal()
    edit_requested = pyqtSignal()
    add_missed_requested = pyqtSignal()
    save_edits_requested = pyqtSignal()
    export_requested = pyqtSignal()
    thumbnail_clicked = pyqtSignal(int)
    train_requested = pyqtSignal(int, str)  # steps, architecture to train from scratch ('' = fine-tune)
    train_inventory_requested = pyqtSignal(int, str)  # the same, from an existing inventory's polygons
    mark_known_requested = pyqtSignal()
    cancel_training_requested = pyqtSignal()
    undo_requested = pyqtSignal()
    jump_requested = pyqtSignal(int)  # index in the queue of a candidate clicked in the list
    thumbnail_size_changed = pyqtSignal(int)
    first_seen_chosen = pyqtSignal(object)  # the reviewer's first date seen; None: the model's

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Thaw Slump Review"), parent)
        self.setObjectName("ThawSlumpMapperReviewDock")
        body = QWidget(self)
        layout = QVBoxLayout(body)

        layout.addLayout(help_row("review"))
        source = QgsCollapsibleGroupBox(tr("Candidates"), body)
        source.setObjectName("ThawSlumpMapperCandidatesGroup")
        self.source_group = source  # folded once a review starts: the thumbnails need the room
        form = QFormLayout(source)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.gpkg = QgsFileWidget()
        self.gpkg.setFilter(tr("GeoPackage (*.gpkg)"))
        form.addRow(tr("Candidates GeoPackage"), self.gpkg)
        self.order = QComboBox()
        for order in ORDERS:
            self.order.addItem(order_label(order), order)
        form.addRow(tr("Order"), self.order)
        filters = QHBoxLayout()
        self.show_filter = QComboBox()
        for key, label in (("unreviewed", tr("undecided by me")), ("all", tr("all")),
                           ("accepted", tr("accepted")), ("rejected", tr("rejected")), ("unsure", tr("unsure")),
                           ("disagreements", tr("reviewers disagree"))):
            self.show_filter.addItem(label, key)
        filters.addWidget(self.show_filter, 1)
        self.min_ha = QDoubleSpinBox()
        self.min_ha.setRange(0, 1000)
        self.min_ha.setDecimals(2)
        self.min_ha.setSingleStep(0.05)
        self.min_ha.setPrefix(tr("≥ "))
        self.min_ha.setSuffix(tr(" ha"))
        filters.addWidget(self.min_ha)
        self.seen_in = QLineEdit()
        self.seen_in.setPlaceholderText(tr("seen in (date)"))
        form.addRow(tr("Show"), filters)
        form.addRow("", self.seen_in)
        from qgis.gui import QgsMapLayerComboBox

        self.extra_layer = QgsMapLayerComboBox()
        self.extra_layer.setAllowEmptyLayer(True)
        self.extra_layer.setLayer(None)
        self.extra_layer.setToolTip(tr("Any layer (hillshade, DEM, a very-high-resolution basemap) shown as one more "
                                       "thumbnail"))
        form.addRow(tr("Extra thumbnail"), self.extra_layer)
        self.blind = QCheckBox(tr("Blind mode"))
        self.blind.setToolTip(tr("Blind mode: hide the model's score and shuffle"))
        form.addRow(self.blind)
        known_row = QHBoxLayout()
        self.new_only = QCheckBox(tr("New only"))
        self.new_only.setToolTip(tr("Hide candidates that overlap a slump of an existing inventory (marked known)"))
        known_row.addWidget(self.new_only)
        self.mark_known = QPushButton(tr("Known slumps…"))
        self.mark_known.setToolTip(tr("Mark the candidates that an existing inventory (ARTS or your own) already "
                                      "holds as known, with its UID"))
        self.mark_known.clicked.connect(self.mark_known_requested)
        known_row.addWidget(self.mark_known, 1)
        form.addRow(known_row)
        self.start = QPushButton(tr("Start reviewing"))
        self.start.clicked.connect(lambda: self.open_requested.emit(
            self.gpkg.filePath().strip(), "shuffled" if self.blind.isChecked() else self.order.currentData()))
        agreement = QPushButton(tr("Agreement between reviewers…"))
        agreement.clicked.connect(self.agreement_requested)
        export = QPushButton(tr("Export inventory…"))
        export.clicked.connect(self.export_requested)
        form.addRow(self.start)
        form.addRow(agreement)
        form.addRow(export)
        layout.addWidget(source)
        # outside the Candidates group, which folds when a review starts: the counter stays in view
        self.counters = QLabel(tr("No candidates open."))
        self.counters.setObjectName("ThawSlumpMapperCounters")
        self.counters.setWordWrap(True)
        layout.addWidget(self.counters)

        self.header = QLabel()
        self.header.setWordWrap(True)
        layout.addWidget(self.header)
        self.strip_host = QWidget()
        self.strip = QHBoxLayout(self.strip_host)
        self.strip.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidget(self.strip_host)
        scroll.setWidgetResizable(True)
        scroll.setMinimumHeight(230)
        self.strip_scroll = scroll
        layout.addWidget(scroll)
        outline_row = QHBoxLayout()
        self.show_outline = QCheckBox(tr("Show outline (O)"))
        self.show_outline.setChecked(True)
        self.show_outline.toggled.connect(self.outline_toggled)
        outline_row.addWidget(self.show_outline, 1)
        self.thumb_size = QSpinBox()
        self.thumb_size.setRange(96, 480)
        self.thumb_size.setSingleStep(32)
        self.thumb_size.setValue(160)
        self.thumb_size.setSuffix(tr(" px"))
        self.thumb_size.setToolTip(tr("Size of the time-lapse thumbnails"))
        self.thumb_size.valueChanged.connect(self._thumb_size_changed)
        outline_row.addWidget(self.thumb_size)
        layout.addLayout(outline_row)
        self.change_box = self._change_section()
        layout.addWidget(self.change_box)

        decide = QGroupBox(tr("Decision"), body)
        dform = QFormLayout(decide)
        dform.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        # no reason carries over from one candidate to the next: R without a reason for this
        # candidate asks for one, 1-9 reject at once (a sticky "9 other" made wrong training labels)
        self.reason = QComboBox()
        self.reason.addItem(tr("— choose one (keys 1-9) —"), None)
        for i, reason in enumerate(REJECT_REASONS, start=1):
            self.reason.addItem(f"{i}  {reason_label(reason)}", reason)
        self.reason_hint = QLabel(tr("Choose a reject reason first: press 1-9."))
        self.reason_hint.setStyleSheet("color: #b00020;")
        self.reason_hint.setWordWrap(True)
        self.reason_hint.setVisible(False)
        self.reason.currentIndexChanged.connect(lambda _: self.reason_hint.setVisible(False))
        reason_box = QWidget()
        reason_layout = QVBoxLayout(reason_box)
        reason_layout.setContentsMargins(0, 0, 0, 0)
        reason_layout.addWidget(self.reason)
        reason_layout.addWidget(self.reason_hint)
        # the decision first, the optional details below it: at 1366×768 the counter, the years and
        # the decision keys are in view together (issue 27)
        buttons = QGridLayout()  # three columns: the dock stays usable at a third of a 1366 px screen
        self.buttons = {}
        for key, text, slot in (("accept", tr("Accept (A)"), lambda: self.decided.emit("accepted", "")),
                                ("reject", tr("Reject (R)"), self._reject),
                                ("unsure", tr("Unsure (U)"), lambda: self.decided.emit("unsure", "")),
                                ("skip", tr("Skip (Space)"), self.skip_requested.emit),
                                ("back", tr("Back (B)"), self.back_requested.emit),
                                ("undo", tr("Undo… (Z)"), self.undo_requested.emit)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button, len(self.buttons) // 3, len(self.buttons) % 3)
            self.buttons[key] = button
        self.buttons["undo"].setToolTip(tr("Take back your last decisions, several at once, from a list"))
        dform.addRow(buttons)
        dform.addRow(tr("Reject reason"), reason_box)
        edits = QGridLayout()
        for key, text, signal in (("edit", tr("Edit outline (E)"), self.edit_requested),
                                  ("missed", tr("Add missed slump (M)"), self.add_missed_requested),
                                  ("save", tr("Save edits and accept (Ctrl+Return)"), self.save_edits_requested)):
            button = QPushButton(text)
            button.clicked.connect(signal)
            at = sum(1 for k in ("edit", "missed") if k in self.buttons)  # two a row, Save below across both
            edits.addWidget(button, at // 2, at % 2, 1, 2 if key == "save" else 1)
            self.buttons[key] = button
        dform.addRow(edits)
        details = QgsCollapsibleGroupBox(tr("Details (optional)"), decide)
        details.setToolTip(tr("Confidence, activity, the first year it is seen, the criteria met and notes, "
                              "recorded with an accepted slump"))
        details.setObjectName("ThawSlumpMapperDecisionDetails")
        details.setCollapsed(True)
        details.setSaveCollapsedState(True)
        self.details_group = details
        xform = QFormLayout(details)
        xform.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.confidence = QComboBox()
        for level in CONFIDENCES:
            self.confidence.addItem(confidence_label(level), level)
        xform.addRow(tr("Confidence"), self.confidence)
        self.activity = QComboBox()
        self.activity.addItem(tr("not judged"), None)
        for activity in ACTIVITIES:
            self.activity.addItem(activity_label(activity), activity)
        xform.addRow(tr("Activity"), self.activity)
        self.initiation = QComboBox()
        xform.addRow(tr("First seen in"), self.initiation)
        self.criteria = {}
        criteria_box = QWidget()
        grid = QVBoxLayout(criteria_box)
        grid.setContentsMargins(0, 0, 0, 0)
        for criterion in CRITERIA:
            box = QCheckBox(criterion_label(criterion))
            box.setObjectName(f"ThawSlumpMapperCriterion_{criterion}")
            grid.addWidget(box)
            self.criteria[criterion] = box
        xform.addRow(tr("Criteria met"), criteria_box)
        self.notes = QLineEdit()
        self.notes.setPlaceholderText(tr("Notes (optional)"))
        xform.addRow(tr("Notes"), self.notes)
        dform.addRow(details)
        layout.addWidget(decide)
        listing = QgsCollapsibleGroupBox(tr("All candidates"), body)
        listing.setObjectName("ThawSlumpMapperCandidateList")
        listing.setCollapsed(True)
        listing.setSaveCollapsedState(True)
        self.list_group = listing
        list_layout = QVBoxLayout(listing)
        self.queue_table = QTableWidget(0, 4)
        self.queue_table.setHorizontalHeaderLabels([tr("#"), tr("Probability"), tr("Area (ha)"), tr("Status")])
        self.queue_table.verticalHeader().setVisible(False)
        self.queue_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.queue_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.queue_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.queue_table.setSortingEnabled(True)
        self.queue_table.setMinimumHeight(160)
        self.queue_table.setToolTip(tr("Click a candidate to go to it; click a column header to sort. The review "
                                       "keys keep working here."))
        self.queue_table.cellClicked.connect(
            lambda row, _col: self.jump_requested.emit(self.queue_table.item(row, 0).data(Qt.ItemDataRole.UserRole)))
        list_layout.addWidget(self.queue_table)
        layout.addWidget(listing)
        training = QgsCollapsibleGroupBox(tr("Train the model on these decisions"), body)
        training.setObjectName("ThawSlumpMapperTrainingGroup")
        training.setCollapsed(True)  # reviewing needs the room; training is a step taken now and then
        training.setSaveCollapsedState(True)
        self.training_group = training
        tform = QFormLayout(training)
        tform.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.steps = QSpinBox()
        self.steps.setRange(10, 100000)
        self.steps.setValue(FINE_TUNE_STEPS)
        tform.addRow(tr("Training steps"), self.steps)
        self.start_from = QComboBox()
        self.start_from.addItem(tr("fine-tune the model chosen in the inference panel"), "")
        labels = {"Unet": tr("a new UNet"), "UnetPlusPlus": tr("a new UNet++"), "DeepLabV3Plus": tr("a new DeepLabV3+")}
        for arch in ARCHITECTURES:
            self.start_from.addItem(labels[arch], arch)
        tform.addRow(tr("Start from"), self.start_from)
        self.steps.valueChanged.connect(self._training_choices_changed)
        self.start_from.currentIndexChanged.connect(self._start_changed)
        self._restoring = False
        for combo in (self.start_from, self.reason, self.order, self.show_filter):
            narrow(combo)
        trow = QHBoxLayout()
        self.train_button = QPushButton(tr("Export training data and fine-tune"))
        self.train_button.clicked.connect(lambda: self.train_requested.emit(self.steps.value(),
                                                                            self.start_from.currentData()))
        trow.addWidget(self.train_button, 1)
        self.cancel_training = QPushButton(tr("Cancel"))
        self.cancel_training.setEnabled(False)
        self.cancel_training.clicked.connect(self.cancel_training_requested)
        tform.addRow(trow)
        self.train_inventory = QPushButton(tr("Train from an inventory…"))
        self.train_inventory.setToolTip(tr("Chips from the polygons of an existing inventory (ARTS GeoJSON, shapefile, "
                                           "GeoPackage or a layer) and the mosaics it was drawn on, then the same "
                                           "training"))
        self.train_inventory.clicked.connect(lambda: self.train_inventory_requested.emit(
            self.steps.value(), self.start_from.currentData()))
        tform.addRow(self.train_inventory)
        self.train_progress = QProgressBar()
        self.train_progress.setFormat(tr("idle"))
        # Cancel beside the progress it stops: beside the long train button it widened the dock past
        # a 360 px dock at 1366×768 (a sideways scrollbar when the section opened)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.train_progress, 1)
        progress_row.addWidget(self.cancel_training)
        tform.addRow(progress_row)
        self.iterations = QTableWidget(0, 6)
        self.iterations.setHorizontalHeaderLabels([tr("Iteration"), tr("Model"), tr("Positives"), tr("Negatives"),
                                                  tr("New slumps"), tr("Validation IoU")])
        self.iterations.verticalHeader().setVisible(False)
        self.iterations.setMaximumHeight(130)
        tform.addRow(self.iterations)
        layout.addWidget(training)
        help_text = QLabel(tr("Keys: A accept · R reject with the chosen reason · 1-9 reject with that reason · "
                              "U unsure · Space skip · B back · Z undo several · O outline on/off · E edit the "
                              "outline with the QGIS vertex tool · M draw a missed slump · Ctrl+Return save edits "
                              "and accept. A key acts a moment after it is pressed; keys typed in a burst are "
                              "ignored."))
        help_text.setWordWrap(True)
        layout.addWidget(help_text)
        self.listening = QLabel(tr("⌨ Reviewing: these keys work in this panel, on the map and in the time-lapse "
                                   "window."))
        self.listening.setWordWrap(True)
        self.listening.setStyleSheet("color: #1b7a2e;")
        layout.insertWidget(layout.indexOf(self.header), self.listening)
        self.key_notice = QLabel()
        self.key_notice.setObjectName("ThawSlumpMapperKeyNotice")
        self.key_notice.setWordWrap(True)
        self.key_notice.setStyleSheet("color: #b00020;")
        self.key_notice.setVisible(False)
        layout.insertWidget(layout.indexOf(self.header), self.key_notice)
        layout.addStretch(1)
        self.setWidget(scrolling(body))
        self._shortcuts = []
        self._keymap: dict[int, tuple] = {}
        self.pace = KeyPace()
        self._held = None  # (ticket, slot) of a key waiting for its settle time
        self._held_timer = QTimer(self)
        self._held_timer.setSingleShot(True)
        self._held_timer.timeout.connect(self._act)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(lambda: self.key_notice.setVisible(False))
        self.set_active(False)
        self._bind("A", lambda: self.buttons["accept"].click(), decision=True)
        self._bind("R", lambda: self.buttons["reject"].click(), decision=True)
        self._bind("U", lambda: self.buttons["unsure"].click(), decision=True)
        self._bind("Space", lambda: self.buttons["skip"].click())
        self._bind("B", lambda: self.buttons["back"].click())
        self._bind("O", lambda: self.show_outline.toggle())
        self._bind("E", lambda: self.buttons["edit"].click())
        self._bind("M", lambda: self.buttons["missed"].click())
        self._bind("Ctrl+Return", lambda: self.buttons["save"].click(), decision=True)
        self._bind("Z", lambda: self.buttons["undo"].click())
        for i in range(len(REJECT_REASONS)):
            self._bind(str(i + 1), lambda i=i: self._reject_with(i), decision=True)

    def _bind(self, key: str, slot, decision: bool = False) -> None:
        sequence = QKeySequence(key)
        code = sequence_code(sequence)
        shortcut = QShortcut(sequence, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.setAutoRepeat(False)  # a held key is not a string of decisions
        shortcut.activated.connect(lambda: self.press(code))
        self._shortcuts.append(shortcut)
        self._keymap[code] = (slot, decision)

    def is_review_key(self, code: int) -> bool:
        return code in self._keymap and self.buttons["accept"].isEnabled()

    def handle_key(self, code: int) -> bool:
        """A key pressed elsewhere in the QGIS window (ui/review/keys.py): True if it was a review key.
        Every key counts towards a burst, review key or not."""
        if not self.is_review_key(code):
            if self.buttons["accept"].isEnabled():
                self.pace.keystroke(now())
            return False
        self.press(code)
        return True

    def press(self, code: int) -> None:
        """A review key: held for the settle time, then acted on unless another key came first
        (ui/review/keys.py: KeyPace); a key in a burst, right after the focus came back or before
        the candidate could be looked at does nothing but say so."""
        if not self.is_review_key(code):
            return
        slot, decision = self._keymap[code]
        verdict = self.pace.press(now(), decision)
        if verdict != "wait":
            self._held = None
            self._held_timer.stop()
            self._say_ignored(verdict)
            return
        self._held = (self.pace.ticket, slot)
        self._held_timer.start(int(self.pace.gap * 1000))

    def _act(self) -> None:
        if self._held is None:
            return
        ticket, slot = self._held
        if not self.pace.due(ticket, now()):
            if ticket == self.pace.ticket:  # the timer fired a little early: wait the rest
                self._held_timer.start(max(1, int((self.pace.gap - (now() - self.pace.last_key)) * 1000)))
            return
        self._held = None
        self.pace.ignored = 0
        self.key_notice.setVisible(False)
        slot()

    def key_pending(self) -> bool:
        """A review key is waiting for its settle time."""
        return self._held is not None

    def _say_ignored(self, verdict: str) -> None:
        reason = {"burst": tr("keys came faster than anyone can judge a candidate"),
                  "locked": tr("the focus had just come back to the review"),
                  "early": tr("the candidate had only just appeared")}[verdict]
        text = plural(self.pace.ignored, tr("{n} key ignored: {reason}. Look, then press the key once."),
                      tr("{n} keys ignored: {reason}. Look, then press the key once."))
        self.key_notice.setText(text.format(n=self.pace.ignored, reason=reason))
        self.key_notice.setVisible(True)
        self._notice_timer.start(5000)

    def _reject(self) -> None:
        reason = self.reason.currentData()
        if reason is None:
            self.reason_hint.setVisible(True)
            return
        self.decided.emit("rejected", reason)

    def _reject_with(self, index: int) -> None:
        if self.buttons["reject"].isEnabled():
            self.reason.setCurrentIndex(index + 1)  # after the "choose one" entry
            self.buttons["reject"].click()

    def set_active(self, active: bool) -> None:
        for button in self.buttons.values() if hasattr(self, "buttons") else []:
            button.setEnabled(active)
        if not active and hasattr(self, "_held_timer"):
            self._held = None
            self._held_timer.stop()
        self.listening.setVisible(active)

    def reveal_review(self) -> None:
        """Scroll the panel so that the counter, the candidate's years and the decision are in view
        (Start reviewing folds the Candidates group; the focus leaving the hidden Start button used
        to scroll the panel down to the decision block, the counter and thumbnails out of view)."""
        area = self.widget()
        if not isinstance(area, QScrollArea) or area.widget() is None:
            return
        area.widget().layout().activate()
        top = self.counters.mapTo(area.widget(), self.counters.rect().topLeft()).y()
        area.verticalScrollBar().setValue(max(0, top - 4))

    def set_counters(self, text: str) -> None:
        self.counters.setText(text)

    def set_candidate(self, header: str, thumbs: list[tuple[str, QPixmap | None]]) -> None:
        self.pace.shown(now())  # a decision waits until the candidate could be looked at
        self.header.setText(header)
        self._pictures = []
        self._captions = [caption for caption, _ in thumbs]
        while self.strip.count():
            item = self.strip.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for caption, pixmap in thumbs:
            cell = QWidget()
            v = QVBoxLayout(cell)
            v.setContentsMargins(2, 2, 2, 2)
            picture = ClickableLabel(len(self._pictures))
            picture.clicked.connect(self.thumbnail_clicked)
            picture.first_seen_here.connect(self._first_seen_here)
            picture.setToolTip(tr("Click to enlarge and play the years as an animation"))
            self._pictures.append(picture)
            if pixmap is None:
                picture.setText(tr("no image"))
                px = self.fitted_px(len(thumbs))
                picture.setFixedSize(px, px)
                picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            else:
                picture.setPixmap(pixmap)
            v.addWidget(picture)
            label = QLabel(caption)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            v.addWidget(label)
            self.strip.addWidget(cell)
        self.strip.addStretch(1)
        # the strip as tall as its pictures (and captions): smaller fitted pictures leave no empty band
        tallest = max([p.height() for _, p in thumbs if p is not None] or [self.fitted_px(len(thumbs))])
        self.strip_scroll.setMinimumHeight(tallest + 70)
        self.strip_scroll.setMaximumHeight(tallest + 90)
        self.reason.setCurrentIndex(0)
        self.reason_hint.setVisible(False)
        self.notes.clear()
        self.activity.setCurrentIndex(0)
        for box in self.criteria.values():
            box.setChecked(False)
        self.initiation.clear()
        self.initiation.addItem(tr("not judged"), None)
        for caption, _ in thumbs:
            self.initiation.addItem(caption, caption)
        self.setFocus()

    def _change_section(self) -> QWidget:
        """Area per date, the growth in words and the first date seen (the reviewer may correct it):
        one short line where the file holds one date only."""
        self._captions: list[str] = []
        box = QWidget()
        box.setObjectName("ThawSlumpMapperChange")
        # the curve beside its words: stacked, they pushed the decision keys out of view at 1366×768
        h = QHBoxLayout(box)
        h.setContentsMargins(0, 0, 0, 0)
        self.change_plot = ChangePlot(box)
        self.change_plot.setToolTip(tr("Area on each date: dots where the imagery showed the ground, hollow "
                                       "marks on the axis where clouds, snow or a scene edge hid it; the line is "
                                       "the growth per year (Theil-Sen). Dashed outlines on the thumbnails: each "
                                       "date's own detection."))
        h.addWidget(self.change_plot, 1)
        side = QVBoxLayout()
        side.setSpacing(1)
        self.change_text = QLabel(tr("One date: no change to show."))
        self.change_text.setObjectName("ThawSlumpMapperChangeText")
        self.change_text.setWordWrap(True)
        small = self.change_text.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)  # two lines and the combo beside the curve, no taller
        self.change_text.setFont(small)
        side.addWidget(self.change_text)
        # the label says what the combo is, so its entries stay short enough for a 360 px dock at
        # 1366×768 ("seen 2019-06-07 (model)" lost its last character there)
        self.first_seen_label = QLabel(tr("First seen:"))
        self.first_seen_label.setFont(small)
        side.addWidget(self.first_seen_label)
        self.first_seen = QComboBox()
        self.first_seen.setObjectName("ThawSlumpMapperFirstSeen")
        self.first_seen.setToolTip(tr("Correct the date the slump is first seen (saved at once, beside the "
                                      "model's date); a right-click on a thumbnail does the same"))
        self.first_seen.activated.connect(lambda i: self.first_seen_chosen.emit(self.first_seen.itemData(i)))
        narrow(self.first_seen, 10)
        self.first_seen.setFont(small)
        side.addWidget(self.first_seen)  # says the first date seen, and corrects it
        side.addStretch(1)
        h.addLayout(side, 1)
        self.set_change([], None)
        return box

    def set_change(self, rows: list[dict], candidate: dict | None) -> None:
        """The current candidate's candidate_dates ``rows`` (none: a single-date run or an older file)."""
        measured = bool(rows) and candidate is not None
        self.change_plot.setVisible(measured)
        self.first_seen.setVisible(measured)
        self.first_seen_label.setVisible(measured)
        if not measured:
            self.change_plot.set_series([])
            self.first_seen.clear()
            self.change_text.setText(tr("One date: no change to show."))
            return
        model = candidate.get("first_date_seen")
        mine = candidate.get("first_date_seen_reviewer")
        self.change_plot.set_series(rows, mine or model)
        observed = sum(1 for r in rows if r.get("observed") and r.get("area_m2") is not None)
        rate, first, last = (candidate.get(k) for k in ("growth_m2_per_yr", "area_first_m2", "area_last_m2"))
        # two short lines beside the curve (the first date seen is the combo's); the whole in the tooltip
        lines = [tr("{rate} m²/yr").format(rate=f"{rate:+,.0f}")] if rate is not None else []
        if first is not None and last is not None:
            lines.append(tr("{first} → {last} m²").format(first=f"{first:,.0f}", last=f"{last:,.0f}"))
        self.change_text.setText("\n".join(lines))
        whole = growth_text(rate, mine or model, first, last, observed, len(rows))
        if mine and mine != model:
            whole += " " + tr("(you; the model said {date})").format(date=model or "-")
        self.change_text.setToolTip(whole)
        self.first_seen.setToolTip(whole)
        self.first_seen.blockSignals(True)
        self.first_seen.clear()
        self.first_seen.addItem(tr("{date} (model)").format(date=model or "-"), None)
        for row in rows:
            self.first_seen.addItem(row["date"], row["date"])
        at = self.first_seen.findData(mine) if mine else 0
        if mine and at < 0:  # a date outside this run's: still shown as chosen
            self.first_seen.addItem(mine, mine)
            at = self.first_seen.count() - 1
        self.first_seen.setCurrentIndex(max(at, 0))
        self.first_seen.blockSignals(False)

    def _first_seen_here(self, index: int) -> None:
        """A right-click on a thumbnail: that date is where the slump is first seen."""
        caption = self._captions[index] if 0 <= index < len(self._captions) else None
        at = self.first_seen.findData(caption) if caption else -1
        if at > 0 and self.first_seen.isVisible():
            self.first_seen.setCurrentIndex(at)
            self.first_seen_chosen.emit(caption)

    def fitted_px(self, count: int) -> int:
        """The thumbnail size for ``count`` pictures side by side: the size chosen, smaller where
        they would not all fit in the panel's width (at least 96 px), so that every year is in view
        in QGIS's default ~360 px dock at 1366×768 (the third year needed a sideways scroll)."""
        chosen = self.thumb_size.value()
        room = self.strip_scroll.viewport().width()
        if count <= 0 or room < 200:  # not laid out yet
            return chosen
        spacing = max(self.strip.spacing(), 0)
        each = (room - (count - 1) * spacing) // count - 4  # each picture's cell has 2 px margins
        return max(96, min(chosen, each))

    def _thumb_size_changed(self, size: int) -> None:
        self.strip_scroll.setMinimumHeight(size + 70)  # the thumbnail and its caption, no clipping
        self.thumbnail_size_changed.emit(size)

    def set_queue(self, rows: list[dict]) -> None:
        """The candidates of the open review, one row each (queue order in the '#' column)."""
        table = self.queue_table
        table.setSortingEnabled(False)
        table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            values = (i + 1, round(row.get("max_prob") or 0.0, 3), round((row.get("area_m2") or 0.0) / 1e4, 2),
                      status_label(row.get("status") or "unreviewed"))
            for col, value in enumerate(values):
                item = QTableWidgetItem()
                item.setData(Qt.ItemDataRole.DisplayRole, value)  # numbers sort as numbers
                item.setData(Qt.ItemDataRole.UserRole, i)
                table.setItem(i, col, item)
        table.setSortingEnabled(True)

    def set_queue_status(self, index: int, status: str) -> None:
        for row in range(self.queue_table.rowCount()):
            if self.queue_table.item(row, 0).data(Qt.ItemDataRole.UserRole) == index:
                self.queue_table.item(row, 3).setData(Qt.ItemDataRole.DisplayRole, status_label(status))

    def select_in_queue(self, index: int) -> None:
        for row in range(self.queue_table.rowCount()):
            if self.queue_table.item(row, 0).data(Qt.ItemDataRole.UserRole) == index:
                self.queue_table.blockSignals(True)
                self.queue_table.selectRow(row)
                self.queue_table.blockSignals(False)
                return

    def _start_changed(self, *_) -> None:
        """Each start has its default steps (a new network needs many more than a fine-tune); a value
        the reviewer typed stays."""
        new = bool(self.start_from.currentData())
        if not self._restoring and self.steps.value() == (FINE_TUNE_STEPS if new else NEW_NETWORK_STEPS):
            self.steps.setValue(NEW_NETWORK_STEPS if new else FINE_TUNE_STEPS)
        self._training_choices_changed()

    def _training_choices_changed(self, *_) -> None:
        """The training steps and starting point belong to the project: reopened, it shows them again."""
        if self._restoring:
            return
        from qgis.core import QgsProject

        QgsProject.instance().writeEntry("thaw_slump_mapper", "training", json.dumps(
            {"steps": self.steps.value(), "start_from": self.start_from.currentData()}))

    def restore_training_choices(self, project) -> None:
        text, ok = project.readEntry("thaw_slump_mapper", "training", "{}")
        try:
            choices = json.loads(text) if ok else {}
        except json.JSONDecodeError:
            choices = {}
        self._restoring = True
        try:
            if isinstance(choices.get("steps"), int):
                self.steps.setValue(choices["steps"])
            index = self.start_from.findData(choices.get("start_from"))
            if choices.get("start_from") is not None and index >= 0:
                self.start_from.setCurrentIndex(index)
        finally:
            self._restoring = False

    def set_training(self, running: bool) -> None:
        self.train_button.setEnabled(not running)
        self.train_inventory.setEnabled(not running)
        self.cancel_training.setEnabled(running)
        if running:  # chips are read from the mosaics before the first step: busy, and said so (it was blank ~35 s)
            self.train_progress.setRange(0, 0)
            self.train_progress.setFormat(tr("exporting training chips…"))
            self.train_progress.setToolTip(tr("Reading a chip around every decided candidate from the mosaics; "
                                              "the training steps follow"))
        else:
            self.train_progress.setRange(0, 100)

    def set_training_progress(self, step: int, total: int, loss: float, val_iou: float | None = None) -> None:
        if self.train_progress.maximum() == 0:  # the chips are written: steps from here on
            self.train_progress.setRange(0, 100)
        self.train_progress.setValue(int(100 * step / total) if total else 0)
        text = tr("step {step} / {total} · loss {loss:.3f}").format(step=step, total=total, loss=loss)
        if val_iou is not None:
            text += " · " + tr("validation IoU {iou:.3f}").format(iou=val_iou)
        self.train_progress.setFormat(text)

    def show_iterations(self, rows: list[dict]) -> None:
        self.iterations.setRowCount(0)
        for r in rows:
            i = self.iterations.rowCount()
            self.iterations.insertRow(i)
            values = (r["iteration"], f"{r['model_name']} {r['model_version']}", r["positives"], r["negatives"],
                      r["new_slumps"], "" if r["val_iou"] is None else f"{r['val_iou']:.3f}")
            for col, value in enumerate(values):
                self.iterations.setItem(i, col, QTableWidgetItem(str(value)))

    def decision_details(self) -> dict:
        return {"activity": self.activity.currentData(), "initiation_period": self.initiation.currentData(),
                "criteria": tuple(c for c, box in self.criteria.items() if box.isChecked())}


class ClickableLabel(QLabel):
    clicked = pyqtSignal(int)
    first_seen_here = pyqtSignal(int)

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton:  # the right button opens the menu instead
            self.clicked.emit(self.index)

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt API
        from qgis.PyQt.QtWidgets import QMenu

        menu = QMenu(self)
        menu.addAction(tr("First seen here")).triggered.connect(lambda: self.first_seen_here.emit(self.index))
        menu.exec(event.globalPos())
