"""Areas of interest: the polygons of a study area or corridor, and which tiles they touch."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rasterio.crs import CRS
from rasterio.errors import CRSError
from rasterio.warp import transform_geom
from shapely import wkt as shapely_wkt
from shapely.affinity import affine_transform
from shapely.geometry import MultiPolygon, Polygon, box, mapping, shape
from shapely.prepared import prep

from ..errors import InputError
from ..messages import Message
from .raster import Extent, Grid

VECTOR_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json", ".kml", ".fgb", ".sqlite")


@dataclass(frozen=True)
class Aoi:
    """Polygons (WKT, one multipolygon) in a CRS; its bounds become the run's extent."""

    wkt: str
    crs: str  # WKT or EPSG:code
    label: str = ""  # the file or layer it came from, for messages and provenance

    def geometry(self):
        return shapely_wkt.loads(self.wkt)

    def extent(self) -> Extent:
        xmin, ymin, xmax, ymax = self.geometry().bounds
        return Extent(xmin, ymin, xmax, ymax, self.crs)

    def in_grid_pixels(self, grid: Grid):
        """The polygons in the grid's pixel coordinates (column, row)."""
        geom = self.geometry()
        if CRS.from_user_input(self.crs) != grid.crs:
            geom = shape(transform_geom(CRS.from_user_input(self.crs), grid.crs, mapping(geom)))
        inv = ~grid.transform
        return affine_transform(geom, [inv.a, inv.b, inv.d, inv.e, inv.c, inv.f])


def from_geometries(geoms: list, crs: str, label: str = "") -> Aoi:
    """An AOI from shapely polygons (the dock's layer, the CLI's file)."""
    polys: list[Polygon] = []
    for g in geoms:
        if g is None or g.is_empty:
            continue
        if not g.is_valid:
            g = g.buffer(0)
        if isinstance(g, Polygon):
            polys.append(g)
        elif isinstance(g, MultiPolygon):
            polys.extend(g.geoms)
    if not polys:
        raise InputError(f"The area {label or ''} holds no polygon.".replace("  ", " "),
                         "Choose a polygon layer or file (a study area or corridor outline) with at least one "
                         "polygon.")
    try:
        CRS.from_user_input(crs)
    except CRSError as exc:
        raise InputError(f"The area {label} has an unknown CRS.", "Give the layer or file a CRS (EPSG code).") from exc
    return Aoi(MultiPolygon(polys).wkt, crs, label)


def open_vector(path: Path, what: str, kinds: str, layer_name: str | None = None):
    """The dataset and layer (the first unless ``layer_name``) of a vector file, read with GDAL's
    OGR (it comes with QGIS and rasterio's GDAL), its CRS in x/y order. ``what`` names the file in
    messages ("area file", "inventory"), ``kinds`` the formats to give instead. Hold on to the
    dataset while the layer is read: OGR frees the layer with it."""
    if not path.exists():
        raise InputError(f"The {what} {path} does not exist.", f"Give the path of {kinds}.")
    try:
        from osgeo import ogr, osr
    except ImportError as exc:  # pragma: no cover - GDAL's Python bindings come with QGIS
        raise InputError(f"Reading {what}s needs GDAL's Python bindings (osgeo), which are not installed.",
                         "Install python3-gdal (Debian) or the gdal package of your Python.") from exc
    ogr.UseExceptions()
    try:
        ds = ogr.Open(str(path))
    except RuntimeError as exc:
        raise InputError(f"{path.name} cannot be read as a vector file ({str(exc)[:120]}).",
                         f"Give {kinds} with polygons.") from exc
    if ds is None or ds.GetLayerCount() == 0:
        raise InputError(f"{path.name} holds no vector layer.", f"Give {kinds} with polygons.")
    layer = ds.GetLayerByName(layer_name) if layer_name else ds.GetLayer(0)
    if layer is None:
        names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
        raise InputError(f"{path.name} has no layer '{layer_name}' (it has {', '.join(names)}).",
                         "Give one of those.")
    srs = layer.GetSpatialRef()
    if srs is None:
        raise InputError(f"{path.name} has no CRS.", f"Save the {what} with its CRS (e.g. as a GeoPackage).")
    if hasattr(srs, "SetAxisMappingStrategy"):  # x = easting/longitude, as rasterio expects
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return ds, layer, srs


def features(layer, path: Path):
    """The features of an OGR layer; a file that opens but cannot be read to its end (a truncated
    shapefile or GeoPackage) is said to be damaged, not "unexpected error (RuntimeError: )"."""
    try:
        yield from layer
    except RuntimeError as exc:
        raise InputError(Message("vector.damaged", name=Path(path).name, detail=str(exc)[:120] or "read error"),
                         Message("vector.damaged.fix")) from exc


def read_aoi(path: str | Path) -> Aoi:
    """The polygons of every feature of a vector file's first layer (GeoPackage, shapefile,
    GeoJSON…)."""
    path = Path(path)
    _ds, layer, srs = open_vector(path, "area file", "a GeoPackage, shapefile or GeoJSON")
    geoms = []
    for feature in features(layer, path):
        g = feature.GetGeometryRef()
        if g is not None:
            geoms.append(shapely_wkt.loads(g.ExportToIsoWkt()))
    return from_geometries(geoms, srs.ExportToWkt(), path.name)


class TileFilter:
    """Which tiles of the grid touch the area: tiles wholly outside are skipped."""

    def __init__(self, aoi: Aoi | None, grid: Grid) -> None:
        self.geom = prep(aoi.in_grid_pixels(grid)) if aoi is not None else None

    def keeps(self, row: int, col: int, height: int, width: int) -> bool:
        return self.geom is None or self.geom.intersects(box(col, row, col + width, row + height))
