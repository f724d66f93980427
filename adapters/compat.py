"""QGIS enums that moved between QGIS 3.22 and QGIS 4, under one name each.

QGIS 3.30-3.36 moved several enums into ``Qgis`` (``Qgis.ProcessingSourceType``,
``Qgis.GeometryType``…); QGIS 3 keeps the old names as deprecated aliases, QGIS 4 removes them,
and 3.22 has only the old ones. Each name here is the new form where this QGIS has it, else the
old one. Enums that did not move are written scoped where they are used
(``Qgis.MessageLevel.Warning``, ``QgsFileWidget.StorageMode.SaveFile``): those forms work from
3.22 on. Qt classes that moved are in adapters/qt_compat.py.
"""

from __future__ import annotations

from qgis.core import Qgis, QgsMapLayerProxyModel, QgsProcessing, QgsProcessingParameterNumber, QgsWkbTypes


def _pick(new_enum: str, member: str, old):
    """``Qgis.<new_enum>.<member>`` when this QGIS has that enum, else ``old()`` (evaluated only
    then: QGIS 4 lacks the old name)."""
    scoped = getattr(Qgis, new_enum, None)
    return getattr(scoped, member) if scoped is not None else old()


# Processing source types (Qgis.ProcessingSourceType from 3.36)
SOURCE_RASTER = _pick("ProcessingSourceType", "Raster", lambda: QgsProcessing.SourceType.TypeRaster)
SOURCE_VECTOR_LINE = _pick("ProcessingSourceType", "VectorLine", lambda: QgsProcessing.SourceType.TypeVectorLine)
SOURCE_VECTOR_POLYGON = _pick("ProcessingSourceType", "VectorPolygon",
                              lambda: QgsProcessing.SourceType.TypeVectorPolygon)

# numeric Processing parameters (Qgis.ProcessingNumberParameterType from 3.36)
NUMBER_DOUBLE = _pick("ProcessingNumberParameterType", "Double", lambda: QgsProcessingParameterNumber.Type.Double)
NUMBER_INTEGER = _pick("ProcessingNumberParameterType", "Integer", lambda: QgsProcessingParameterNumber.Type.Integer)

# layer combo box filters (Qgis.LayerFilter from 3.34)
LAYER_FILTER_LINE = _pick("LayerFilter", "LineLayer", lambda: QgsMapLayerProxyModel.Filter.LineLayer)
LAYER_FILTER_POLYGON = _pick("LayerFilter", "PolygonLayer", lambda: QgsMapLayerProxyModel.Filter.PolygonLayer)
LAYER_FILTER_RASTER = _pick("LayerFilter", "RasterLayer", lambda: QgsMapLayerProxyModel.Filter.RasterLayer)

# geometry types (Qgis.GeometryType from 3.30)
GEOMETRY_POLYGON = _pick("GeometryType", "Polygon", lambda: QgsWkbTypes.GeometryType.PolygonGeometry)
