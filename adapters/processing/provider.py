"""The Processing provider: the plugin's work for the toolbox, batch runs and the modeller."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ...core.about import version
from ...resources.paths import icon_path
from ..i18n import tr
from .change_algorithm import MeasureChangeAlgorithm
from .engine_algorithms import RunModelAlgorithm, RunModelOnClusterAlgorithm, VectorizeAlgorithm
from .environment_algorithm import EnvironmentAlgorithm
from .evaluate_algorithm import EvaluateAlgorithm
from .inventory_algorithm import ExportInventoryAlgorithm
from .inventory_training_algorithms import InventoryChipsAlgorithm, MarkKnownAlgorithm

PROVIDER_ID = "thawslumpmapper"


class Provider(QgsProcessingProvider):
    def id(self) -> str:
        return PROVIDER_ID

    def name(self) -> str:
        return tr("Thaw Slump Mapper")

    def longName(self) -> str:  # noqa: N802 - QGIS API
        return tr("Thaw Slump Mapper {version}").format(version=version())

    def icon(self) -> QIcon:
        return QIcon(icon_path("thaw_slump_mapper.svg"))

    def loadAlgorithms(self) -> None:  # noqa: N802 - QGIS API
        self.addAlgorithm(EnvironmentAlgorithm())
        self.addAlgorithm(RunModelAlgorithm())
        self.addAlgorithm(RunModelOnClusterAlgorithm())
        self.addAlgorithm(VectorizeAlgorithm())
        self.addAlgorithm(MeasureChangeAlgorithm())
        self.addAlgorithm(ExportInventoryAlgorithm())
        self.addAlgorithm(EvaluateAlgorithm())
        self.addAlgorithm(InventoryChipsAlgorithm())
        self.addAlgorithm(MarkKnownAlgorithm())
