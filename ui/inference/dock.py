"""The inference dock: mosaics with their dates, a model, one button for the current view,
progress and cancel, and live threshold / minimum-area changes on the last run.

The dock only gathers choices and shows state; it emits a :class:`RunRequest` and the
controller (ui.inference.controller) does the work.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from qgis.core import QgsProject
from qgis.gui import QgsDockWidget, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt, QTimer, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...adapters.compat import LAYER_FILTER_POLYGON
from ...adapters.i18n import tr
from ...adapters.layers import file_rasters, raster_file
from ...adapters.tasks import progress_text
from ...core.engine.masks import find_udm
from ...core.engine.raster import best_date
from ..widgets import help_row, narrow, scrolling

PROJECT_SCOPE = "thaw_slump_mapper"


COL_USE, COL_LAYER, COL_DATE, COL_MASK, COL_CHECK = range(5)


AREA_VIEW, AREA_MOSAICS, AREA_LAYER = "view", "mosaics", "layer"
RUN_HERE, RUN_CLUSTER = "here", "cluster"
RUNTIME_AUTO = "auto"


@dataclass(frozen=True)
class RunRequest:
    mosaics: tuple[tuple[str, str, str, str], ...]  # (layer id, file path, date, mask path or '')
    model_path: str
    band_map: str
    output_gpkg: str
    add_probability: bool
    threshold: float
    min_area_m2: float
    area: str = AREA_VIEW  # AREA_VIEW, AREA_MOSAICS or AREA_LAYER
    area_layer_id: str = ""  # the polygon layer of AREA_LAYER (its selection, when it has one)
    where: str = RUN_HERE  # RUN_HERE or RUN_CLUSTER (the Dask scheduler of the settings)


class InferenceDock(QgsDockWidget):
    run_requested = pyqtSignal(object)  # RunRequest
    cancel_requested = pyqtSignal()
    rethreshold_requested = pyqtSignal(float, float)
    add_model_requested = pyqtSignal()
    model_card_requested = pyqtSignal(str)
    model_changed = pyqtSignal(str)
    runtime_changed = pyqtSignal(str)  # one of core.preferences.BACKENDS
    mosaics_changed = pyqtSignal()
    natural_colour_requested = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Thaw Slump Inference"), parent)
        self.setObjectName("ThawSlumpMapperInferenceDock")
        body = QWidget(self)
        layout = QVBoxLayout(body)

        layout.addLayout(help_row("inference"))
        mosaics = QGroupBox(tr("Mosaics (one per year)"), body)
        mos_layout = QVBoxLayout(mosaics)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([tr("Use"), tr("Layer"), tr("Date"), tr("Mask"), tr("Check")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_USE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_LAYER, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_DATE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_MASK, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_CHECK, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeaderItem(COL_MASK).setToolTip(tr(
            "Cloud, shadow and snow mask of the mosaic (PlanetScope UDM or UDM2): masked pixels count as "
            "NoData. Double-click to choose one; right-click to remove it."))
        self.table.cellDoubleClicked.connect(self._cell_double_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._mask_menu)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setToolTip(tr("Tick the rasters that are PlanetScope mosaics and correct their dates."))
        self.table.itemChanged.connect(self._item_changed)
        mos_layout.addWidget(self.table)
        self.no_mosaics = QLabel(tr("Add PlanetScope mosaics (GeoTIFF) to the project; they appear here."))
        self.no_mosaics.setWordWrap(True)
        mos_layout.addWidget(self.no_mosaics)
        layout.addWidget(mosaics)

        model_box = QGroupBox(tr("Model"), body)
        model_layout = QVBoxLayout(model_box)
        row = QHBoxLayout()
        self.model_combo = QComboBox()
        self.model_combo.currentIndexChanged.connect(lambda _: self.model_changed.emit(self.model_path()))
        narrow(self.model_combo, 8)  # each entry's full path is its tooltip
        model_layout.addWidget(self.model_combo)
        add_model = QPushButton(tr("Add model…"))
        add_model.clicked.connect(self.add_model_requested)
        row.addWidget(add_model)
        card = QPushButton(tr("Model card"))
        card.clicked.connect(lambda: self.model_card_requested.emit(self.model_path()))
        row.addWidget(card)
        model_layout.addLayout(row)
        self.model_summary = QLabel()
        self.model_summary.setWordWrap(True)
        model_layout.addWidget(self.model_summary)
        self.fit_label = QLabel()
        self.fit_label.setWordWrap(True)
        model_layout.addWidget(self.fit_label)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.band_map = QLineEdit()
        self.band_map.setPlaceholderText(tr("default: PlanetScope order, e.g. blue=1,green=2,red=3,nir=4"))
        self.band_map.editingFinished.connect(self.mosaics_changed)
        form.addRow(tr("Band mapping"), self.band_map)
        self.runtime = QComboBox()
        for backend, label in ((RUNTIME_AUTO, tr("Automatic")), ("onnxruntime", "onnxruntime"),
                               ("openvino", "OpenVINO"), ("openvino-bf16", tr("OpenVINO bf16 (reduced precision)"))):
            self.runtime.addItem(label, backend)
        self.runtime.setToolTip(tr("Which runtime runs ONNX models on the CPU: automatic (the faster of onnxruntime "
                                   "and OpenVINO on this CPU, measured at a model's first load and remembered), "
                                   "onnxruntime, OpenVINO (the same probabilities), or OpenVINO in "
                                   "bf16 (about twice as fast on CPUs with AVX512_BF16 or AMX, reduced precision). "
                                   "Also in the plugin options."))
        narrow(self.runtime)
        self.runtime.currentIndexChanged.connect(lambda _: self.runtime_changed.emit(self.runtime.currentData()))
        form.addRow(tr("Runtime"), self.runtime)
        model_layout.addLayout(form)
        layout.addWidget(model_box)

        run_box = QGroupBox(tr("Run"), body)
        run_layout = QVBoxLayout(run_box)
        out_form = QFormLayout()
        # the label above: narrow docks keep their width
        out_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.output = QgsFileWidget()
        self.output.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.output.setFilter(tr("GeoPackage (*.gpkg)"))
        self.output.lineEdit().setPlaceholderText(tr("beside the saved project (asked for an unsaved one)"))
        out_form.addRow(tr("Candidates GeoPackage"), self.output)
        run_layout.addLayout(out_form)
        self.add_probability = QCheckBox(tr("Add probability raster"))  # short: no sideways scrolling
        self.add_probability.setToolTip(tr("Also add the probability raster"))
        run_layout.addWidget(self.add_probability)
        area_form = QFormLayout()
        area_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.area = QComboBox()
        self.area.addItem(tr("Current map view"), AREA_VIEW)
        self.area.addItem(tr("Whole ticked mosaics"), AREA_MOSAICS)
        self.area.addItem(tr("Polygons of a layer"), AREA_LAYER)
        self.area.setToolTip(tr("Where the model runs: the map view, the full extent of the ticked mosaics, or a "
                                "study area or corridor (the polygons of a layer, its selected ones when it has a "
                                "selection); tiles outside the polygons are skipped"))
        narrow(self.area)
        area_form.addRow(tr("Area"), self.area)
        self.area_layer = QgsMapLayerComboBox()
        self.area_layer.setFilters(LAYER_FILTER_POLYGON)
        # nothing chosen until the user chooses: the first polygon layer was the plugin's own candidates
        self.area_layer.setAllowEmptyLayer(True)
        self.area_layer.setLayer(None)
        self.area_layer.setToolTip(tr("The study area or corridor: a polygon layer"))
        narrow(self.area_layer)
        area_form.addRow(tr("Area layer"), self.area_layer)
        self.where = QComboBox()
        self.where.addItem(tr("This computer"), RUN_HERE)
        self.where.addItem(tr("Dask cluster"), RUN_CLUSTER)
        self.where.setToolTip(tr("Where the model runs: here, or as tasks of the Dask scheduler set in Settings > "
                                 "Options > Thaw Slump Mapper (mosaics, model and cache folder on a shared file "
                                 "system). Needs Dask: pip install \"dask[distributed]\""))
        narrow(self.where)
        area_form.addRow(tr("Run on"), self.where)
        run_layout.addLayout(area_form)
        self._area_form = area_form
        self.run_button = QPushButton(tr("Run on current view"))
        self.run_button.setToolTip(tr("Run the model over the chosen area (Ctrl+Alt+Shift+R)"))
        self.run_button.clicked.connect(self.request_run)
        run_layout.addWidget(self.run_button)
        self.area.currentIndexChanged.connect(self._area_changed)
        self._area_changed()
        # Cancel beside the progress it stops, not beside Run: two buttons in a row widened the dock
        progress_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setFormat(tr("idle"))
        progress_row.addWidget(self.progress, 1)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_requested)
        progress_row.addWidget(self.cancel_button)
        run_layout.addLayout(progress_row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        run_layout.addWidget(self.status)
        layout.addWidget(run_box)

        # a group box's title sets its minimum width: short, the detail in the tooltip
        tune = QGroupBox(tr("Tune the last run"), body)
        tune.setToolTip(tr("Threshold and minimum area, applied to the last run's probabilities at once"))
        tune_form = QFormLayout(tune)
        tune_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        slider_row = QHBoxLayout()
        self.threshold = QSlider(Qt.Orientation.Horizontal)
        self.threshold.setRange(5, 95)
        self.threshold.setValue(50)
        self.threshold_label = QLabel("0.50")
        self.threshold.valueChanged.connect(lambda v: self.threshold_label.setText(f"{v / 100:.2f}"))
        slider_row.addWidget(self.threshold, 1)
        slider_row.addWidget(self.threshold_label)
        tune_form.addRow(tr("Probability threshold"), slider_row)
        self.min_area = QDoubleSpinBox()
        self.min_area.setRange(0, 1e7)
        self.min_area.setDecimals(0)
        self.min_area.setSingleStep(100)
        self.min_area.setSuffix(tr(" m²"))
        tune_form.addRow(tr("Minimum area"), self.min_area)
        self.tune_box = tune
        tune.setEnabled(False)
        layout.addWidget(tune)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(
            lambda: self.rethreshold_requested.emit(self.threshold.value() / 100, self.min_area.value()))
        self.threshold.valueChanged.connect(self._tuning_changed)
        self.min_area.valueChanged.connect(self._tuning_changed)
        self.environment = QLabel()
        self.environment.setWordWrap(True)
        self.environment.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.environment.setStyleSheet("color: #555;")
        layout.addWidget(self.environment)
        layout.addStretch(1)
        self.setWidget(scrolling(body))
        self._filling = False
        self._renames: list[tuple[object, object]] = []  # (layer, slot): the layer column follows renames
        self._restoring = False
        # the model, area, runtime place and tuning belong to the project: reopened, it shows them again
        for signal in (self.model_combo.currentIndexChanged, self.area.currentIndexChanged,
                       self.area_layer.layerChanged, self.where.currentIndexChanged, self.threshold.valueChanged,
                       self.min_area.valueChanged):
            signal.connect(self._run_choices_changed)

    def set_environment(self, lines: list[str]) -> None:
        self.environment.setText("\n".join(lines))

    # --- mosaics -------------------------------------------------------------------------------
    def refresh_layers(self, project: QgsProject) -> None:
        """List the project's file rasters, keeping the user's ticks and dates (stored in the project)."""
        saved = self.saved_choices(project)
        self._filling = True
        self.table.setRowCount(0)
        self.release_layers()
        for layer in file_rasters(project):
            row = self.table.rowCount()
            self.table.insertRow(row)
            choice = saved.get(layer.id(), {})
            use = QTableWidgetItem()
            use.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            use.setCheckState(Qt.CheckState.Checked if choice.get("use") else Qt.CheckState.Unchecked)
            use.setData(Qt.ItemDataRole.UserRole, layer.id())
            name = QTableWidgetItem(layer.name())
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            name.setData(Qt.ItemDataRole.UserRole, raster_file(layer))
            date = QTableWidgetItem(choice.get("date") or best_date(layer.name(), raster_file(layer)))
            mask = QTableWidgetItem()
            mask.setFlags(Qt.ItemFlag.ItemIsEnabled)
            check = QTableWidgetItem("")
            check.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for col, item in ((COL_USE, use), (COL_LAYER, name), (COL_DATE, date), (COL_MASK, mask),
                              (COL_CHECK, check)):
                self.table.setItem(row, col, item)
            # the scene's own UDM is found beside it unless the user chose otherwise
            self._show_mask(row, choice["mask"] if "mask" in choice else find_udm(raster_file(layer)))
            slot = self._rename_slot(layer.id(), layer)
            layer.nameChanged.connect(slot)
            self._renames.append((layer, slot))
        self._filling = False
        self.no_mosaics.setVisible(self.table.rowCount() == 0)
        self.table.setVisible(self.table.rowCount() > 0)
        self._cap_rows()
        self.fit_table_height()

    def _rename_slot(self, layer_id: str, layer):
        def renamed() -> None:
            for row in range(self.table.rowCount()):
                if self.table.item(row, COL_USE).data(Qt.ItemDataRole.UserRole) == layer_id:
                    self.table.item(row, COL_LAYER).setText(layer.name())
        return renamed

    def release_layers(self) -> None:
        """Disconnect from the listed layers' renames (before a refresh and on unload)."""
        for layer, slot in self._renames:
            try:
                layer.nameChanged.disconnect(slot)
            except (TypeError, RuntimeError):  # never connected, or the layer is already deleted
                pass
        self._renames = []

    def fit_table_height(self, most: int = 6, least: int = 3) -> None:
        """Show several rows: in the scroll area the table is otherwise squeezed to its minimum
        height (one row after a QGIS restart). Up to ``most`` rows, never less than ``least``."""
        rows = self.table.rowCount()
        default = self.table.verticalHeader().defaultSectionSize()
        heights = [self.table.rowHeight(r) for r in range(min(rows, most))]
        heights += [default] * max(least - len(heights), 0)
        header = self.table.horizontalHeader().sizeHint().height()
        scrollbar = self.table.horizontalScrollBar().sizeHint().height()  # room for it on narrow docks
        self.table.setMinimumHeight(min(header + sum(heights) + scrollbar + 2 * self.table.frameWidth(),
                                        header + most * 2 * default))

    def _run_choices_changed(self, *_) -> None:
        if not self._restoring:
            self.save_run_choices(QgsProject.instance())

    def save_run_choices(self, project: QgsProject) -> None:
        layer = self.area_layer.currentLayer()
        choices = {"model": self.model_path(), "area": self.area.currentData(), "where": self.where.currentData(),
                   "area_layer": layer.id() if layer is not None else "", "threshold": self.threshold.value() / 100,
                   "min_area": self.min_area.value()}
        if choices != self.saved_run_choices(project):
            project.writeEntry(PROJECT_SCOPE, "run", json.dumps(choices))

    def saved_run_choices(self, project: QgsProject) -> dict:
        text, ok = project.readEntry(PROJECT_SCOPE, "run", "{}")
        try:
            return json.loads(text) if ok else {}
        except json.JSONDecodeError:
            return {}

    def restore_run_choices(self, project: QgsProject) -> None:
        """The model, area (and its layer), where it runs and the threshold and minimum area the
        project was left with; what the project does not say stays as it is."""
        choices = self.saved_run_choices(project)
        self._restoring = True
        try:
            for combo, key in ((self.model_combo, "model"), (self.area, "area"), (self.where, "where")):
                index = combo.findData(choices.get(key)) if choices.get(key) is not None else -1
                if index >= 0:
                    combo.setCurrentIndex(index)
            layer = project.mapLayer(choices.get("area_layer") or "")
            if layer is not None:
                self.area_layer.setLayer(layer)
            if "threshold" in choices or "min_area" in choices:
                self.set_tuning(self.tune_box.isEnabled(), choices.get("threshold"), choices.get("min_area"))
        finally:
            self._restoring = False

    def saved_choices(self, project: QgsProject) -> dict:
        text, ok = project.readEntry(PROJECT_SCOPE, "mosaics", "{}")
        try:
            return json.loads(text) if ok else {}
        except json.JSONDecodeError:
            return {}

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() not in (COL_USE, COL_DATE):
            return
        self.save_choices(QgsProject.instance())
        self.mosaics_changed.emit()

    def save_choices(self, project: QgsProject) -> None:
        choices = self.saved_choices(project)
        for row in range(self.table.rowCount()):
            layer_id = self.table.item(row, COL_USE).data(Qt.ItemDataRole.UserRole)
            choices[layer_id] = {"use": self.table.item(row, COL_USE).checkState() == Qt.CheckState.Checked,
                                 "date": self.table.item(row, COL_DATE).text().strip(),
                                 "mask": self.table.item(row, COL_MASK).data(Qt.ItemDataRole.UserRole) or ""}
        project.writeEntry(PROJECT_SCOPE, "mosaics", json.dumps(choices))

    def set_mosaic_used(self, layer_id: str, used: bool, date: str = "") -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, COL_USE).data(Qt.ItemDataRole.UserRole) == layer_id:
                if date:
                    self.table.item(row, COL_DATE).setText(date)
                self.table.item(row, COL_USE).setCheckState(Qt.CheckState.Checked if used else Qt.CheckState.Unchecked)

    def selected_mosaics(self) -> list[tuple[str, str, str, str]]:
        out = []
        for row in range(self.table.rowCount()):
            if self.table.item(row, COL_USE).checkState() == Qt.CheckState.Checked:
                out.append((self.table.item(row, COL_USE).data(Qt.ItemDataRole.UserRole),
                            self.table.item(row, COL_LAYER).data(Qt.ItemDataRole.UserRole),
                            self.table.item(row, COL_DATE).text().strip(),
                            self.table.item(row, COL_MASK).data(Qt.ItemDataRole.UserRole) or ""))
        return out

    # --- masks ---------------------------------------------------------------------------------
    def _show_mask(self, row: int, path: str) -> None:
        item = self.table.item(row, COL_MASK)
        item.setData(Qt.ItemDataRole.UserRole, path)
        name = Path(path).name.lower()
        item.setText("—" if not path else tr("UDM2") if "udm2" in name else tr("UDM") if "udm" in name else tr("mask"))
        item.setToolTip(path or tr("No mask: double-click to choose a UDM or UDM2 file."))

    def set_mask(self, row: int, path: str) -> None:
        self._show_mask(row, path)
        self.save_choices(QgsProject.instance())
        self.mosaics_changed.emit()

    def _cell_double_clicked(self, row: int, col: int) -> None:
        if col == COL_MASK:
            self.choose_mask(row)

    def choose_mask(self, row: int) -> None:
        start = (self.table.item(row, COL_MASK).data(Qt.ItemDataRole.UserRole)
                 or self.table.item(row, COL_LAYER).data(Qt.ItemDataRole.UserRole))
        path, _ = QFileDialog.getOpenFileName(self, tr("Mask of {layer}").format(
            layer=self.table.item(row, COL_LAYER).text()), str(Path(start).parent) if start else "",
            tr("Rasters (*.tif *.tiff);;All files (*)"))
        if path:
            self.set_mask(row, path)

    def _mask_menu(self, pos) -> None:
        row = self.table.rowAt(pos.y())
        if row < 0:
            return
        menu = QMenu(self.table)
        menu.addAction(tr("Choose mask…"), lambda: self.choose_mask(row))
        remove = menu.addAction(tr("No mask"), lambda: self.set_mask(row, ""))
        remove.setEnabled(bool(self.table.item(row, COL_MASK).data(Qt.ItemDataRole.UserRole)))
        menu.addSeparator()
        menu.addAction(tr("Show the ticked mosaics in natural colour"), self.natural_colour_requested)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def set_check(self, layer_id: str, text: str, ok: bool, tooltip: str = "") -> None:
        """The check in its cell, what needs attention first (the findings, then the summary), the
        row at most two lines tall, the whole check in its tooltip: the rows no longer grow to 5-6
        lines and move under the pointer as checks arrive (issue 27)."""
        lines = [line for line in text.split("\n") if line.strip()] or [""]
        shown = "\n".join(lines[1:] + lines[:1])
        for row in range(self.table.rowCount()):
            if self.table.item(row, COL_USE).data(Qt.ItemDataRole.UserRole) == layer_id:
                item = self.table.item(row, COL_CHECK)
                item.setText(("✔ " if ok else "✖ ") + shown)
                item.setToolTip(tooltip or text)
        self._cap_rows()
        self.fit_table_height()

    def _cap_rows(self, lines: int = 2) -> None:
        """Every row exactly ``lines`` lines of text tall, a long layer name or check cut, whole in its
        tooltip: the table keeps its height when checks arrive, so the Run and Cancel buttons below it
        stay where the pointer is (Cancel moved ~60 px down when a run started and its check came in)."""
        height = lines * self.table.fontMetrics().lineSpacing() + 8
        for row in range(self.table.rowCount()):
            self.table.setRowHeight(row, height)

    # --- model ---------------------------------------------------------------------------------
    def set_models(self, models: list[tuple[str, str]], current: str = "") -> None:
        """(label, path) pairs; keeps ``current`` selected when present."""
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for label, path in models:
            self.model_combo.addItem(label, path)
            self.model_combo.setItemData(self.model_combo.count() - 1, path, Qt.ItemDataRole.ToolTipRole)
        index = self.model_combo.findData(current) if current else 0
        self.model_combo.setCurrentIndex(max(index, 0))
        self.model_combo.blockSignals(False)
        self.model_changed.emit(self.model_path())

    def model_path(self) -> str:
        return self.model_combo.currentData() or ""

    def set_model_summary(self, text: str) -> None:
        self.model_summary.setText(text)

    def set_runtime(self, backend: str) -> None:
        """Show the runtime of the settings without announcing a change."""
        self.runtime.blockSignals(True)
        self.runtime.setCurrentIndex(max(self.runtime.findData(backend), 0))
        self.runtime.blockSignals(False)

    def set_fit(self, lines: list[str], ok: bool) -> None:
        self.fit_label.setText("\n".join(lines))
        self.fit_label.setStyleSheet("" if ok else "color: #b00020;")

    # --- run -----------------------------------------------------------------------------------
    def request_run(self) -> None:
        self.save_choices(QgsProject.instance())
        self.save_run_choices(QgsProject.instance())
        self.run_requested.emit(RunRequest(
            mosaics=tuple(self.selected_mosaics()), model_path=self.model_path(),
            band_map=self.band_map.text().strip(), output_gpkg=self.output.filePath().strip(),
            add_probability=self.add_probability.isChecked(), threshold=self.threshold.value() / 100,
            min_area_m2=self.min_area.value(), area=self.area.currentData(),
            area_layer_id=self.area_layer.currentLayer().id() if self.area_layer.currentLayer() else "",
            where=self.where.currentData()))

    def _area_changed(self) -> None:
        mode = self.area.currentData()
        self.area_layer.setVisible(mode == AREA_LAYER)
        self._area_form.labelForField(self.area_layer).setVisible(mode == AREA_LAYER)
        self.run_button.setText({AREA_VIEW: tr("Run on current view"), AREA_MOSAICS: tr("Run on whole mosaics"),
                                 AREA_LAYER: tr("Run on area")}[mode])

    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if running:
            self.progress.setValue(0)
            self.progress.setFormat(tr("starting…"))

    def set_progress(self, done: int, total: int, seconds_left: float, rate: float = 0.0) -> None:
        self.progress.setValue(int(100 * done / total) if total else 0)
        self.progress.setFormat(progress_text(done, total, seconds_left, rate))

    def set_finished(self, text: str) -> None:
        self.progress.setFormat(text)

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def set_tuning(self, enabled: bool, threshold: float | None = None, min_area: float | None = None) -> None:
        self.tune_box.setEnabled(enabled)
        for widget, value in ((self.threshold, None if threshold is None else round(threshold * 100)),
                              (self.min_area, min_area)):
            if value is not None:
                widget.blockSignals(True)
                widget.setValue(value)
                widget.blockSignals(False)
        self.threshold_label.setText(f"{self.threshold.value() / 100:.2f}")

    def _tuning_changed(self, *_) -> None:
        if self.tune_box.isEnabled():
            self._debounce.start()

    def default_output(self, project: QgsProject) -> str:
        """The candidates file of this project: the one its last run wrote (kept in the project),
        else ``<project>_candidates.gpkg`` beside a saved project; '' for an unsaved one (asked
        at the first run). Never one file shared by every project."""
        remembered, ok = project.readEntry(PROJECT_SCOPE, "candidates", "")
        if ok and remembered:
            return remembered
        if project.fileName():
            project_file = Path(project.fileName())
            return str(project_file.with_name(f"{project_file.stem}_candidates.gpkg"))
        return ""

    def reset_for_project(self, project: QgsProject) -> None:
        """A project was opened or a new one started: nothing of the previous one stays shown."""
        self.output.setFilePath(self.default_output(project))
        self.status.setText("")
        self.progress.setValue(0)
        self.progress.setFormat(tr("idle"))
        self.tune_box.setEnabled(False)
