"""Processing: accuracy of predicted slump outlines against reference outlines."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ...core.errors import TsmError
from ...core.learn.evaluate import evaluate_files
from ..compat import NUMBER_DOUBLE
from ..i18n import tr
from ..messages import error_text, localize

KEYS = ("object_precision", "object_recall", "object_f1", "anyoverlap_precision", "anyoverlap_recall",
        "anyoverlap_f1", "pixel_iou", "pixel_precision", "pixel_recall", "pixel_f1")


class EvaluateAlgorithm(QgsProcessingAlgorithm):
    PRED, REF, AREA, IOU, REPORT = "PRED", "REF", "AREA", "IOU", "REPORT"

    def name(self) -> str:
        return "evaluate"

    def displayName(self) -> str:  # noqa: N802 - QGIS API
        return tr("Evaluate against reference outlines")

    def group(self) -> str:
        return tr("Training and evaluation")

    def groupId(self) -> str:  # noqa: N802 - QGIS API
        return "training"

    def shortHelpString(self) -> str:  # noqa: N802 - QGIS API
        return tr("Object precision, recall and F1 (one-to-one at the IoU given, and any overlap) and pixel "
                  "measures of predicted outlines against reference outlines, with a Markdown report.")

    def createInstance(self) -> EvaluateAlgorithm:  # noqa: N802 - QGIS API
        return EvaluateAlgorithm()

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 - QGIS API
        gpkg = tr("GeoPackage (*.gpkg)")
        self.addParameter(QgsProcessingParameterFile(self.PRED, tr("Predictions (candidates or inventory)"),
                                                     fileFilter=gpkg))
        self.addParameter(QgsProcessingParameterFile(self.REF, tr("Reference outlines"),
                                                     fileFilter=tr("Polygons (*.gpkg *.shp *.geojson *.json)")))
        self.addParameter(QgsProcessingParameterFile(self.AREA, tr("Evaluated area (optional)"), fileFilter=gpkg,
                                                     optional=True))
        self.addParameter(QgsProcessingParameterNumber(self.IOU, tr("IoU for a match"),
                                                       NUMBER_DOUBLE, 0.5, minValue=0.01,
                                                       maxValue=1.0))
        self.addParameter(QgsProcessingParameterFileDestination(self.REPORT, tr("Report"), tr("Markdown (*.md)")))
        for key in KEYS:
            self.addOutput(QgsProcessingOutputNumber(key.upper(), key.replace("_", " ")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        from ...core.learn.report import write_report

        pred = self.parameterAsFile(parameters, self.PRED, context)
        ref = self.parameterAsFile(parameters, self.REF, context)
        min_iou = self.parameterAsDouble(parameters, self.IOU, context)
        report = self.parameterAsFileOutput(parameters, self.REPORT, context)
        try:
            result = evaluate_files(pred, ref, self.parameterAsFile(parameters, self.AREA, context) or None, min_iou)
            # a Processing destination is the user's explicit choice (QGIS asks before replacing it)
            write_report(result, report, tr("Slump detection accuracy"), pred, ref, min_iou, overwrite=True)
        except TsmError as exc:
            raise QgsProcessingException(error_text(exc)) from exc
        for warning in result.get("warnings", []):
            feedback.reportError(localize(warning), fatalError=False)
        for key in KEYS:
            feedback.pushInfo(f"{key}: {result[key]:.3f}")
        return {self.REPORT: report, **{key.upper(): result[key] for key in KEYS}}
