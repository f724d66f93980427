"""Route the plugin's Python logging (core/ included) into the QGIS message log tab."""

from __future__ import annotations

import logging

from qgis.core import Qgis, QgsMessageLog

from ..core.about import LOG_TAG, PLUGIN_ID

LOGGER = logging.getLogger(PLUGIN_ID)

_LEVELS = (
    (logging.ERROR, Qgis.MessageLevel.Critical),
    (logging.WARNING, Qgis.MessageLevel.Warning),
    (logging.INFO, Qgis.MessageLevel.Info),
)


class QgsLogHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        level = next((q for py, q in _LEVELS if record.levelno >= py), Qgis.MessageLevel.Info)
        try:
            QgsMessageLog.logMessage(self.format(record), LOG_TAG, level, notifyUser=False)
        except RuntimeError:  # the application is shutting down
            pass


def attach(debug: bool = False) -> QgsLogHandler:
    handler = QgsLogHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.DEBUG if debug else logging.INFO)
    LOGGER.propagate = False
    return handler


def detach(handler: logging.Handler | None) -> None:
    if handler is not None:
        LOGGER.removeHandler(handler)
