"""QGIS enums that moved between QGIS 3.22 and QGIS 4, under one name each.

QGIS 3.30-3.36 moved several enums into ``Qgis`` (``Qgis.ProcessingSourceType``,
``Qgis.GeometryType``…); QGIS 3 keeps the old names as deprecated aliases, QGIS 4 removes them,
and 3.22 has only the old ones. Each name here is the new form where this QGIS has it, else the
old one. Enums that did not move are written scoped where they are used
(``Qgis.MessageLevel.Warning``, ``QgsFileWidget.StorageMode.SaveFile``): those forms work from
3.22 on. Qt classes that moved are in adapters/qt_compat.py.
"""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsEditFormConfig,
    QgsMapLayerProxyModel,
    QgsProcessing,
    QgsProcessingParameterNumber,
    QgsUnitTypes,
    QgsWkbTypes,
)


def _pick(new, old):
    """``new()`` where this QGIS has the moved enum, else ``old()``: each is evaluated only where
    it exists (QGIS 3.22 lacks the new name, QGIS 4 the old one)."""
    try:
        return new()
    except AttributeError:
        return old()


# Processing source types (Qgis.ProcessingSourceType from 3.36)
SOURCE_RASTER = _pick(lambda: Qgis.ProcessingSourceType.Raster, lambda: QgsProcessing.SourceType.TypeRaster)
SOURCE_VECTOR_LINE = _pick(lambda: Qgis.ProcessingSourceType.VectorLine,
                           lambda: QgsProcessing.SourceType.TypeVectorLine)
SOURCE_VECTOR_POLYGON = _pick(lambda: Qgis.ProcessingSourceType.VectorPolygon,
                              lambda: QgsProcessing.SourceType.TypeVectorPolygon)

# numeric Processing parameters (Qgis.ProcessingNumberParameterType from 3.36)
NUMBER_DOUBLE = _pick(lambda: Qgis.ProcessingNumberParameterType.Double,
                      lambda: QgsProcessingParameterNumber.Type.Double)
NUMBER_INTEGER = _pick(lambda: Qgis.ProcessingNumberParameterType.Integer,
                       lambda: QgsProcessingParameterNumber.Type.Integer)

# layer combo box filters (Qgis.LayerFilter from 3.34)
LAYER_FILTER_LINE = _pick(lambda: Qgis.LayerFilter.LineLayer, lambda: QgsMapLayerProxyModel.Filter.LineLayer)
LAYER_FILTER_POLYGON = _pick(lambda: Qgis.LayerFilter.PolygonLayer, lambda: QgsMapLayerProxyModel.Filter.PolygonLayer)
LAYER_FILTER_RASTER = _pick(lambda: Qgis.LayerFilter.RasterLayer, lambda: QgsMapLayerProxyModel.Filter.RasterLayer)

# geometry types (Qgis.GeometryType from 3.30)
GEOMETRY_POLYGON = _pick(lambda: Qgis.GeometryType.Polygon, lambda: QgsWkbTypes.GeometryType.PolygonGeometry)

# attribute form suppression (Qgis.AttributeFormSuppression from 3.32)
FORM_SUPPRESS_ON = _pick(lambda: Qgis.AttributeFormSuppression.On,
                         lambda: QgsEditFormConfig.FeatureFormSuppress.SuppressOn)

# distance units (Qgis.DistanceUnit from 3.30)
DISTANCE_METERS = _pick(lambda: Qgis.DistanceUnit.Meters, lambda: QgsUnitTypes.DistanceUnit.DistanceMeters)


def metres_per_unit(unit) -> float:
    """How many metres one map unit is (1 for metres, about 111 km for degrees)."""
    factor = QgsUnitTypes.fromUnitToUnitFactor(unit, DISTANCE_METERS)
    return factor if factor > 0 else 1.0
