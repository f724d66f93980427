"""Check environment: which packages the plugin uses, their versions, and the compute devices."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingOutputBoolean,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
)

from ...core import deps
from ..i18n import tr
from ..messages import localize


class EnvironmentAlgorithm(QgsProcessingAlgorithm):
    IMPORT_OPTIONAL = "IMPORT_OPTIONAL"
    REPORT = "REPORT"
    READY = "READY"
    TRAINING = "TRAINING"

    def name(self) -> str:
        return "checkenvironment"

    def displayName(self) -> str:  # noqa: N802 - QGIS API
        return tr("Check environment")

    def group(self) -> str:
        return tr("Setup")

    def groupId(self) -> str:  # noqa: N802 - QGIS API
        return "setup"

    def shortHelpString(self) -> str:  # noqa: N802 - QGIS API
        return tr("Lists the Python packages Thaw Slump Mapper uses, their versions and whether "
                  "they work, and prints the command that installs anything missing.")

    def createInstance(self) -> EnvironmentAlgorithm:  # noqa: N802 - QGIS API
        return EnvironmentAlgorithm()

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 - QGIS API
        self.addParameter(QgsProcessingParameterBoolean(
            self.IMPORT_OPTIONAL, tr("Also import optional packages (slow: torch)"), defaultValue=False))
        self.addOutput(QgsProcessingOutputString(self.REPORT, tr("Report")))
        self.addOutput(QgsProcessingOutputBoolean(self.READY, tr("Required packages work")))
        self.addOutput(QgsProcessingOutputBoolean(self.TRAINING, tr("Training is available")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        import_optional = self.parameterAsBool(parameters, self.IMPORT_OPTIONAL, context)
        statuses = []
        for i, req in enumerate(deps.REQUIREMENTS):
            if feedback.isCanceled():
                break
            statuses.append(deps.check(req, import_it=req.required or import_optional))
            feedback.setProgress(100.0 * (i + 1) / len(deps.REQUIREMENTS))
        lines = [localize(line) for line in deps.report(statuses)]
        command = deps.install_command(statuses, include_optional=True)
        if command:
            lines.append(command)
        for line in lines:
            feedback.pushInfo(line)
        training = all(s.ok for s in statuses if s.requirement.module in deps.TRAINING)
        return {
            self.REPORT: "\n".join(lines),
            self.READY: not deps.missing_required(statuses),
            self.TRAINING: training and len(statuses) == len(deps.REQUIREMENTS),
        }
