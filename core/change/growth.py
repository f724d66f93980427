"""Growth of one slump from its per-date areas: a robust line (Theil-Sen) over the observed dates,
and the date it was first seen. Dates are the run's labels (a year, a month or a day)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

LABEL = re.compile(r"((?:19|20)\d\d)(?:-?(\d\d)(?:-?(\d\d))?)?(?:#\d+)?")


def decimal_year(label: str) -> float | None:
    """2019-07-02 → 2019.50; a year alone is its middle, a month its middle; None for a label that
    names no date (a file stem) — such a run cannot give a rate."""
    match = LABEL.fullmatch(str(label).strip())
    if not match:
        return None
    year, month, day = match.groups()
    y = int(year)
    days = 366 if date(y, 12, 31).timetuple().tm_yday == 366 else 365
    try:
        if month is None:
            return y + 0.5
        if day is None:
            start = date(y, int(month), 1).timetuple().tm_yday - 1
            length = (date(y + int(month) // 12, int(month) % 12 + 1, 1) - date(y, int(month), 1)).days
            return y + (start + length / 2) / days
        return y + (date(y, int(month), int(day)).timetuple().tm_yday - 0.5) / days
    except ValueError:
        return None


def theil_sen(x: list[float], y: list[float]) -> float | None:
    """The median of the slopes between every pair of points with different x (robust to a few
    cloudy or mislabelled dates: up to 29 % of the points may be wrong without moving it far)."""
    slopes = sorted((y[j] - y[i]) / (x[j] - x[i]) for i in range(len(x)) for j in range(i + 1, len(x))
                    if abs(x[j] - x[i]) > 1e-9)
    if not slopes:
        return None
    n = len(slopes)
    return slopes[n // 2] if n % 2 else (slopes[n // 2 - 1] + slopes[n // 2]) / 2


@dataclass
class Growth:
    first_date_seen: str | None  # the first observed date with the slump present (area ≥ min area)
    growth_m2_per_yr: float | None  # None with fewer than two observed dates, or dates that are no dates
    area_first_m2: float | None  # area at the first and last observed date
    area_last_m2: float | None
    dates_observed: int


def summarise(series: list[tuple[str, float | None]], min_area_m2: float = 0.0) -> Growth:
    """``series``: (date label, area or None where not observed), in any order."""
    keyed = [(decimal_year(d), d, a) for d, a in series]
    keyed.sort(key=lambda item: (math.inf if item[0] is None else item[0], item[1]))
    seen = [(t, d, a) for t, d, a in keyed if a is not None]
    first = next((d for _, d, a in seen if a > 0 and a >= min_area_m2), None)
    timed = [(t, a) for t, _, a in seen if t is not None]
    rate = theil_sen([t for t, _ in timed], [a for _, a in timed]) if len(timed) >= 2 else None
    return Growth(first, rate, seen[0][2] if seen else None, seen[-1][2] if seen else None, len(seen))
