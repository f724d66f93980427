"""An existing slump inventory (ARTS GeoJSON, a shapefile, a GeoPackage layer, or the features of
a QGIS layer): its polygons, each with an id and whether it is a hard negative.

ARTS marks negatives with ``TrainClass`` = "Negative" and identifies polygons by ``UID``; other
inventories name a field and value for negatives (or have none) and are identified by feature
number when they have no UID field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rasterio.crs import CRS
from rasterio.errors import CRSError
from rasterio.warp import transform_geom
from shapely import wkt as shapely_wkt
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

from ..engine.aoi import features, open_vector
from ..errors import InputError

ARTS_NEGATIVE = ("TrainClass", "Negative")
UID_FIELDS = ("UID", "uid", "rts_id", "candidate_id", "id")


@dataclass
class InventoryPolygon:
    geometry: Polygon | MultiPolygon
    uid: str
    negative: bool


@dataclass
class Inventory:
    crs: str  # WKT
    polygons: list[InventoryPolygon]
    label: str
    fields: list[str]
    negative_rule: tuple[str, str] | None  # (field, value) that made negatives, or None
    skipped: int = 0  # features without a polygon
    notes: list[str] = field(default_factory=list)

    @property
    def positives(self) -> list[InventoryPolygon]:
        return [p for p in self.polygons if not p.negative]

    @property
    def negatives(self) -> list[InventoryPolygon]:
        return [p for p in self.polygons if p.negative]

    def in_crs(self, crs: CRS) -> list[InventoryPolygon]:
        """The polygons in another CRS (the mosaic's, the candidates')."""
        source = CRS.from_user_input(self.crs)
        if source == crs:
            return list(self.polygons)
        return [InventoryPolygon(shape(transform_geom(source, crs, mapping(p.geometry))), p.uid, p.negative)
                for p in self.polygons]


def _polygonal(g):
    if g is None or g.is_empty:
        return None
    if not g.is_valid:
        g = g.buffer(0)
    if isinstance(g, (Polygon, MultiPolygon)) and not g.is_empty:
        return g
    if hasattr(g, "geoms"):  # a collection: keep its polygons
        parts = [p for p in g.geoms if isinstance(p, Polygon)]
        return MultiPolygon(parts) if parts else None
    return None


def build_inventory(records: list[tuple[object, dict]], crs: str, label: str, fields: list[str],
                    negative_field: str | None = None, negative_value: str | None = None) -> Inventory:
    """An inventory from (shapely geometry, attributes) pairs. Without ``negative_field`` the ARTS
    rule (TrainClass = Negative) applies when the layer has that field; otherwise all are slumps."""
    if negative_value is not None and not negative_field:
        raise InputError(f"A negative value ('{negative_value}') was given without its field.",
                         "Give the field as well (--negative-field), or leave both out.")
    if negative_field and negative_field not in fields:
        raise InputError(f"{label} has no field '{negative_field}' (it has {', '.join(fields) or 'none'}).",
                         "Give one of its fields for the hard negatives, or leave the field out.")
    if negative_field and negative_value is None:
        raise InputError(f"The field '{negative_field}' was given without the value that marks negatives.",
                         "Give the value as well (--negative-value), e.g. Negative.")
    try:
        CRS.from_user_input(crs)
    except CRSError as exc:
        raise InputError(f"{label} has no usable CRS.", "Save the inventory with its CRS (EPSG code).") from exc
    rule = (negative_field, str(negative_value)) if negative_field else (
        ARTS_NEGATIVE if ARTS_NEGATIVE[0] in fields else None)
    uid_field = next((f for f in UID_FIELDS if f in fields), None)
    polygons, skipped = [], 0
    for n, (geom, attrs) in enumerate(records, start=1):
        g = _polygonal(geom)
        if g is None:
            skipped += 1
            continue
        negative = rule is not None and str(attrs.get(rule[0])).strip() == rule[1].strip()
        uid = attrs.get(uid_field) if uid_field else None
        polygons.append(InventoryPolygon(g, str(uid) if uid not in (None, "") else f"{label}#{n}", negative))
    if not polygons:
        raise InputError(f"{label} holds no polygon.", "Choose a polygon layer or file of slump outlines.")
    return Inventory(CRS.from_user_input(crs).to_wkt(), polygons, label, list(fields), rule, skipped)


def read_inventory(path: str | Path, layer: str | None = None, negative_field: str | None = None,
                   negative_value: str | None = None) -> Inventory:
    """The polygons of a vector file's layer (the first unless ``layer``) with GDAL's OGR."""
    path = Path(path)
    _ds, lyr, srs = open_vector(path, "inventory", "an ARTS GeoJSON, shapefile or GeoPackage", layer)
    definition = lyr.GetLayerDefn()
    fields = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    records = []
    for feature in features(lyr, path):
        g = feature.GetGeometryRef()
        geom = shapely_wkt.loads(g.ExportToIsoWkt()) if g is not None else None
        records.append((geom, {f: feature.GetField(f) for f in fields}))
    label = path.name if not layer else f"{path.name}|{layer}"
    return build_inventory(records, srs.ExportToWkt(), label, fields, negative_field, negative_value)
