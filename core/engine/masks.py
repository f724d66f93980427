"""Cloud, shadow and snow masks per mosaic (Nitze et al. mask them with PlanetScope's UDM2 on the
imagery and every auxiliary layer). A masked pixel is NoData for the run, with the same no-edge
handling as NoData.

Two forms are read, told apart by their band count:

- **UDM2** (8 bands: clear, snow, shadow, light haze, heavy haze, cloud, confidence, UDM1):
  masked where snow, shadow, heavy haze or cloud is set, or the legacy UDM1 band flags the pixel
  (blackfill, missing or suspect band data). Light haze is kept: slumps stay visible through it.
- **One band**: masked where the value is not 0. This is the older PlanetScope UDM (bit 0
  blackfill, bit 1 cloud, bits 2-6 missing or suspect data per band) and any cloud mask with
  0 = clear.

Pixels the mask raster does not cover count as masked: a mask says what is usable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio.errors import RasterioError, RasterioIOError

from ..errors import InputError
from ..messages import Message
from .raster import Grid, MosaicReader, MosaicSpec, inspect_mosaic

UDM2_BANDS = {"clear": 1, "snow": 2, "shadow": 3, "light_haze": 4, "heavy_haze": 5, "cloud": 6,
              "confidence": 7, "udm1": 8}
UDM2_MASKED = ("snow", "shadow", "heavy_haze", "cloud", "udm1")


@dataclass(frozen=True)
class MaskInfo:
    path: str
    kind: str  # "udm2" or "flags"

    @property
    def bands(self) -> list[int]:
        return [UDM2_BANDS[name] for name in UDM2_MASKED] if self.kind == "udm2" else [1]


def inspect_mask(path: str) -> MaskInfo:
    p = Path(path)
    if not p.is_file():
        raise InputError(Message("mask.missing", path=str(p)), Message("mask.missing.fix"))
    try:
        with rasterio.open(p) as src:
            count, crs = src.count, src.crs
    except (RasterioError, RasterioIOError) as exc:
        raise InputError(Message("mask.unreadable", name=p.name, detail=str(exc)),
                         Message("mask.unreadable.fix")) from exc
    if crs is None:
        raise InputError(Message("mask.no_crs", name=p.name), Message("mask.no_crs.fix"))
    if count == 8:
        return MaskInfo(str(p), "udm2")
    if count == 1:
        return MaskInfo(str(p), "flags")
    raise InputError(Message("mask.bands", name=p.name, count=count), Message("mask.bands.fix"))


def masked(values: np.ndarray, covered: np.ndarray) -> np.ndarray:
    """H×W bool from the mask bands read by :attr:`MaskInfo.bands` and where the mask has data."""
    return np.any(values != 0, axis=0) | ~covered


def open_reader(info: MaskInfo, grid: Grid) -> MosaicReader:
    """A reader of the mask's flag bands on the run's grid (nearest neighbour, nodata as data)."""
    return MosaicReader(inspect_mosaic(MosaicSpec(info.path)), grid, info.bands, categorical=True)


def read_masked(reader: MosaicReader, row: int, col: int, height: int, width: int,
                out_shape: tuple[int, int] | None = None) -> np.ndarray:
    values, covered = reader.read(row, col, height, width, out_shape=out_shape)
    return masked(values, covered)


SCENE_ID = re.compile(r"^(\d{8}_\d{6}(?:_\d{2})?_[0-9a-f]{4})_", re.IGNORECASE)


def find_udm(mosaic_path: str) -> str:
    """The UDM2 (else UDM) delivered beside a PlanetScope scene, matched by its scene id
    (``20160909_213104_0e19_3B_AnalyticMS_SR_clip.tif`` → ``20160909_213104_0e19_…_udm2_clip.tif``);
    '' when there is none or the name is not a scene's."""
    path = Path(mosaic_path)
    match = SCENE_ID.match(path.name)
    if not match or not path.parent.is_dir():
        return ""
    found = {"udm2": [], "udm": []}
    for other in sorted(path.parent.glob(f"{match.group(1)}_*")):
        name = other.name.lower()
        if other == path or other.suffix.lower() not in (".tif", ".tiff"):
            continue
        if "udm2" in name:
            found["udm2"].append(other)
        elif "udm" in name:
            found["udm"].append(other)
    best = found["udm2"] or found["udm"]
    return str(best[0]) if best else ""
