"""Processing while the setup stub is active: the plugin's algorithms are listed under their own
ids, and running any of them (in the toolbox, a model or `qgis_process run`) says in one line what
is missing and the command that fixes it, instead of "Algorithm not found".

Nothing here imports the engine: the packages it needs are the ones that are missing.
"""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ...resources.paths import icon_path
from ..i18n import tr

PROVIDER_ID = "thawslumpmapper"  # the real provider's id (tests check both lists agree)


def algorithms() -> dict[str, str]:
    """id -> display name, as the real provider lists them ("checkenvironment", which needs nothing
    but the package check, is the real one here too)."""
    return {
        "runmodel": tr("Run model on mosaics"),
        "runmodelcluster": tr("Run model on a Dask cluster"),
        "vectorize": tr("Vectorise probability raster"),
        "change": tr("Measure change over time"),
        "exportinventory": tr("Export inventory"),
        "evaluate": tr("Evaluate against reference outlines"),
        "inventorychips": tr("Training chips from an inventory"),
        "markknown": tr("Mark candidates already in an inventory"),
    }


class SetupNeededAlgorithm(QgsProcessingAlgorithm):
    def __init__(self, algorithm_id: str, display: str, problem: str) -> None:
        super().__init__()
        self._id, self._display, self._problem = algorithm_id, display, problem

    def name(self) -> str:
        return self._id

    def displayName(self) -> str:  # noqa: N802 - QGIS API
        return tr("{name} (setup needed)").format(name=self._display)

    def shortHelpString(self) -> str:  # noqa: N802 - QGIS API
        return self._problem

    def createInstance(self) -> SetupNeededAlgorithm:  # noqa: N802 - QGIS API
        return SetupNeededAlgorithm(self._id, self._display, self._problem)

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 - QGIS API
        pass

    def checkParameterValues(self, parameters, context):  # noqa: N802 - QGIS API
        return False, self._problem

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        raise QgsProcessingException(self._problem)


class SetupNeededProvider(QgsProcessingProvider):
    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem

    def id(self) -> str:
        return PROVIDER_ID

    def name(self) -> str:
        return tr("Thaw Slump Mapper (setup needed)")

    def icon(self) -> QIcon:
        return QIcon(icon_path("thaw_slump_mapper.svg"))

    def loadAlgorithms(self) -> None:  # noqa: N802 - QGIS API
        from .environment_algorithm import EnvironmentAlgorithm

        self.addAlgorithm(EnvironmentAlgorithm())
        for algorithm_id, display in algorithms().items():
            self.addAlgorithm(SetupNeededAlgorithm(algorithm_id, display, self.problem))
