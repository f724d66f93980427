"""Dialogs of the review: the time-lapse player, the list undo and the inventory export form."""

from __future__ import annotations

from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import Qt, QTimer, pyqtSignal
from qgis.PyQt.QtGui import QKeySequence, QPixmap
from qgis.PyQt.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...adapters.compat import LAYER_FILTER_LINE, LAYER_FILTER_RASTER
from ...adapters.i18n import plural, tr
from ...adapters.qt_compat import QShortcut


class UndoDialog(QDialog):
    """The last decisions, newest first: the reviewer picks the oldest one to take back, and it
    goes with every newer one (one step, not B pressed ten times)."""

    def __init__(self, parent: QWidget | None, entries: list[str]) -> None:
        """``entries``: one line per decision, newest first."""
        super().__init__(parent)
        self.setWindowTitle(tr("Undo decisions"))
        layout = QVBoxLayout(self)
        hint = QLabel(tr("Newest first. Click the oldest decision to take back: it and every newer one are undone."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.list = QListWidget()
        for text in entries:
            self.list.addItem(QListWidgetItem(text))
        self.list.currentRowChanged.connect(self._chosen)
        layout.addWidget(self.list)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.list.setCurrentRow(0)
        self._chosen(0)
        self.resize(max(self.sizeHint().width(), self.list.sizeHintForColumn(0) + 60), 420)  # whole lines

    def _chosen(self, row: int) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(row >= 0)
        ok.setText(plural(row + 1, tr("Undo {n} decision"), tr("Undo {n} decisions")).format(n=row + 1)
                   if row >= 0 else tr("Undo"))
        for i in range(self.list.count()):  # the ones that go, marked
            font = self.list.item(i).font()
            font.setStrikeOut(i <= row)
            self.list.item(i).setFont(font)

    def count(self) -> int:
        """How many of the newest decisions to undo."""
        return self.list.currentRow() + 1


class ExportDialog(QDialog):
    """Where the inventory goes, and optional roads/railways and DEM for its attributes."""

    def __init__(self, parent: QWidget | None, default_path: str) -> None:
        from qgis.gui import QgsMapLayerComboBox

        super().__init__(parent)
        self.setWindowTitle(tr("Export inventory"))
        form = QFormLayout(self)
        self.output = QgsFileWidget()
        self.output.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.output.setFilter(tr("GeoPackage (*.gpkg)"))
        self.output.setFilePath(default_path)
        form.addRow(tr("Inventory GeoPackage"), self.output)
        self.roads = QgsMapLayerComboBox()
        self.roads.setFilters(LAYER_FILTER_LINE)
        self.roads.setAllowEmptyLayer(True)
        self.roads.setLayer(None)
        form.addRow(tr("Roads and railways (optional)"), self.roads)
        self.distance = QDoubleSpinBox()
        self.distance.setRange(0, 1e5)
        self.distance.setValue(500)
        self.distance.setSuffix(tr(" m"))
        form.addRow(tr("Flag slumps closer than"), self.distance)
        self.dem = QgsMapLayerComboBox()
        self.dem.setFilters(LAYER_FILTER_RASTER)
        self.dem.setAllowEmptyLayer(True)
        self.dem.setLayer(None)
        form.addRow(tr("DEM (optional)"), self.dem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class TimelapseDialog(QDialog):
    """The years large, one after another: Left/Right step, Space plays and pauses. The frames
    are read from the imagery at the picture's size (``frame_px``); resizing the window asks for
    them again at the new size (``size_changed``), so they are never an upscaled thumbnail."""

    size_changed = pyqtSignal()
    DEFAULT_PX = 480
    MIN_PX, MAX_PX = 120, 2048

    def __init__(self, parent: QWidget | None, frames: list[tuple[str, QPixmap | None]], start: int = 0,
                 px: int = DEFAULT_PX) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Time-lapse"))
        self.frames, self.index, self.px = frames, start, px
        layout = QVBoxLayout(self)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(self.MIN_PX, self.MIN_PX)  # not the pixmap's size: the window may shrink
        self.picture.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout.addWidget(self.picture, 1)
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.caption)
        row = QHBoxLayout()
        for text, slot in ((tr("◀ Previous"), lambda: self.step(-1)), (tr("Play / pause (Space)"), self.toggle),
                           (tr("Next ▶"), lambda: self.step(1))):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        layout.addLayout(row)
        self.timer = QTimer(self)
        self.timer.setInterval(900)
        self.timer.timeout.connect(lambda: self.step(1))
        self._resized = QTimer(self)  # one read of the imagery once the user stops dragging the border
        self._resized.setSingleShot(True)
        self._resized.setInterval(250)
        self._resized.timeout.connect(self._size_settled)
        for key, slot in ((Qt.Key.Key_Left, lambda: self.step(-1)), (Qt.Key.Key_Right, lambda: self.step(1)),
                          (Qt.Key.Key_Space, self.toggle)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)
        self.show_frame()

    @classmethod
    def initial_px(cls, screen_height: int) -> int:
        """The first frames' size: 480 px, less on a screen too low for it with caption and buttons."""
        return max(cls.MIN_PX, min(cls.DEFAULT_PX, screen_height - 240))

    def frame_px(self) -> int:
        """Device pixels across the picture area now: the size to read the imagery at."""
        side = min(self.picture.width(), self.picture.height()) * self.devicePixelRatioF()
        return int(min(max(side, self.MIN_PX), self.MAX_PX))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._resized.start()

    def _size_settled(self) -> None:
        if self.isVisible() and abs(self.frame_px() - self.px) > 8:
            self.size_changed.emit()

    def set_frames(self, frames: list[tuple[str, QPixmap | None]], start: int = 0, px: int | None = None) -> None:
        """Another candidate's years (or the same at another size), keeping the window, its place
        and the play state."""
        self.frames, self.index = frames, min(start, len(frames) - 1)
        self.px = px or self.px
        self.show_frame()

    def show_frame(self) -> None:
        caption, pixmap = self.frames[self.index]
        if pixmap is None:
            self.picture.setText(tr("no image"))
        else:
            pixmap.setDevicePixelRatio(self.devicePixelRatioF())  # one imagery read pixel per screen pixel
            self.picture.setPixmap(pixmap)
        self.caption.setText(caption)

    def step(self, delta: int) -> None:
        self.index = (self.index + delta) % len(self.frames)
        self.show_frame()

    def toggle(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
        else:
            self.timer.start()
