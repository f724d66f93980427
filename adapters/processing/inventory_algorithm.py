"""Processing: export the accepted slumps of a candidates GeoPackage as the curated inventory."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorLayer,
)

from ...core.errors import TsmError
from ...core.review.inventory import export_inventory
from ...core.store.gpkg import connect, table_srs
from ..compat import NUMBER_DOUBLE, SOURCE_VECTOR_LINE
from ..i18n import tr
from ..layers import raster_file, shapely_lines
from ..messages import error_text


class ExportInventoryAlgorithm(QgsProcessingAlgorithm):
    CANDIDATES, ROADS, DISTANCE, DEM, OUTPUT, COUNT = "CANDIDATES", "ROADS", "DISTANCE", "DEM", "OUTPUT", "COUNT"

    def name(self) -> str:
        return "exportinventory"

    def displayName(self) -> str:  # noqa: N802 - QGIS API
        return tr("Export inventory")

    def group(self) -> str:
        return tr("Review")

    def groupId(self) -> str:  # noqa: N802 - QGIS API
        return "review"

    def shortHelpString(self) -> str:  # noqa: N802 - QGIS API
        return tr("Writes the accepted slumps of a candidates GeoPackage to an inventory GeoPackage with area, "
                  "centroid, review and model attributes; with roads the distance to the nearest one and a flag "
                  "within the given distance; with a DEM the mean elevation, slope and aspect.")

    def createInstance(self) -> ExportInventoryAlgorithm:  # noqa: N802 - QGIS API
        return ExportInventoryAlgorithm()

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 - QGIS API
        self.addParameter(QgsProcessingParameterFile(self.CANDIDATES, tr("Candidates GeoPackage"),
                                                     fileFilter=tr("GeoPackage (*.gpkg)")))
        self.addParameter(QgsProcessingParameterVectorLayer(
            self.ROADS, tr("Roads and railways (optional)"), [SOURCE_VECTOR_LINE], optional=True))
        self.addParameter(QgsProcessingParameterNumber(self.DISTANCE, tr("Flag slumps closer than (m)"),
                                                       NUMBER_DOUBLE, 500, minValue=0))
        self.addParameter(QgsProcessingParameterRasterLayer(self.DEM, tr("DEM (optional)"), optional=True))
        self.addParameter(QgsProcessingParameterFileDestination(self.OUTPUT, tr("Inventory GeoPackage"),
                                                                tr("GeoPackage (*.gpkg)")))
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, tr("Slumps exported")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        candidates = self.parameterAsFile(parameters, self.CANDIDATES, context)
        out = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        roads_layer = self.parameterAsVectorLayer(parameters, self.ROADS, context)
        dem_layer = self.parameterAsRasterLayer(parameters, self.DEM, context)
        try:
            conn = connect(candidates, create=False)
            try:
                _, wkt = table_srs(conn, "candidates")
            finally:
                conn.close()
            roads = shapely_lines(roads_layer, wkt) if roads_layer is not None else None
            n = export_inventory(candidates, out, overwrite=True, roads=roads,
                                 near_m=self.parameterAsDouble(parameters, self.DISTANCE, context),
                                 dem_path=raster_file(dem_layer) or None if dem_layer is not None else None)
        except TsmError as exc:
            raise QgsProcessingException(error_text(exc)) from exc
        feedback.setProgress(100)
        return {self.OUTPUT: out, self.COUNT: n}
