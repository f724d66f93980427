"""Between QGIS layers and the engine: file paths, extents, and styled result layers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from qgis.core import (
    QgsColorRampShader,
    QgsFillSymbol,
    QgsGradientColorRamp,
    QgsGraduatedSymbolRenderer,
    QgsLayerTreeGroup,
    QgsMapLayer,
    QgsProject,
    QgsRasterLayer,
    QgsRasterShader,
    QgsRendererRange,
    QgsSingleBandPseudoColorRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor
from shapely import wkt as shapely_wkt

from ..core.engine.aoi import Aoi, from_geometries
from ..core.engine.raster import Extent
from .i18n import tr

CANDIDATES_PROPERTY = "thaw_slump_mapper/candidates"
PROBABILITY_PROPERTY = "thaw_slump_mapper/probability"


def raster_file(layer: QgsMapLayer) -> str:
    """The file behind a GDAL raster layer ('' for web services, memory layers…)."""
    if not isinstance(layer, QgsRasterLayer) or layer.providerType() != "gdal":
        return ""
    path = layer.source().split("|")[0]
    return path if Path(path).is_file() else ""


def file_rasters(project: QgsProject) -> list[QgsRasterLayer]:
    """The project's file rasters that may be mosaics: not the plugin's own probability layers."""
    return [layer for layer in project.mapLayers().values()
            if raster_file(layer) and not layer.customProperty(PROBABILITY_PROPERTY)]


def extent_of(rect, crs) -> Extent:
    return Extent(rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum(), _crs_text(crs))


def aoi_of(layer: QgsVectorLayer) -> Aoi:
    """The study area of a polygon layer: its selected features when it has a selection."""
    features = layer.selectedFeatures() if layer.selectedFeatureCount() else layer.getFeatures()
    return aoi_of_features(features, layer.crs(), layer.name())


def aoi_of_features(features, crs, label: str) -> Aoi:
    """The study area made of QGIS features' polygons (a layer, a Processing feature source)."""
    geoms = [shapely_wkt.loads(f.geometry().asWkt()) for f in features if f.hasGeometry()]
    return from_geometries(geoms, _crs_text(crs), label)


def _crs_text(crs) -> str:
    return crs.authid() if crs.authid() else crs.toWkt()


def result_group(project: QgsProject) -> QgsLayerTreeGroup:
    root = project.layerTreeRoot()
    name = tr("Thaw Slump Mapper")
    group = root.findGroup(name)
    return group if group is not None else root.insertGroup(0, name)


PROBABILITY_CLASSES = ((0.0, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0))


def style_candidates(layer: QgsVectorLayer) -> None:
    """Outline only, coloured from yellow (just above threshold) to red (certain), in fixed classes of
    the highest probability: the legend reads the same in every file (equal intervals over the data
    gave '1 - 1' five times where every candidate was certain)."""
    ramp = QgsGradientColorRamp(QColor(255, 230, 0), QColor(220, 0, 0))
    ranges = []
    for i, (low, high) in enumerate(PROBABILITY_CLASSES):
        symbol = QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_width": "0.8"})
        symbol.symbolLayer(0).setStrokeColor(ramp.color(i / (len(PROBABILITY_CLASSES) - 1)))
        symbol.symbolLayer(0).setFillColor(QColor(0, 0, 0, 0))
        ranges.append(QgsRendererRange(low, high, symbol, f"{low:.1f} – {high:.1f}"))
    layer.setRenderer(QgsGraduatedSymbolRenderer("max_prob", ranges))


def candidates_layer(project: QgsProject, gpkg: str) -> QgsVectorLayer | None:
    for layer in project.mapLayers().values():
        if layer.customProperty(CANDIDATES_PROPERTY) == gpkg:
            return layer
    return None


def show_candidates(project: QgsProject, gpkg: str) -> QgsVectorLayer:
    """Add the candidates layer of ``gpkg`` to the result group, or reload it if it is there."""
    for layer in project.mapLayers().values():
        if layer.customProperty(CANDIDATES_PROPERTY) == gpkg:
            layer.dataProvider().reloadData()
            layer.updateExtents()
            style_candidates(layer)
            layer.triggerRepaint()
            return layer
    layer = QgsVectorLayer(f"{gpkg}|layername=candidates", tr("Slump candidates"), "ogr")
    if not layer.isValid():
        raise RuntimeError(tr("QGIS cannot open the candidates layer in {path}.").format(path=gpkg))
    layer.setCustomProperty(CANDIDATES_PROPERTY, gpkg)
    style_candidates(layer)
    project.addMapLayer(layer, False)
    result_group(project).insertLayer(0, layer)
    return layer


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)  # same disk: no copy of a corridor's gigabytes, and safe from eviction
    except OSError:
        shutil.copy2(src, dst)


def keep_beside(path: str, gpkg: str) -> str:
    """A copy of the cached probability raster ``path`` beside the candidates GeoPackage, for the
    project's layer: the cache is evicted by size and may sit in a temporary folder; the project
    should point at neither. The cache's content-hash name keeps one raster per distinct run. A
    VRT goes with its folder of chunk files (hard links where the disk allows)."""
    src = Path(path)
    if src.suffix.lower() == ".vrt":
        folder = Path(gpkg).with_name(f"{Path(gpkg).stem}_probability")
        target = folder / src.name
        if not target.is_file():
            folder.mkdir(exist_ok=True)
            chunks = src.with_suffix("")
            if chunks.is_dir():
                (folder / chunks.name).mkdir(exist_ok=True)
                for f in chunks.glob("c*.tif"):
                    if not (folder / chunks.name / f.name).exists():
                        _link_or_copy(str(f), str(folder / chunks.name / f.name))
            shutil.copyfile(src, target)  # last: a complete raster or none
        return str(target)
    target = Path(gpkg).with_name(f"{Path(gpkg).stem}_{src.name}")
    if not target.is_file():
        shutil.copyfile(path, target)
    return str(target)


def show_probability(project: QgsProject, path: str, band: int) -> QgsRasterLayer:
    for layer in project.mapLayers().values():
        if layer.customProperty(PROBABILITY_PROPERTY) == path:
            return layer
    layer = QgsRasterLayer(path, tr("Slump probability"))
    shader_fn = QgsColorRampShader(0, 250, QgsGradientColorRamp(QColor(255, 255, 255, 0), QColor(200, 0, 80)))
    shader_fn.classifyColorRamp(5, -1)
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(shader_fn)
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), band, shader)
    layer.setRenderer(renderer)
    layer.setOpacity(0.6)
    layer.setCustomProperty(PROBABILITY_PROPERTY, path)
    project.addMapLayer(layer, False)
    result_group(project).addLayer(layer)
    return layer


NATURAL_COLOUR_PROPERTY = "thaw_slump_mapper/natural_colour"


def natural_colour_bands(layer: QgsRasterLayer, roles: dict[str, int] | None = None) -> tuple[int, int, int] | None:
    """Band numbers for red, green and blue: from the mosaic's roles when given (colour
    interpretation or PlanetScope order), else B,G,R,N for four bands or more, R,G,B for three."""
    if layer.bandCount() < 3:
        return None
    if roles and all(r in roles for r in ("red", "green", "blue")):
        bands = (roles["red"], roles["green"], roles["blue"])
        return bands if max(bands) <= layer.bandCount() else None
    return (3, 2, 1) if layer.bandCount() >= 4 else (1, 2, 3)


def has_default_style(layer: QgsRasterLayer) -> bool:
    """True while the layer still shows QGIS's own default rendering (or ours): a style the user
    made is never replaced."""
    from qgis.core import QgsMultiBandColorRenderer

    if layer.customProperty(NATURAL_COLOUR_PROPERTY):
        return True
    renderer = layer.renderer()
    return (isinstance(renderer, QgsMultiBandColorRenderer)
            and (renderer.redBand(), renderer.greenBand(), renderer.blueBand()) == (1, 2, 3))


def style_natural_colour(layer: QgsRasterLayer, roles: dict[str, int] | None = None,
                         limits: tuple[float, float] | None = None) -> None:
    """Natural colour with ONE stretch shared by the three bands (2-98 % cumulative cut over all
    of them, or ``limits`` shared with the other years), so colours keep their balance and
    years compare."""
    from qgis.core import QgsContrastEnhancement, QgsMultiBandColorRenderer

    bands = natural_colour_bands(layer, roles)
    if bands is None:
        return
    provider = layer.dataProvider()
    low, high = limits or stretch_limits(layer, bands)
    renderer = QgsMultiBandColorRenderer(provider, *bands)
    for band, setter in zip(bands, (renderer.setRedContrastEnhancement, renderer.setGreenContrastEnhancement,
                                    renderer.setBlueContrastEnhancement)):
        enhancement = QgsContrastEnhancement(provider.dataType(band))
        enhancement.setContrastEnhancementAlgorithm(QgsContrastEnhancement.ContrastEnhancementAlgorithm.StretchToMinimumMaximum)
        enhancement.setMinimumValue(low)
        enhancement.setMaximumValue(high)
        setter(enhancement)
    layer.setRenderer(renderer)
    layer.setCustomProperty(NATURAL_COLOUR_PROPERTY, True)
    layer.triggerRepaint()


def stretch_limits(layer: QgsRasterLayer, bands: tuple[int, int, int]) -> tuple[float, float]:
    provider = layer.dataProvider()
    cuts = [provider.cumulativeCut(band, 0.02, 0.98, layer.extent(), 250000) for band in bands]
    return min(c[0] for c in cuts), max(c[1] for c in cuts)


def style_years_alike(layers: list[tuple[QgsRasterLayer, dict[str, int] | None]], force: bool = False) -> int:
    """Natural colour for several years' mosaics with one stretch shared across all of them (as
    the review thumbnails), leaving layers the user styled alone unless ``force``. Returns how
    many were styled."""
    chosen = [(layer, roles) for layer, roles in layers
              if (force or has_default_style(layer)) and natural_colour_bands(layer, roles)]
    groups: dict[int, list] = {}  # one stretch per data type: 8-bit and 16-bit years do not share one
    for layer, roles in chosen:
        groups.setdefault(int(layer.dataProvider().dataType(1)), []).append((layer, roles))
    for members in groups.values():
        limits = [stretch_limits(layer, natural_colour_bands(layer, roles)) for layer, roles in members]
        shared = (min(lo for lo, _ in limits), max(hi for _, hi in limits))
        for layer, roles in members:
            style_natural_colour(layer, roles, shared)
    return len(chosen)


def shapely_lines(layer, target_wkt: str) -> list:
    """The features of a line layer as shapely geometries in the CRS given by ``target_wkt``."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform
    from shapely import wkb

    xform = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem.fromWkt(target_wkt),
                                   QgsProject.instance())
    out = []
    for feature in layer.getFeatures():
        geom = feature.geometry()
        if geom.isEmpty():
            continue
        geom.transform(xform)
        out.append(wkb.loads(bytes(geom.asWkb())))
    return out


def render_layer(layer, bounds: tuple[float, float, float, float], crs_wkt: str, size: int):
    """A QPixmap of ``layer`` over ``bounds`` (in the CRS given by WKT), ``size`` pixels square."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsMapRendererSequentialJob, QgsMapSettings, QgsRectangle
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QPixmap

    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem.fromWkt(crs_wkt))
    settings.setExtent(QgsRectangle(*bounds))
    settings.setOutputSize(QSize(size, size))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    return QPixmap.fromImage(job.renderedImage())


def inventory_of_features(features, fields, crs, label: str, negative_field: str | None = None,
                          negative_value: str | None = None):
    """An existing slump inventory (core.store.inventory_file) from QGIS features: a layer, its
    selection, or a Processing feature source (ARTS negatives by TrainClass unless a field is given)."""
    from ..core.store.inventory_file import build_inventory

    names = [f.name() for f in fields]
    records = []
    for feature in features:
        geom = shapely_wkt.loads(feature.geometry().asWkt()) if feature.hasGeometry() else None
        records.append((geom, {n: _plain(feature[n]) for n in names}))
    return build_inventory(records, _crs_text(crs), label, names, negative_field or None,
                           negative_value if negative_field else None)


def _plain(value):
    """A QGIS attribute as plain Python (NULL becomes None)."""
    from qgis.PyQt.QtCore import QVariant

    if isinstance(value, QVariant) and value.isNull():
        return None
    return value
