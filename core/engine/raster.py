"""Mosaics, extents and the working grid, and reading tiles of a mosaic on that grid (rasterio).

The working grid is the first mosaic's CRS (or the local UTM zone when that CRS is geographic or
Web Mercator, whose metres are not ground metres at Arctic latitudes) at the model's GSD. When a
mosaic already has that CRS and a pixel size within 1 % of the GSD, its own pixel grid is used
and nothing is resampled; otherwise it is warped on the fly: bilinear when the pixel size changes
by less than 1.5×, average (area-weighted) when coarsening more than that.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.enums import MaskFlags, Resampling
from rasterio.errors import RasterioError
from rasterio.transform import Affine
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform_bounds
from rasterio.windows import Window

from ..errors import InputError
from .bands import guess_domain
from .model_spec import DOMAINS

DATE_RE = (
    re.compile(r"(?<!\d)((?:19|20)\d\d)[-_]?(0[1-9]|1[0-2])[-_]?(0[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)"),
)


@dataclass(frozen=True)
class MosaicSpec:
    path: str
    date: str = ""  # ISO date or year; guessed from the file name when empty
    band_map: tuple[tuple[str, int], ...] = ()  # role → 1-based band, overriding the defaults
    domain: str = ""  # sr16 / uint8 / reflectance; guessed from the data type when empty

    @property
    def label(self) -> str:
        return self.date or Path(self.path).stem


def guess_date(name: str) -> str:
    stem = Path(name).name
    match = DATE_RE[0].search(stem)
    if match:
        return "-".join(match.groups())
    match = DATE_RE[1].search(stem)
    return match.group(1) if match else ""


def parse_mosaic_arg(text: str) -> MosaicSpec:
    """'path/to/mosaic.tif@2020-07-15' (the date is optional)."""
    path, _, date = text.rpartition("@") if "@" in text else (text, "", "")
    return MosaicSpec(path=path, date=date or guess_date(path))


@dataclass(frozen=True)
class Extent:
    xmin: float
    ymin: float
    xmax: float
    ymax: float
    crs: str  # "EPSG:32603" or WKT

    @classmethod
    def parse(cls, text: str, default_crs: str = "") -> Extent:
        parts = [p.strip() for p in text.split(",")]
        crs = default_crs
        if len(parts) == 5:
            crs = parts.pop()
        try:
            xmin, ymin, xmax, ymax = (float(p) for p in parts)
        except ValueError as exc:
            raise InputError(f"Cannot read the extent '{text}'.",
                             "Write it as XMIN,YMIN,XMAX,YMAX[,EPSG:CODE].") from exc
        if not (xmin < xmax and ymin < ymax):
            raise InputError(f"The extent '{text}' is empty (minimum not below maximum).",
                             "Give XMIN,YMIN,XMAX,YMAX with XMIN < XMAX and YMIN < YMAX.")
        return cls(xmin, ymin, xmax, ymax, crs)


@dataclass(frozen=True)
class Grid:
    crs: CRS
    transform: Affine
    width: int
    height: int

    @property
    def res(self) -> float:
        return self.transform.a

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        t = self.transform
        return t.c, t.f + t.e * self.height, t.c + t.a * self.width, t.f

    def key(self) -> str:
        return f"{self.crs.to_wkt()}|{tuple(self.transform)[:6]}|{self.width}x{self.height}"


@dataclass(frozen=True)
class MosaicInfo:
    spec: MosaicSpec
    crs: CRS
    transform: Affine
    width: int
    height: int
    count: int
    dtype: str
    nodata: float | None
    domain: str

    @property
    def res(self) -> float:
        return abs(self.transform.a)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return rasterio.transform.array_bounds(self.height, self.width, self.transform)


def inspect_mosaic(spec: MosaicSpec) -> MosaicInfo:
    path = Path(spec.path)
    if not path.exists():
        raise InputError(f"The mosaic {path} does not exist.", "Check the path.")
    try:
        with rasterio.open(path) as src:
            if src.crs is None:
                raise InputError(f"The mosaic {path.name} has no coordinate reference system.",
                                 "Assign its CRS (Raster ▸ Projections ▸ Assign Projection) and try again.")
            if abs(abs(src.transform.a) - abs(src.transform.e)) > 1e-6 * abs(src.transform.a) or \
                    src.transform.b or src.transform.d:
                raise InputError(f"The mosaic {path.name} has non-square or rotated pixels.",
                                 "Warp it to a north-up grid with square pixels first.")
            domain = spec.domain or guess_domain(src.dtypes[0])
            if domain not in DOMAINS:
                raise InputError(f"Unknown value domain '{domain}' for {path.name}.",
                                 f"Use one of {', '.join(DOMAINS)}.")
            return MosaicInfo(spec, src.crs, src.transform, src.width, src.height, src.count,
                              src.dtypes[0], src.nodata, domain)
    except RasterioError as exc:
        raise InputError(f"The mosaic {path} cannot be read as a raster ({exc}).",
                         "Check that it is a complete GeoTIFF (or another GDAL raster).") from exc


def _needs_local_utm(crs: CRS) -> bool:
    return crs.is_geographic or crs.to_epsg() in (3857, 900913, 3395)


def utm_for(lon: float, lat: float) -> CRS:
    zone = min(max(int((lon + 180) // 6) + 1, 1), 60)
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def plan_grid(extent: Extent | None, infos: list[MosaicInfo], gsd: float,
              allow_reproject: bool = False) -> Grid:
    """The pixel grid every mosaic of the run is read on."""
    base = infos[0]
    for info in infos[1:]:
        if info.crs != base.crs and not allow_reproject:
            raise InputError(
                f"Mosaic {Path(info.spec.path).name} is in {info.crs.to_string()} but "
                f"{Path(base.spec.path).name} is in {base.crs.to_string()}; the pixels of all years must "
                "line up.",
                "Reproject the mosaics to one CRS (Raster ▸ Projections ▸ Warp), or allow on-the-fly "
                "reprojection (--reproject).",
            )
    work = base.crs
    if _needs_local_utm(work):
        b = transform_bounds(base.crs, "EPSG:4326", *base.bounds)
        work = utm_for((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)

    union = None
    for info in infos:
        b = transform_bounds(info.crs, work, *info.bounds, densify_pts=21)
        union = b if union is None else (min(union[0], b[0]), min(union[1], b[1]),
                                         max(union[2], b[2]), max(union[3], b[3]))
    if extent is None:
        area = union
    else:
        src_crs = CRS.from_user_input(extent.crs) if extent.crs else base.crs
        e = transform_bounds(src_crs, work, extent.xmin, extent.ymin, extent.xmax, extent.ymax, densify_pts=21)
        area = (max(e[0], union[0]), max(e[1], union[1]), min(e[2], union[2]), min(e[3], union[3]))
        if area[0] >= area[2] or area[1] >= area[3]:
            raise InputError(
                "The extent lies outside every mosaic.",
                "Pan the map onto the mosaics (or give an extent that overlaps them) and run again.",
            )

    native = work == base.crs and abs(base.res - gsd) <= 0.01 * gsd
    if native:  # keep the mosaic's own pixels: no resampling at all
        t, res = base.transform, base.res
        col0 = math.floor((area[0] - t.c) / res + 1e-9)
        col1 = math.ceil((area[2] - t.c) / res - 1e-9)
        row0 = math.floor((t.f - area[3]) / res + 1e-9)
        row1 = math.ceil((t.f - area[1]) / res - 1e-9)
        transform = Affine(res, 0, t.c + col0 * res, 0, -res, t.f - row0 * res)
        width, height = col1 - col0, row1 - row0
    else:
        res = gsd
        # anchor on the first mosaic's corner when it shares the CRS, else on multiples of the GSD
        ax, ay = (base.transform.c, base.transform.f) if work == base.crs else (0.0, 0.0)
        x0 = ax + math.floor((area[0] - ax) / res + 1e-9) * res
        y1 = ay + math.ceil((area[3] - ay) / res - 1e-9) * res
        width = math.ceil((area[2] - x0) / res - 1e-9)
        height = math.ceil((y1 - area[1]) / res - 1e-9)
        transform = Affine(res, 0, x0, 0, -res, y1)
    if width <= 0 or height <= 0:
        raise InputError("The extent is smaller than one pixel.", "Zoom out or give a larger extent.")
    return Grid(work, transform, int(width), int(height))


class MosaicReader:
    """Reads windows of the working grid from one mosaic: raw band values and a validity mask."""

    def __init__(self, info: MosaicInfo, grid: Grid, bands: list[int]) -> None:
        self.info, self.grid, self.bands = info, grid, bands
        self.src = rasterio.open(info.spec.path)
        t, g = info.transform, grid.transform
        col_off = (g.c - t.c) / t.a
        row_off = (g.f - t.f) / t.e
        aligned = (info.crs == grid.crs and abs(t.a - g.a) < 1e-9 * abs(g.a)
                   and abs(col_off - round(col_off)) < 1e-6 and abs(row_off - round(row_off)) < 1e-6)
        self.offset = (round(row_off), round(col_off)) if aligned else None
        self.vrt = None
        if not aligned:
            ratio = grid.res / max(self._res_in_grid_units(), 1e-12)
            resampling = Resampling.average if ratio > 1.5 else Resampling.bilinear
            self.resampling = resampling
            self.vrt = WarpedVRT(self.src, crs=grid.crs, transform=g, width=grid.width, height=grid.height,
                                 resampling=resampling)
        else:
            self.resampling = None
        # A plain nodata value is checked on the values themselves: GDAL's read_masks would
        # decode every block again (measured: 4x the cost of the read itself).
        ds = self.vrt if self.vrt is not None else self.src
        flags = [ds.mask_flag_enums[b - 1] for b in bands]
        self.nodata_value = ds.nodata
        if all(f == [MaskFlags.nodata] for f in flags) and ds.nodata is not None:
            self.mask_mode = "nodata"
        elif all(f == [MaskFlags.all_valid] for f in flags):
            self.mask_mode = "all_valid"
        else:  # internal masks, alpha bands, per-dataset masks
            self.mask_mode = "masks"

    def _res_in_grid_units(self) -> float:
        if self.info.crs == self.grid.crs:
            return self.info.res
        b = transform_bounds(self.info.crs, self.grid.crs, *self.info.bounds)
        return (b[2] - b[0]) / self.info.width

    @property
    def resampled(self) -> bool:
        return self.vrt is not None

    def read(self, row: int, col: int, height: int, width: int,
             out_shape: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Raw values (B×h×w, the mosaic's dtype) and valid (h×w bool) for a grid window."""
        kw = {}
        if out_shape is not None:
            kw = {"out_shape": (len(self.bands), *out_shape), "resampling": Resampling.nearest}
        if self.vrt is not None:
            ds, window, extra = self.vrt, Window(col, row, width, height), {}
        else:
            r0, c0 = row + self.offset[0], col + self.offset[1]
            ds, window = self.src, Window(c0, r0, width, height)
            inside = r0 >= 0 and c0 >= 0 and r0 + height <= self.src.height and c0 + width <= self.src.width
            extra = {} if inside else {"boundless": True, "fill_value": 0}
        values = ds.read(self.bands, window=window, **kw, **extra)
        if self.mask_mode == "nodata" and not extra:
            nd = self.nodata_value
            valid = np.all(~np.isnan(values) if np.isnan(nd) else values != nd, axis=0)
        elif self.mask_mode == "all_valid" and not extra:
            valid = np.ones(values.shape[1:], bool)
        else:
            valid = np.all(ds.read_masks(self.bands, window=window, **kw, **extra) > 0, axis=0)
        if np.issubdtype(values.dtype, np.floating):
            valid &= np.all(np.isfinite(values), axis=0)
        return values, valid

    def close(self) -> None:
        if self.vrt is not None:
            self.vrt.close()
        self.src.close()

    def __enter__(self) -> MosaicReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
