"""How the candidate under review changed: its area on every date of a multi-date run as a small
curve (plain QPainter), the growth in words, and each date's outline on that date's thumbnail."""

from __future__ import annotations

import math

from qgis.PyQt.QtCore import QPointF, QRectF, QSize, Qt
from qgis.PyQt.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen, QPolygonF
from qgis.PyQt.QtWidgets import QSizePolicy, QWidget

from ...adapters.i18n import tr
from ...core.change.growth import decimal_year, theil_sen

DATE_OUTLINE_COLOUR = QColor(255, 64, 200)  # magenta: apart from the candidate's yellow and the map's cyan
OBSERVED_COLOUR = QColor(30, 100, 200)
LINE_COLOUR = QColor(220, 90, 20)
HIDDEN_COLOUR = QColor(130, 130, 130)
HEIGHT = 74


class ChangePlot(QWidget):
    """Area per date. Observed dates are filled dots; dates whose imagery hid the slump are hollow
    marks on the axis, never an area of 0; the line is the Theil-Sen fit the growth rate comes from."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ThawSlumpMapperChangePlot")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # low enough that the counter, the years, this curve and the decision keys are in view together
        # in QGIS's dock at 1366×768 (a viewport of about 550 px)
        self.setFixedHeight(HEIGHT)
        self.observed: list[tuple[str, float, float]] = []  # (date, decimal year, area m²)
        self.hidden: list[tuple[str, float]] = []  # not observed: (date, decimal year)
        self.slope: float | None = None  # m² per year
        self.intercept: float | None = None
        self.first_seen: str | None = None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(220, HEIGHT)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(120, HEIGHT)  # never what widens the dock

    def set_series(self, rows: list[dict], first_seen: str | None = None) -> None:
        """``rows``: one candidate's candidate_dates rows (date, observed, area_m2)."""
        self.observed, self.hidden = [], []
        for row in rows:
            t = decimal_year(row["date"])
            if t is None:
                continue
            if row.get("observed") and row.get("area_m2") is not None:
                self.observed.append((row["date"], t, float(row["area_m2"])))
            else:
                self.hidden.append((row["date"], t))
        self.observed.sort(key=lambda p: p[1])
        self.hidden.sort(key=lambda p: p[1])
        xs, ys = [t for _, t, _ in self.observed], [a for _, _, a in self.observed]
        self.slope = theil_sen(xs, ys) if len(xs) >= 2 else None
        # the Theil-Sen intercept: the median of what the slope leaves of each point
        rest = sorted(y - self.slope * x for x, y in zip(xs, ys)) if self.slope is not None else []
        self.intercept = (rest[len(rest) // 2] if len(rest) % 2 else (rest[len(rest) // 2 - 1] + rest[len(rest) // 2])
                          / 2) if rest else None
        self.first_seen = first_seen
        self.update()

    def image(self, width: int = 320) -> QImage:
        """The plot as it is drawn, for tests and the report."""
        image = QImage(width, self.height(), QImage.Format.Format_ARGB32)
        image.fill(QColor(255, 255, 255))
        painter = QPainter(image)
        self._draw(painter, QRectF(0, 0, width, self.height()))
        painter.end()
        return image

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        self._draw(painter, QRectF(self.rect()))
        painter.end()

    def _draw(self, painter: QPainter, rect: QRectF) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.85))
        painter.setFont(font)
        metrics = QFontMetrics(font)
        times = [t for _, t, _ in self.observed] + [t for _, t in self.hidden]
        if not times:
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), tr("No observed date to draw."))
            return
        top_area = max([a for _, _, a in self.observed] or [1.0])
        in_ha = top_area >= 1e4  # a large slump reads better in hectares
        unit, scale = (tr("ha"), 1e-4) if in_ha else (tr("m²"), 1.0)
        y_max = _nice(top_area * scale * 1.08)
        y_labels = [_number(y_max * k / 2) for k in range(3)]
        y_labels[-1] = tr("{value} {unit}").format(value=y_labels[-1], unit=unit)  # the unit on the top label
        left = rect.left() + max(metrics.horizontalAdvance(s) for s in y_labels) + 6
        plot = QRectF(left, rect.top() + metrics.height() / 2 + 1, rect.right() - 6 - left,
                      rect.height() - 1.5 * metrics.height() - 6)
        t0, t1 = min(times), max(times)
        if t1 - t0 < 1e-6:
            t0, t1 = t0 - 0.5, t1 + 0.5

        def px(t: float, area_scaled: float) -> QPointF:
            return QPointF(plot.left() + (t - t0) / (t1 - t0) * plot.width(),
                           plot.bottom() - area_scaled / y_max * plot.height())

        grid = QPen(QColor(215, 215, 215), 1)
        axis = QPen(QColor(90, 90, 90), 1)
        for k, label in enumerate(y_labels):
            y = plot.bottom() - k / 2 * plot.height()
            painter.setPen(grid if k else axis)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QPen(QColor(60, 60, 60)))
            painter.drawText(QRectF(rect.left(), y - metrics.height() / 2, left - rect.left() - 4, metrics.height()),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label)
        painter.setPen(axis)
        painter.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.left(), plot.bottom()))
        # x: a tick at each new year, labelled where there is room; the dates themselves are the marks
        label_y = plot.bottom() + 3
        years = list(range(math.ceil(t0), math.floor(t1) + 1))
        step = max(1, math.ceil(len(years) * metrics.horizontalAdvance("2020 ") / max(plot.width(), 1)))
        for i, year in enumerate(years):
            x = px(year, 0).x()
            painter.setPen(axis)
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3))
            if i % step == 0:
                painter.setPen(QPen(QColor(60, 60, 60)))
                painter.drawText(QRectF(x - 30, label_y, 60, metrics.height()), int(Qt.AlignmentFlag.AlignHCenter),
                                 str(year))
        if not years:  # within one year: its first and last dates
            painter.setPen(QPen(QColor(60, 60, 60)))
            first, last = min(self.observed + [(d, t, 0) for d, t in self.hidden], key=lambda p: p[1]), \
                max(self.observed + [(d, t, 0) for d, t in self.hidden], key=lambda p: p[1])
            painter.drawText(QRectF(plot.left(), label_y, plot.width(), metrics.height()),
                             int(Qt.AlignmentFlag.AlignLeft), first[0])
            painter.drawText(QRectF(plot.left(), label_y, plot.width(), metrics.height()),
                             int(Qt.AlignmentFlag.AlignRight), last[0])
        if self.first_seen and decimal_year(self.first_seen) is not None and t0 <= decimal_year(self.first_seen) <= t1:
            painter.setPen(QPen(DATE_OUTLINE_COLOUR, 1, Qt.PenStyle.DashLine))
            x = px(decimal_year(self.first_seen), 0).x()
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        if self.slope is not None and self.intercept is not None:
            painter.setPen(QPen(LINE_COLOUR, 1.5))
            a, b = self.intercept + self.slope * t0, self.intercept + self.slope * t1
            painter.setClipRect(plot.adjusted(0, -1, 0, 1))
            painter.drawLine(px(t0, a * scale), px(t1, b * scale))
            painter.setClipping(False)
        painter.setPen(QPen(OBSERVED_COLOUR.darker(130), 1))
        painter.setBrush(OBSERVED_COLOUR)
        for _, t, area in self.observed:
            painter.drawEllipse(px(t, area * scale), 2.6, 2.6)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(HIDDEN_COLOUR, 1.2))
        for _, t in self.hidden:  # on the axis, hollow: no area was measured that date
            p = px(t, 0)
            painter.drawPolygon(QPolygonF([QPointF(p.x(), p.y() - 5), QPointF(p.x() - 3, p.y() + 1),
                                           QPointF(p.x() + 3, p.y() + 1)]))


def _nice(value: float) -> float:
    """The round number at or above ``value`` the axis ends at; its half is labelled too, so steps
    that halve cleanly (1, 1.5, 2, 3, 4, 5, 6, 8 × 10^n): a 2.5 ha slump on a 5 ha axis left half
    of the small plot empty."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 1.5, 2, 3, 4, 5, 6, 8, 10) if m * power >= value * (1 - 1e-9))


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == 0 else f"{value:,.2g}"
