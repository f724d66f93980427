"""The plugin's page in Settings ▸ Options: the defaults every run and review starts from."""

from __future__ import annotations

from dataclasses import replace

from qgis.gui import QgsFileWidget, QgsOptionsPageWidget, QgsOptionsWidgetFactory
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from ..adapters import settings
from ..adapters.i18n import tr
from ..adapters.messages import localize
from ..core.engine.cluster import INSTALL_HINT, dask_missing
from ..core.preferences import BACKENDS, DEVICES, Preferences
from ..resources.paths import icon_path

PAGE_NAME = "thaw_slump_mapper"


def device_label(device: str) -> str:
    return {
        "auto": tr("Automatic (GPU when available)"),
        "cpu": tr("CPU only"),
        "cuda": tr("GPU (CUDA)"),
    }[device]


def backend_label(backend: str) -> str:
    return {
        "auto": tr("Automatic (the faster on this CPU, measured once per model)"),
        "onnxruntime": tr("onnxruntime"),
        "openvino": tr("OpenVINO (CPU; pip install openvino)"),
        "openvino-bf16": tr("OpenVINO in bf16: faster, reduced precision (CPUs with AVX512_BF16 or AMX)"),
    }[backend]


class OptionsPage(QgsOptionsPageWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(PAGE_NAME)
        form = QFormLayout(self)
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setDecimals(2)
        self.min_area = QDoubleSpinBox()
        self.min_area.setRange(0.0, 1e7)
        self.min_area.setDecimals(0)
        self.min_area.setSuffix(tr(" m²"))
        self.batch_size = QSpinBox()
        self.batch_size.setRange(0, 256)
        self.batch_size.setSpecialValueText(tr("Automatic"))  # 0: by tile size (engine.inference.tiles_per_batch)
        self.device = QComboBox()
        for device in DEVICES:
            self.device.addItem(device_label(device), device)
        self.backend = QComboBox()
        for backend in BACKENDS:
            self.backend.addItem(backend_label(backend), backend)
        self.backend.setToolTip(tr("Which runtime runs ONNX models. Both give the same probabilities (fp32); the run "
                                   "record and the dock say which one ran."))
        self.cache_dir = QgsFileWidget()
        self.cache_dir.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.cache_limit = QSpinBox()
        self.cache_limit.setRange(0, 1_000_000)
        self.cache_limit.setSuffix(tr(" MB"))
        self.reviewer = QLineEdit()
        self.reviewer.setPlaceholderText(tr("Your name, recorded with every review decision"))
        self.region_name = QLineEdit()
        self.region_name.setPlaceholderText(tr("e.g. Beiluhe, Qinghai-Tibet Plateau (ARTS RegionName)"))
        self.creator_lab = QLineEdit()
        self.creator_lab.setPlaceholderText(tr("e.g. your name and institute (ARTS CreatorLab)"))
        self.debug_log = QCheckBox(tr("Write debug messages to the log panel"))
        self.cluster_address = QLineEdit()
        self.cluster_address.setPlaceholderText(tr("tcp://HOST:PORT of a running Dask scheduler"))
        missing = localize(dask_missing())
        self.cluster_address.setToolTip(missing or tr(
            "Runs with 'Run on: Dask cluster' in the inference panel, and the Processing algorithm 'Run model on a "
            "Dask cluster', go here"))
        form.addRow(tr("Default probability threshold"), self.threshold)
        form.addRow(tr("Default minimum slump area"), self.min_area)
        form.addRow(tr("Tiles per batch"), self.batch_size)
        form.addRow(tr("Compute device"), self.device)
        form.addRow(tr("ONNX runtime"), self.backend)
        form.addRow(tr("Cache folder for probability rasters"), self.cache_dir)
        form.addRow(tr("Cache size limit"), self.cache_limit)
        form.addRow(tr("Reviewer name"), self.reviewer)
        form.addRow(tr("Region name"), self.region_name)
        form.addRow(tr("Creator lab"), self.creator_lab)
        form.addRow("", self.debug_log)
        form.addRow(tr("Dask scheduler"), self.cluster_address)
        if missing:
            note = QLabel(tr("Dask is not installed: {command}").format(command=INSTALL_HINT))
            note.setWordWrap(True)
            form.addRow("", note)
        self.show_preferences(settings.load())

    def show_preferences(self, prefs: Preferences) -> None:
        self.threshold.setValue(prefs.threshold)
        self.min_area.setValue(prefs.min_area_m2)
        self.batch_size.setValue(prefs.batch_size)
        self.device.setCurrentIndex(max(self.device.findData(prefs.device), 0))
        self.backend.setCurrentIndex(max(self.backend.findData(prefs.backend), 0))
        self.cache_dir.setFilePath(prefs.cache_dir)
        self.cache_limit.setValue(prefs.cache_limit_mb)
        self.reviewer.setText(prefs.reviewer)
        self.region_name.setText(prefs.region_name)
        self.creator_lab.setText(prefs.creator_lab)
        self.debug_log.setChecked(prefs.debug_log)
        self.cluster_address.setText(prefs.cluster_address)
        self._shown = prefs

    def preferences(self) -> Preferences:
        # fields this page does not show (models, thumbnail size) keep their values
        return replace(
            self._shown,
            threshold=self.threshold.value(),
            min_area_m2=self.min_area.value(),
            batch_size=self.batch_size.value(),
            device=self.device.currentData(),
            backend=self.backend.currentData(),
            cache_dir=self.cache_dir.filePath(),
            cache_limit_mb=self.cache_limit.value(),
            reviewer=self.reviewer.text(),
            region_name=self.region_name.text(),
            creator_lab=self.creator_lab.text(),
            debug_log=self.debug_log.isChecked(),
            cluster_address=self.cluster_address.text(),
        ).normalised()

    def apply(self) -> None:
        settings.save(self.preferences())


class OptionsFactory(QgsOptionsWidgetFactory):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(tr("Thaw Slump Mapper"))

    def icon(self) -> QIcon:
        return QIcon(icon_path("thaw_slump_mapper.svg"))

    def createWidget(self, parent: QWidget | None = None) -> OptionsPage:  # noqa: N802 - QGIS API
        return OptionsPage(parent)
