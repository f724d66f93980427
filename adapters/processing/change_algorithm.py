"""Processing: how each candidate of a multi-date run changed (area per date, growth per year,
first date seen), measured into the same GeoPackage (table candidate_dates)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
)

from ...core.change.measure import AREA_THRESHOLD
from ...core.errors import Cancelled, TsmError
from ...core.progress import CancelToken
from ..compat import NUMBER_DOUBLE
from ..i18n import plural, tr
from ..messages import error_text

SHOWN = 10  # candidates listed one a line in the log; the rest are in the table


class MeasureChangeAlgorithm(QgsProcessingAlgorithm):
    CANDIDATES, PROB, THRESHOLD = "CANDIDATES", "PROB", "THRESHOLD"
    OUTPUT, MEASURED, DATES = "OUTPUT", "MEASURED", "DATES"

    def name(self) -> str:
        return "change"

    def displayName(self) -> str:  # noqa: N802 - QGIS API
        return tr("Measure change over time")

    def group(self) -> str:
        return tr("Inference")

    def groupId(self) -> str:  # noqa: N802 - QGIS API
        return "inference"

    def shortHelpString(self) -> str:  # noqa: N802 - QGIS API
        return tr("Measures each candidate on every date of a run over several dates: its area per date (dates "
                  "whose imagery hides it are 'not observed', never 0), the growth in m² per year (Theil-Sen) and "
                  "the first date it is seen. Written into the same GeoPackage: the table candidate_dates and "
                  "the candidates' columns first_date_seen, growth_m2_per_yr, area_first_m2, area_last_m2. "
                  "Without a probability raster, the newest multi-date run's is measured.")

    def createInstance(self) -> MeasureChangeAlgorithm:  # noqa: N802 - QGIS API
        return MeasureChangeAlgorithm()

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 - QGIS API
        self.addParameter(QgsProcessingParameterFile(self.CANDIDATES, tr("Candidates GeoPackage"),
                                                     fileFilter=tr("GeoPackage (*.gpkg)")))
        self.addParameter(QgsProcessingParameterFile(
            self.PROB, tr("Probability raster of a multi-date run (empty: the file's newest)"),
            fileFilter=tr("Probability raster (*.vrt *.tif *.tiff)"), optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.THRESHOLD, tr("Probability above which a pixel counts towards the area"), NUMBER_DOUBLE,
            AREA_THRESHOLD, minValue=0.01, maxValue=0.99))
        self.addOutput(QgsProcessingOutputFile(self.OUTPUT, tr("Candidates GeoPackage")))
        self.addOutput(QgsProcessingOutputNumber(self.MEASURED, tr("Candidates measured")))
        self.addOutput(QgsProcessingOutputNumber(self.DATES, tr("Dates")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        from ...core.change.update import update_change

        gpkg = self.parameterAsFile(parameters, self.CANDIDATES, context)
        prob = self.parameterAsFile(parameters, self.PROB, context) or None
        threshold = self.parameterAsDouble(parameters, self.THRESHOLD, context)
        token = CancelToken()

        def progress(p) -> None:
            feedback.setProgress(100.0 * p.fraction)
            if feedback.isCanceled():
                token.cancel()

        try:
            summary = update_change(gpkg, prob, threshold, progress=progress, cancel=token)
        except Cancelled:  # nothing was written: the write is one transaction at the end
            return {}
        except TsmError as exc:  # no multi-date run, its raster deleted, one date, labels without dates
            raise QgsProcessingException(error_text(exc)) from exc
        for change in summary.result.changes[:SHOWN]:
            g = change.growth
            feedback.pushInfo(f"{change.candidate_id[:8]}  " + growth_text(
                g.growth_m2_per_yr, g.first_date_seen, g.area_first_m2, g.area_last_m2, g.dates_observed,
                len(change.dates)))
        if summary.measured > SHOWN:
            feedback.pushInfo(tr("… and {n} more (all in the table candidate_dates)").format(
                n=summary.measured - SHOWN))
        feedback.pushInfo(plural(summary.measured, tr("{n} candidate measured over {dates} dates ({first} to "
                                                      "{last}) into {path}."),
                                 tr("{n} candidates measured over {dates} dates ({first} to {last}) into "
                                    "{path}.")).format(n=summary.measured, dates=len(summary.dates),
                                                       first=summary.dates[0], last=summary.dates[-1], path=gpkg))
        if summary.outside:
            feedback.pushInfo(plural(summary.outside,
                                     tr("{n} candidate lies outside the probabilities and was left as it was."),
                                     tr("{n} candidates lie outside the probabilities and were left as they "
                                        "were.")).format(n=summary.outside))
        feedback.setProgress(100)
        return {self.OUTPUT: gpkg, self.MEASURED: summary.measured, self.DATES: len(summary.dates)}


def growth_text(rate: float | None, first: str | None, area_first: float | None, area_last: float | None,
                observed: int | None = None, dates: int | None = None) -> str:
    """'+2,161 m²/yr · first seen 2019-06-07 · 9,387 → 23,769 m²' (· 'observed on 47 of 49 dates')."""
    parts = []
    if rate is not None:
        parts.append(tr("{rate} m²/yr").format(rate=f"{rate:+,.0f}"))
    parts.append(tr("first seen {date}").format(date=first) if first else tr("never seen above the minimum area"))
    if area_first is not None and area_last is not None:
        parts.append(tr("{first} → {last} m²").format(first=f"{area_first:,.0f}", last=f"{area_last:,.0f}"))
    if observed is not None and dates is not None:
        parts.append(tr("observed on {n} of {dates} dates").format(n=observed, dates=dates))
    return " · ".join(parts)
