"""A small dialog to choose an existing inventory (a polygon layer, or a file), which of its
polygons are hard negatives, and — for training — the mosaics it was drawn on."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProject, QgsRasterLayer, QgsVectorLayer
from qgis.gui import QgsFieldComboBox, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from ...adapters.compat import LAYER_FILTER_POLYGON
from ...adapters.i18n import tr

VECTOR_FILTER = "*.geojson *.json *.gpkg *.shp *.fgb *.kml"


class InventoryDialog(QDialog):
    """``mosaics`` (path, date) pairs ticked in the inference panel: when given, the dialog asks
    for the mosaics too (training); without them it only asks for the inventory (mark known)."""

    def __init__(self, parent: QWidget | None, title: str, mosaics: list[tuple[str, str]] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.layer = QgsMapLayerComboBox()
        self.layer.setFilters(LAYER_FILTER_POLYGON)
        self.layer.setAllowEmptyLayer(True)
        self.layer.setLayer(None)
        form.addRow(tr("Inventory layer"), self.layer)
        self.file = QgsFileWidget()
        self.file.setFilter(tr("Vector files ({patterns})").format(patterns=VECTOR_FILTER))
        self.file.setToolTip(tr("Or a file: ARTS GeoJSON, shapefile or GeoPackage (used instead of the layer)"))
        form.addRow(tr("or file"), self.file)
        self.field = QgsFieldComboBox()
        self.field.setAllowEmptyFieldName(True)
        self.field.setToolTip(tr("Polygons with this field's value below are hard negatives; empty: ARTS TrainClass "
                                 "= Negative when the inventory has it"))
        self.layer.layerChanged.connect(self.field.setLayer)
        self._file_layer = None  # a chosen file, opened (not added to the project) to list its fields
        self.file.fileChanged.connect(self._file_chosen)
        form.addRow(tr("Negatives: field"), self.field)
        self.value = QLineEdit()
        self.value.setPlaceholderText(tr("value, e.g. Negative"))
        form.addRow(tr("Negatives: value"), self.value)
        self.mosaics: QListWidget | None = None
        self.band_map: QLineEdit | None = None
        if mosaics is not None:
            ticked = {path for path, _ in mosaics}
            self.mosaics = QListWidget()
            self.mosaics.setMaximumHeight(120)
            for layer in QgsProject.instance().mapLayers().values():
                if isinstance(layer, QgsRasterLayer) and layer.providerType() == "gdal":
                    path = layer.source().split("|")[0]
                    item = QListWidgetItem(layer.name())
                    item.setData(Qt.ItemDataRole.UserRole, path)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Checked if path in ticked else Qt.CheckState.Unchecked)
                    self.mosaics.addItem(item)
            form.addRow(QLabel(tr("Mosaics the inventory was drawn on")))
            self.tick_all = QCheckBox(tr("Tick all"))
            self.tick_all.setTristate(False)
            self.tick_all.clicked.connect(self._tick_all)
            self.mosaics.itemChanged.connect(self._mosaic_ticked)
            self._mosaic_ticked()
            form.addRow(self.tick_all)
            form.addRow(self.mosaics)
            self.band_map = QLineEdit()
            self.band_map.setPlaceholderText(tr("band mapping, e.g. red=1,green=2,blue=3 (empty: defaults)"))
            form.addRow(tr("Bands"), self.band_map)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _tick_all(self, checked: bool) -> None:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.mosaics.blockSignals(True)
        for i in range(self.mosaics.count()):
            self.mosaics.item(i).setCheckState(state)
        self.mosaics.blockSignals(False)

    def _mosaic_ticked(self, *_) -> None:
        items = [self.mosaics.item(i) for i in range(self.mosaics.count())]
        self.tick_all.setChecked(bool(items) and all(i.checkState() == Qt.CheckState.Checked for i in items))

    def _file_chosen(self, path: str) -> None:
        # only a file that is there: the path typed letter by letter was opened at each key ("Cannot open" logged)
        path = path.strip()
        layer = QgsVectorLayer(path, "inventory", "ogr") if path and Path(path).is_file() else None
        self._file_layer = layer if layer is not None and layer.isValid() else None
        self.field.setLayer(self._file_layer or self.layer.currentLayer())

    def done(self, result: int) -> None:
        """Closing lets go of a file opened to list its fields while QGIS still runs."""
        super().done(result)
        self.field.setLayer(None)
        self._file_layer = None

    def chosen_mosaics(self) -> list[str]:
        if self.mosaics is None:
            return []
        return [self.mosaics.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.mosaics.count())
                if self.mosaics.item(i).checkState() == Qt.CheckState.Checked]
