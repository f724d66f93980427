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
from rasterio.enums import ColorInterp, MaskFlags, Resampling
from rasterio.errors import CRSError, RasterioError, RasterioIOError
from rasterio.transform import Affine
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform_bounds
from rasterio.windows import Window

from ..errors import InputError
from ..messages import Message
from .bands import guess_domain
from .model_spec import DOMAINS
from .values import roles_from_colorinterp, sample_values, value_warnings

# Pixel counts within this fraction of an integer are that integer: coordinates of 0.02 m pixels
# far from the origin carry float errors of ~1e-8 pixel, which must not add a row past the edge.
EPS_PX = 1e-6
# Pixels whose width and height differ by less than this fraction count as square (they are
# warped onto the square working grid); survey exports often differ in the 5th or 6th digit.
SQUARE_TOLERANCE = 1e-3

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
    mask: str = ""  # cloud/shadow/snow mask raster (UDM, UDM2 or 0 = clear); masked pixels are NoData

    @property
    def label(self) -> str:
        return self.date or Path(self.path).stem


# identifiers that hold digits by chance: a UUID, or a hex id of 8 or more digits and letters
NOT_DATES = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                       r"|(?<![0-9A-Za-z])(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,}(?![0-9A-Za-z])")


def guess_date(name: str) -> str:
    """A date or year in a file or layer name, '' when there is none. Years after next year are
    no imagery dates (a tile named with a UUID got 2050), nor are the digits of a UUID or hex id."""
    from datetime import date

    stem = NOT_DATES.sub(" ", Path(name).name)
    latest = date.today().year + 1
    for match in DATE_RE[0].finditer(stem):
        if int(match.group(1)) <= latest:
            return "-".join(match.groups())
    for match in DATE_RE[1].finditer(stem):
        if int(match.group(1)) <= latest:
            return match.group(1)
    return ""


def best_date(layer_name: str, path: str) -> str:
    """The date of a mosaic from its layer name or file name, the full date when either has it
    ("planet_2016" over 20160909_…_SR.tif gives 2016-09-09), the layer name's year on conflict."""
    named, filed = guess_date(layer_name), guess_date(Path(path).name)
    if filed[:4] == named[:4] and len(filed) > len(named):
        return filed
    return named or filed


GIVEN_DATE = re.compile(r"((?:19|20)\d\d)(?:(\d\d)(\d\d)|[-_/](\d{1,2})(?:[-_/](\d{1,2}))?)?")


def is_date(text: str) -> bool:
    """A year, year-month or full date as written after @: 2021, 2021-07, 2021-7-5, 2021-07-15,
    20210715, and a real one (2021-13-40 and 2021-02-30 are not)."""
    from datetime import date

    match = GIVEN_DATE.fullmatch(text.strip())
    if not match:
        return False
    year, m1, d1, m2, d2 = match.groups()
    try:
        date(int(year), int(m1 or m2 or 1), int(d1 or d2 or 1))
    except ValueError:
        return False
    return True


def parse_mosaic_arg(text: str) -> MosaicSpec:
    """'path/to/mosaic.tif@2020-07-15' (the date is optional). The text is split at its last @
    only when a date follows it; a path with an @ in it ('scene@home/m.tif') stays whole, and a
    date that is none ('@2021-13-40', '@summer') is refused, saying how to write one."""
    if "@" not in text:
        return MosaicSpec(path=text, date=guess_date(text))
    path, _, date = text.rpartition("@")
    if not date.strip():
        return MosaicSpec(path=path, date=guess_date(path))
    if is_date(date):
        return MosaicSpec(path=path, date=date.strip())
    if Path(text).exists() or re.search(r"[/\\]|\.[A-Za-z][A-Za-z0-9]{1,4}$", date):  # the @ belongs to the path
        return MosaicSpec(path=text, date=guess_date(text))
    raise InputError(Message("mosaic.bad_date", date=date[:40], text=text[-120:]), Message("mosaic.bad_date.fix"))


def same_date_warnings(specs: list[MosaicSpec]) -> list[Message]:
    """One warning per date that several mosaics share: their probabilities go under one date, so
    the years cannot be told apart (two scenes of one year, or dates forgotten or mistyped)."""
    by_date: dict[str, list[str]] = {}
    for spec in specs:
        if spec.date:
            by_date.setdefault(spec.date, []).append(Path(spec.path).name)
    return [Message("mosaic.same_date", count=len(names), date=date, names=", ".join(names[:4]))
            for date, names in by_date.items() if len(names) > 1]


@dataclass(frozen=True)
class Extent:
    xmin: float
    ymin: float
    xmax: float
    ymax: float
    crs: str  # "EPSG:32603" or WKT

    @classmethod
    def parse(cls, text: str, default_crs: str = "") -> Extent:
        shown = text if len(text) <= 80 else text[:77] + "…"  # never echo a pasted file back whole
        parts = [p.strip() for p in text.split(",")]
        crs = default_crs
        if len(parts) == 5:
            crs = parts.pop()
        try:
            xmin, ymin, xmax, ymax = (float(p) for p in parts)
        except ValueError as exc:
            raise InputError(f"Cannot read the extent '{shown}'.",
                             "Write it as XMIN,YMIN,XMAX,YMAX[,EPSG:CODE].") from exc
        if not all(math.isfinite(v) for v in (xmin, ymin, xmax, ymax)):
            raise InputError(f"The extent '{shown}' has a coordinate that is not a number.",
                             "Write it as XMIN,YMIN,XMAX,YMAX[,EPSG:CODE] with finite numbers.")
        if not (xmin < xmax and ymin < ymax):
            raise InputError(f"The extent '{shown}' is empty (minimum not below maximum).",
                             "Give XMIN,YMIN,XMAX,YMAX with XMIN < XMAX and YMIN < YMAX.")
        if crs:
            try:
                CRS.from_user_input(crs)
            except CRSError as exc:
                raise InputError(f"The extent's CRS '{crs[:40]}' is unknown.",
                                 "Give it as EPSG:CODE, e.g. EPSG:32646, or leave it out (the mosaic's CRS).") from exc
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
    roles: tuple[tuple[str, int], ...] = ()  # band roles of this raster (colour interpretation or default)
    warnings: tuple[str, ...] = ()  # doubts about its values, in plain words
    binary_bands: tuple[int, ...] = ()  # bands whose sampled values are only 0 and 1 (masks)

    @property
    def band_map(self) -> dict[str, int]:
        return dict(self.roles)

    @property
    def res(self) -> float:
        return abs(self.transform.a)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return rasterio.transform.array_bounds(self.height, self.width, self.transform)


def inspect_mosaic(spec: MosaicSpec) -> MosaicInfo:
    path = Path(spec.path)
    if not spec.path or not path.is_file():
        raise InputError(Message("mosaic.missing", path=spec.path), Message("mosaic.missing.fix"))
    try:
        with rasterio.open(path) as src:
            if src.crs is None:
                raise InputError(Message("mosaic.no_crs", name=path.name), Message("mosaic.no_crs.fix"))
            if abs(abs(src.transform.a) - abs(src.transform.e)) > SQUARE_TOLERANCE * abs(src.transform.a) or \
                    src.transform.b or src.transform.d:
                raise InputError(Message("mosaic.rotated", name=path.name), Message("mosaic.rotated.fix"))
            # a truncated or damaged file opens fine and fails at its first pixel read: read the
            # first and the last block now, not in the middle of a run
            src.read(1, window=Window(0, 0, 1, 1))
            src.read(src.count, window=Window(src.width - 1, src.height - 1, 1, 1))
            sample = sample_values(src)
            # float rasters say nothing by their type: 0-255 floats are 8-bit values, not reflectance
            top = max(sample.maximum) if sample.pixels else None
            domain = spec.domain or guess_domain(src.dtypes[0], top)
            if domain not in DOMAINS:
                raise InputError(Message("mosaic.domain", domain=domain, name=path.name),
                                 Message("mosaic.domain.fix", domains=", ".join(DOMAINS)))
            roles = roles_from_colorinterp([c.name for c in src.colorinterp], src.count)
            warnings = value_warnings(sample, domain, src.dtypes[0], path.name)
            return MosaicInfo(spec, src.crs, src.transform, src.width, src.height, src.count,
                              src.dtypes[0], src.nodata, domain, tuple(sorted(roles.items(), key=lambda kv: kv[1])),
                              tuple(warnings), sample.binary)
    except (RasterioError, RasterioIOError) as exc:  # RasterioIOError is no RasterioError in 1.3
        raise InputError(Message("mosaic.unreadable", path=str(path), detail=str(exc)),
                         Message("mosaic.unreadable.fix")) from exc


def crs_label(crs: CRS) -> str:
    """'EPSG:32603', or the start of the definition for a CRS without an EPSG code."""
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_string()[:40]


def _needs_local_utm(crs: CRS) -> bool:
    return crs.is_geographic or crs.to_epsg() in (3857, 900913, 3395)


def utm_for(lon: float, lat: float) -> CRS:
    zone = min(max(int((lon + 180) // 6) + 1, 1), 60)
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def working_crs(base: MosaicInfo) -> CRS:
    """The CRS a run on mosaics led by ``base`` works and writes in: its own, or its local UTM zone."""
    if not _needs_local_utm(base.crs):
        return base.crs
    b = transform_bounds(base.crs, "EPSG:4326", *base.bounds)
    return utm_for((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)


def plan_grid(extent: Extent | None, infos: list[MosaicInfo], gsd: float,
              allow_reproject: bool = False) -> Grid:
    """The pixel grid every mosaic of the run is read on."""
    base = infos[0]
    for info in infos[1:]:
        if info.crs != base.crs and not allow_reproject:
            raise InputError(Message("grid.crs_differs", name=Path(info.spec.path).name, crs=info.crs.to_string(),
                                     first=Path(base.spec.path).name, first_crs=base.crs.to_string()),
                             Message("grid.crs_differs.fix"))
    work = working_crs(base)

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
        col0 = math.floor((area[0] - t.c) / res + EPS_PX)
        col1 = math.ceil((area[2] - t.c) / res - EPS_PX)
        row0 = math.floor((t.f - area[3]) / res + EPS_PX)
        row1 = math.ceil((t.f - area[1]) / res - EPS_PX)
        transform = Affine(res, 0, t.c + col0 * res, 0, -res, t.f - row0 * res)
        width, height = col1 - col0, row1 - row0
    else:
        res = gsd
        # anchor on the first mosaic's corner when it shares the CRS, else on multiples of the GSD
        ax, ay = (base.transform.c, base.transform.f) if work == base.crs else (0.0, 0.0)
        x0 = ax + math.floor((area[0] - ax) / res + EPS_PX) * res
        y1 = ay + math.ceil((area[3] - ay) / res - EPS_PX) * res
        width = math.ceil((area[2] - x0) / res - EPS_PX)
        height = math.ceil((y1 - area[1]) / res - EPS_PX)
        transform = Affine(res, 0, x0, 0, -res, y1)
    if width <= 0 or height <= 0:
        raise InputError("The extent is smaller than one pixel.", "Zoom out or give a larger extent.")
    return Grid(work, transform, int(width), int(height))


class MosaicReader:
    """Reads windows of the working grid from one mosaic: raw band values and a validity mask."""

    def __init__(self, info: MosaicInfo, grid: Grid, bands: list[int], categorical: bool = False) -> None:
        """``categorical``: a mask of flags, not imagery: resampled by nearest neighbour, and its
        nodata value read as a value (only the area beyond the raster is invalid)."""
        self.info, self.grid, self.bands, self.categorical = info, grid, bands, categorical
        self.src = rasterio.open(info.spec.path)
        t, g = info.transform, grid.transform
        col_off = (g.c - t.c) / t.a
        row_off = (g.f - t.f) / t.e
        aligned = (info.crs == grid.crs and abs(t.a - g.a) < 1e-9 * abs(g.a) and abs(t.e - g.e) < 1e-9 * abs(g.a)
                   and abs(col_off - round(col_off)) < 1e-6 and abs(row_off - round(row_off)) < 1e-6)
        self.offset = (round(row_off), round(col_off)) if aligned else None
        self.vrt = None
        if not aligned:
            ratio = grid.res / max(self._res_in_grid_units(), 1e-12)
            resampling = Resampling.average if ratio > 1.5 else Resampling.bilinear
            if categorical:
                resampling = Resampling.nearest
            self.resampling = resampling
            self.vrt = self._warped(g, grid.width, grid.height, resampling)
        else:
            self.resampling = None
        # A plain nodata value is checked on the values themselves: GDAL's read_masks would
        # decode every block again (measured: 4x the cost of the read itself).
        ds = self.vrt if self.vrt is not None else self.src
        flags = [ds.mask_flag_enums[b - 1] for b in bands]
        self.nodata_value = ds.nodata
        # An alpha band is read as the mask itself: rasterio 1.3 reports the bands of a warped
        # VRT as all valid even when its alpha band marks the area outside the source.
        alphas = [i + 1 for i, c in enumerate(ds.colorinterp) if c == ColorInterp.alpha and i + 1 not in bands]
        self.alpha_band = alphas[0] if alphas else 0
        if categorical:
            self.mask_mode = "alpha" if self.vrt is not None else "all_valid"
        elif self.alpha_band and ds.nodata is None:
            self.mask_mode = "alpha"
        elif all(f == [MaskFlags.nodata] for f in flags) and ds.nodata is not None:
            self.mask_mode = "nodata"
        elif all(f == [MaskFlags.all_valid] for f in flags):
            self.mask_mode = "all_valid"
        else:  # internal masks, alpha bands, per-dataset masks
            self.mask_mode = "masks"

    def _warped(self, transform: Affine, width: int, height: int, resampling: Resampling) -> WarpedVRT:
        # Without a nodata value the warped area outside the mosaic would read as valid zeros:
        # an alpha band marks it (GDAL derives it from the source's own mask).
        if self.categorical:  # flags: every value is data; the alpha band marks the raster's extent
            return WarpedVRT(self.src, crs=self.grid.crs, transform=transform, width=width, height=height,
                             resampling=Resampling.nearest, src_nodata=None, nodata=None, add_alpha=True)
        add_alpha = self.src.nodata is None and ColorInterp.alpha not in self.src.colorinterp
        return WarpedVRT(self.src, crs=self.grid.crs, transform=transform, width=width, height=height,
                         resampling=resampling, add_alpha=add_alpha)

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
        """Raw values (B×h×w, the mosaic's dtype) and valid (h×w bool) for a grid window.

        The part of the window outside the mosaic (another year's footprint, a grid rounded up
        by a row) comes back as zeros marked invalid. Only the part inside is read: rasterio's
        boundless reads differ between versions (1.3's ``read_masks`` has no ``fill_value``).
        """
        ds = self.vrt if self.vrt is not None else self.src
        r0, c0 = (row, col) if self.vrt is not None else (row + self.offset[0], col + self.offset[1])
        if out_shape is None and r0 >= 0 and c0 >= 0 and r0 + height <= ds.height and c0 + width <= ds.width:
            # wholly inside (most regions of a run): the read itself, not a copy into a zeroed array
            return self._values_and_valid(ds, Window(c0, r0, width, height), {})
        oh, ow = out_shape if out_shape is not None else (height, width)
        values = np.zeros((len(self.bands), oh, ow), dtype=ds.dtypes[0])
        valid = np.zeros((oh, ow), bool)
        ir0, ic0 = max(r0, 0), max(c0, 0)
        ir1, ic1 = min(r0 + height, ds.height), min(c0 + width, ds.width)
        # where the part inside lands in the output (scaled when out_shape resamples)
        dr0, dr1 = round((ir0 - r0) * oh / height), round((ir1 - r0) * oh / height)
        dc0, dc1 = round((ic0 - c0) * ow / width), round((ic1 - c0) * ow / width)
        if ir1 <= ir0 or ic1 <= ic0 or dr1 <= dr0 or dc1 <= dc0:
            return values, valid
        window = Window(ic0, ir0, ic1 - ic0, ir1 - ir0)
        if out_shape is not None and self.vrt is not None:
            # A decimated read of a warped VRT warps every full-resolution pixel (minutes for a
            # map view); a VRT on the coarse grid warps only the pixels asked for.
            t = self.grid.transform * Affine.translation(ic0, ir0) * Affine.scale(
                (ic1 - ic0) / (dc1 - dc0), (ir1 - ir0) / (dr1 - dr0))
            with self._warped(t, dc1 - dc0, dr1 - dr0, Resampling.nearest) as coarse:
                part, part_valid = self._values_and_valid(coarse, None, {})
        else:
            kw = {}
            if out_shape is not None:
                kw = {"out_shape": (len(self.bands), dr1 - dr0, dc1 - dc0), "resampling": Resampling.nearest}
            part, part_valid = self._values_and_valid(ds, window, kw)
        values[:, dr0:dr1, dc0:dc1] = part
        valid[dr0:dr1, dc0:dc1] = part_valid
        return values, valid

    def _values_and_valid(self, ds, window: Window | None, kw: dict) -> tuple[np.ndarray, np.ndarray]:
        try:
            part = ds.read(self.bands, window=window, **kw)
        except (RasterioError, RasterioIOError) as exc:
            name = Path(self.info.spec.path).name
            raise InputError(f"Reading {name} failed: the file is damaged or truncated ({str(exc)[:160]}).",
                             "Check it with gdalinfo -checksum, or copy or export it again.") from exc
        if self.mask_mode == "alpha":
            alpha_kw = {**kw, "out_shape": kw["out_shape"][1:]} if "out_shape" in kw else kw
            part_valid = ds.read(self.alpha_band, window=window, **alpha_kw) > 0
        elif self.mask_mode == "nodata":
            nd = self.nodata_value
            part_valid = np.all(~np.isnan(part) if np.isnan(nd) else part != nd, axis=0)
        elif self.mask_mode == "all_valid":
            part_valid = np.ones(part.shape[1:], bool)
        else:
            part_valid = np.all(ds.read_masks(self.bands, window=window, **kw) > 0, axis=0)
        if np.issubdtype(part.dtype, np.floating):
            part_valid &= np.all(np.isfinite(part), axis=0)
        return part, part_valid

    def close(self) -> None:
        if self.vrt is not None:
            self.vrt.close()
        self.src.close()

    def __enter__(self) -> MosaicReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
