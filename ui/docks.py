"""The plugin's dock panels.

Until the engine and review features land, each dock already tells the user what it is for,
what will appear in it, and whether the environment can run models.
"""

from __future__ import annotations

from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from ..core.deps import PackageStatus
from ..qgis_bridge.i18n import tr
from .environment import summary_lines


def _label(text: str, selectable: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


class PanelDock(QgsDockWidget):
    """A dock with an introduction, a list of its coming controls and an environment box."""

    def __init__(
        self,
        object_name: str,
        title: str,
        intro: str,
        coming: list[str],
        statuses: list[PackageStatus],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.setObjectName(object_name)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.addWidget(_label(intro))

        planned = QGroupBox(tr("Coming to this panel"), body)
        planned_layout = QVBoxLayout(planned)
        for item in coming:
            planned_layout.addWidget(_label("• " + item))
        layout.addWidget(planned)

        env = QGroupBox(tr("Environment"), body)
        env_layout = QVBoxLayout(env)
        self.environment_labels = [_label(line, selectable=True) for line in summary_lines(statuses)]
        for label in self.environment_labels:
            env_layout.addWidget(label)
        layout.addWidget(env)
        layout.addStretch(1)
        self.setWidget(body)


def review_dock(statuses: list[PackageStatus], parent: QWidget | None = None) -> PanelDock:
    return PanelDock(
        "ThawSlumpMapperReviewDock",
        tr("Thaw Slump Review"),
        tr("Step through the candidate slumps with time-lapse thumbnails of every year and accept, "
           "reject or edit each one into the training layers."),
        [
            tr("A queue of candidates ordered by probability, uncertainty or position."),
            tr("One thumbnail per year with the same contrast stretch, so change is real."),
            tr("Accept, reject with a reason, mark unsure or edit, all by keyboard."),
            tr("Every decision saved to the GeoPackage at once; export of the curated inventory."),
        ],
        statuses,
        parent,
    )
