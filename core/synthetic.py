"""A deterministic, seedable synthetic permafrost scene for tests, the demo and benchmarks.

SYNTHETIC DATA: multi-year 4-band uint16 mosaics (reflectance × 10 000, band order B,G,R,NIR,
3 m, NoData 0) of vegetated tundra on rolling terrain with retrogressive thaw slumps — bare,
bright, arcuate scars with a dark shaded headwall on the upslope side, retreating upslope from
year to year, some appearing only in later years — and look-alikes that are not slumps (ponds,
bare rock, a gravel road). Ground-truth slump outlines per year go to a GeoPackage.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import rasterio
from rasterio import features
from rasterio.crs import CRS
from rasterio.transform import from_origin
from shapely.affinity import rotate, scale, translate
from shapely.geometry import LineString, Point, Polygon, box

from .store.gpkg import connect, create_feature_table, encode_geometry, ensure_srs, transaction, update_extent

# Surface reflectance (B, G, R, NIR) of the cover types, per landscape. "arctic": green tundra and
# bright mud scars; "alpine": a drier, browner alpine meadow (Qinghai-Tibet Plateau-like) whose
# slump floors are darker and greyer — a domain the starter model was not trained on.
PALETTES = {
    "arctic": {"tundra": (0.035, 0.060, 0.050, 0.280), "floor": (0.090, 0.115, 0.135, 0.185),
               "headwall": (0.020, 0.028, 0.030, 0.060), "water": (0.050, 0.048, 0.030, 0.020),
               "rock": (0.140, 0.160, 0.175, 0.220), "gravel": (0.160, 0.170, 0.180, 0.210)},
    "alpine": {"tundra": (0.060, 0.080, 0.090, 0.220), "floor": (0.070, 0.080, 0.085, 0.120),
               "headwall": (0.030, 0.035, 0.038, 0.060), "water": (0.060, 0.065, 0.045, 0.030),
               "rock": (0.150, 0.165, 0.180, 0.230), "gravel": (0.170, 0.175, 0.185, 0.215)},
}


@dataclass(frozen=True)
class SceneSpec:
    width: int = 768
    height: int = 768
    gsd: float = 3.0
    years: tuple[int, ...] = (2019, 2020, 2021)
    n_slumps: int = 8
    n_ponds: int = 5
    n_rocks: int = 3
    road: bool = True
    seed: int = 0
    crs: str = "EPSG:32646"  # UTM 46N: the Beiluhe region of the Qinghai-Tibet Plateau
    origin: tuple[float, float] = (440000.0, 3860000.0)  # upper-left corner
    nodata_corner_year: int | None = None  # this year's mosaic gets a NoData corner (a scene edge)
    palette: str = "arctic"  # see PALETTES


@dataclass
class SlumpTruth:
    slump_id: int
    first_year: int
    outlines: dict[int, Polygon] = field(default_factory=dict)


@dataclass
class Scene:
    spec: SceneSpec
    mosaics: list[tuple[Path, int]]
    truth_path: Path
    slumps: list[SlumpTruth]
    lookalikes: list[tuple[str, Polygon]]


def smooth_noise(rng: np.random.Generator, shape: tuple[int, int], scale_px: float) -> np.ndarray:
    """Gaussian-filtered white noise (via FFT), normalised to zero mean and unit deviation."""
    noise = rng.standard_normal(shape)
    fy = np.fft.fftfreq(shape[0])[:, None]
    fx = np.fft.rfftfreq(shape[1])[None, :]
    kernel = np.exp(-2 * (math.pi * scale_px) ** 2 * (fx ** 2 + fy ** 2))
    field_ = np.fft.irfft2(np.fft.rfft2(noise) * kernel, s=shape)
    return (field_ - field_.mean()) / (field_.std() + 1e-12)


def slump_outline(center: Point, downslope_deg: float, width: float, head: float, toe: float) -> Polygon:
    """A horseshoe scar: an arcuate headwall ``head`` metres upslope of ``center``, a floor that
    narrows into a tongue ``toe`` metres downslope. Local u axis points downslope."""
    pts = []
    for t in np.linspace(-1, 1, 41):  # headwall arc, across the slope
        pts.append((-head * math.sqrt(max(1 - t * t, 0.0)), t * width / 2))
    for t in np.linspace(1, -1, 31):  # toe, narrower and rounder
        pts.append((toe * math.sqrt(max(1 - t * t, 0.0)) ** 0.6, t * width / 2 * 0.8))
    poly = Polygon([(u, -v) for u, v in pts]).buffer(0)
    poly = rotate(poly, downslope_deg, origin=(0, 0))
    return translate(poly, center.x, center.y)


def _mask(geom, transform, shape) -> np.ndarray:
    return features.rasterize([(geom, 1)], out_shape=shape, transform=transform, dtype="uint8") > 0


def generate(out_dir: str | Path, spec: SceneSpec = SceneSpec()) -> Scene:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)
    h, w, res = spec.height, spec.width, spec.gsd
    transform = from_origin(spec.origin[0], spec.origin[1], res, res)
    x0, y1 = spec.origin
    extent = box(x0, y1 - h * res, x0 + w * res, y1)

    elevation = 40 * smooth_noise(rng, (h, w), 60) + 0.03 * np.arange(w)[None, :] * res
    gy, gx = np.gradient(elevation, res)
    hillshade = np.clip(0.95 + 1.2 * (-gx * 0.6 + gy * 0.8), 0.75, 1.1)  # sun from the north-west
    texture = 0.10 * smooth_noise(rng, (h, w), 3)
    vegetation = 0.15 * smooth_noise(rng, (h, w), 25)

    def downslope_deg(px: float, py: float) -> float:
        r, c = int(min(max(py, 0), h - 1)), int(min(max(px, 0), w - 1))
        # map y grows downward in pixel space, upward in map space
        return math.degrees(math.atan2(gy[r, c], -gx[r, c]))

    margin = 60
    slumps: list[SlumpTruth] = []
    taken: list[Polygon] = []
    attempts = 0
    while len(slumps) < spec.n_slumps and attempts < 500:
        attempts += 1
        px, py = rng.uniform(margin, w - margin), rng.uniform(margin, h - margin)
        center = Point(x0 + px * res, y1 - py * res)
        angle = downslope_deg(px, py)
        width = rng.uniform(45, 120)
        head, toe = rng.uniform(20, 45), rng.uniform(25, 70)
        retreat = rng.uniform(6, 18)  # metres per year: headwall retreat upslope
        first = int(spec.years[0] if rng.random() < 0.75 else rng.choice(spec.years[1:] or spec.years))
        final = slump_outline(center, angle, width * 1.1, head + retreat * len(spec.years), toe)
        if any(final.buffer(30).intersects(t) for t in taken) or not extent.buffer(-30).contains(final):
            continue
        taken.append(final)
        truth = SlumpTruth(len(slumps) + 1, first)
        for i, year in enumerate(spec.years):
            if year < first:
                continue
            grown = i - spec.years.index(first)
            truth.outlines[year] = slump_outline(center, angle, width * (1 + 0.05 * grown),
                                                 head + retreat * grown, toe)
        slumps.append(truth)

    lookalikes: list[tuple[str, Polygon]] = []

    def free_spot(radius_px: float) -> Point | None:
        for _ in range(200):
            px, py = rng.uniform(margin, w - margin), rng.uniform(margin, h - margin)
            p = Point(x0 + px * res, y1 - py * res)
            if not any(p.buffer(radius_px * res + 30).intersects(t) for t in taken):
                return p
        return None

    for _ in range(spec.n_ponds):
        p = free_spot(20)
        if p is not None:
            pond = rotate(scale(p.buffer(rng.uniform(20, 50)), xfact=rng.uniform(0.5, 1.0)),
                          rng.uniform(0, 180), origin=p)
            taken.append(pond)
            lookalikes.append(("pond", pond))
    for _ in range(spec.n_rocks):
        p = free_spot(15)
        if p is not None:
            rock = p.buffer(rng.uniform(15, 35), quad_segs=3)
            taken.append(rock)
            lookalikes.append(("bare_rock", rock))
    if spec.road:
        yy = y1 - rng.uniform(0.3, 0.7) * h * res
        road = LineString([(x0, yy), (x0 + w * res * 0.5, yy + rng.uniform(-150, 150)),
                           (x0 + w * res, yy + rng.uniform(-150, 150))]).buffer(4)
        lookalikes.append(("road", road))

    colours = PALETTES[spec.palette]
    TUNDRA, SLUMP_FLOOR, HEADWALL = colours["tundra"], colours["floor"], colours["headwall"]  # noqa: N806
    WATER, ROCK, GRAVEL = colours["water"], colours["rock"], colours["gravel"]  # noqa: N806
    mosaics = []
    base_masks = [(kind, _mask(g, transform, (h, w))) for kind, g in lookalikes]
    for year in spec.years:
        refl = np.empty((4, h, w), np.float32)
        for b in range(4):
            veg = TUNDRA[b] * (1 + (vegetation if b == 3 else 0.5 * vegetation))
            refl[b] = veg
        for kind, mask in base_masks:
            color = {"pond": WATER, "bare_rock": ROCK, "road": GRAVEL}[kind]
            for b in range(4):
                refl[b][mask] = color[b]
        for s in slumps:
            if year not in s.outlines:
                continue
            outline = s.outlines[year]
            floor = _mask(outline, transform, (h, w))
            angle = math.radians(downslope_deg((outline.centroid.x - x0) / res, (y1 - outline.centroid.y) / res))
            c = outline.centroid
            upslope = Polygon([(c.x, c.y), (c.x - 400 * math.cos(angle) - 400 * math.sin(angle),
                                            c.y - 400 * math.sin(angle) + 400 * math.cos(angle)),
                               (c.x - 400 * math.cos(angle) + 400 * math.sin(angle),
                                c.y - 400 * math.sin(angle) - 400 * math.cos(angle))]).buffer(0)
            wall = _mask(outline.difference(outline.buffer(-7)).intersection(upslope), transform, (h, w))
            for b in range(4):
                refl[b][floor] = SLUMP_FLOOR[b] * (1 + 0.8 * texture[floor])
                refl[b][wall] = HEADWALL[b]
        gain = 1 + 0.04 * (rng.random() - 0.5)
        refl *= hillshade[None] * gain
        refl += 0.004 * rng.standard_normal(refl.shape).astype(np.float32)
        dn = np.clip(np.rint(refl * 10000), 1, 65535).astype(np.uint16)
        if spec.nodata_corner_year == year:
            dn[:, : h // 4, : w // 4] = 0
        path = out / f"mosaic_{year}.tif"
        with rasterio.open(path, "w", driver="GTiff", width=w, height=h, count=4, dtype="uint16", nodata=0,
                           crs=CRS.from_user_input(spec.crs), transform=transform, tiled=True,
                           blockxsize=256, blockysize=256, compress="deflate", predictor=2) as dst:
            dst.write(dn)
            for b, name in enumerate(("blue", "green", "red", "nir"), start=1):
                dst.set_band_description(b, name)
            dst.update_tags(SYNTHETIC="thaw_slump_mapper synthetic scene", YEAR=str(year),
                            SPEC=json.dumps(asdict(spec)))
        mosaics.append((path, year))

    truth = out / "truth.gpkg"
    truth.unlink(missing_ok=True)
    crs = CRS.from_user_input(spec.crs)
    conn = connect(truth)
    try:
        with transaction(conn, truth):
            srs = ensure_srs(conn, crs.to_epsg(), crs.to_wkt(version="WKT1_GDAL"))
            create_feature_table(conn, "slumps", [("slump_id", "INTEGER"), ("year", "INTEGER"),
                                                  ("first_year", "INTEGER")], "POLYGON", srs)
            for s in slumps:
                for year, outline in s.outlines.items():
                    conn.execute("INSERT INTO slumps (geom, slump_id, year, first_year) VALUES (?, ?, ?, ?)",
                                 (encode_geometry(outline, srs), s.slump_id, year, s.first_year))
            create_feature_table(conn, "lookalikes", [("kind", "TEXT")], "POLYGON", srs)
            for kind, geom in lookalikes:
                conn.execute("INSERT INTO lookalikes (geom, kind) VALUES (?, ?)", (encode_geometry(geom, srs), kind))
            update_extent(conn, "slumps")
            update_extent(conn, "lookalikes")
    finally:
        conn.close()
    return Scene(spec, mosaics, truth, slumps, lookalikes)
