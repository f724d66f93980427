"""Run by test_qt6_keys.py in its own interpreter: ``python qt_keys_probe.py PyQt5|PyQt6``.

Checks the plain-Qt code of the review keys (adapters/qt_compat.py, ui/review/keys.py) under one
Qt binding. QGIS 4's ``qgis.PyQt`` is PyQt6 under QGIS's module names; where the real
``qgis.PyQt`` of that binding is not installed, the same mapping is made here. Prints
"probe ok under <binding>" when every check passes; a failed check raises.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtTest")


def use_binding(binding: str) -> str:
    """Make ``qgis.PyQt`` mean ``binding``; returns which qgis.PyQt that is."""
    if binding == "PyQt5":
        try:
            from qgis.PyQt import QtCore  # QGIS 3's own, when installed

            if QtCore.PYQT_VERSION_STR.startswith("5."):
                return "QGIS's qgis.PyQt"
        except ImportError:
            pass
    for name in ("qgis", "qgis.PyQt"):
        module = types.ModuleType(name)
        module.__path__ = []
        sys.modules[name] = module
    for name in QT_MODULES:
        sys.modules[f"qgis.PyQt.{name}"] = importlib.import_module(f"{binding}.{name}")
    return f"qgis.PyQt mapped onto {binding}"


def main(binding: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    how = use_binding(binding)
    sys.path.insert(0, str(ROOT / "scripts"))
    from _bootstrap import register_package

    register_package()
    from qgis.PyQt.QtCore import QEvent, QObject, Qt
    from qgis.PyQt.QtGui import QKeyEvent, QKeySequence
    from qgis.PyQt.QtWidgets import QApplication, QWidget

    from thaw_slump_mapper.adapters import qt_compat
    from thaw_slump_mapper.ui.review.keys import KeyPace, ReviewKeys

    assert sys.modules[QKeySequence.__module__].__name__.startswith(binding), QKeySequence.__module__
    other = "PyQt6" if binding == "PyQt5" else "PyQt5"
    assert other not in sys.modules, f"{other} loaded beside {binding}"

    # the action classes: QtGui on Qt 6, QtWidgets on Qt 5
    home = f"{binding}.QtGui" if binding == "PyQt6" else f"{binding}.QtWidgets"
    for cls in (qt_compat.QAction, qt_compat.QActionGroup, qt_compat.QShortcut):
        assert cls.__module__ == home, (cls, cls.__module__)

    # key sequences as ints, whatever Qt returns for a sequence's item
    ctrl, shift = 0x04000000, 0x02000000
    expected = {"A": 0x41, "1": 0x31, "Space": 0x20, "Ctrl+Return": ctrl | 0x01000004, "Shift+B": shift | 0x42}
    for text, code in expected.items():
        assert qt_compat.sequence_code(text) == code, (text, qt_compat.sequence_code(text))
        assert qt_compat.sequence_code(QKeySequence(text)) == code, text
    assert qt_compat.sequence_code(Qt.Key.Key_Left) == 0x01000012

    app = QApplication.instance() or QApplication([])

    def press(key, modifiers=Qt.KeyboardModifier.NoModifier, repeat=False):
        return QKeyEvent(QEvent.Type.KeyPress, key, modifiers, "", repeat)

    # a key press gives the code of the same sequence; the keypad flag does not count
    mods = Qt.KeyboardModifier
    assert qt_compat.event_code(press(Qt.Key.Key_Return, mods.ControlModifier | mods.KeypadModifier)) == \
        expected["Ctrl+Return"]
    assert qt_compat.event_code(press(Qt.Key.Key_1, mods.KeypadModifier)) == expected["1"]
    assert qt_compat.event_code(press(Qt.Key.Key_B, mods.ShiftModifier)) == expected["Shift+B"]

    # the review keys end to end: a press on a watched widget reaches the dock's key map
    errors: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: errors.append(record.getMessage() + str(record.exc_info))
    logging.getLogger("thaw_slump_mapper.review").addHandler(handler)

    class Dock(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.keymap = {qt_compat.sequence_code(k): k for k in ("A", "R", "Space", "1", "Ctrl+Return")}
            self.seen: list[str] = []
            self.pace = KeyPace()  # the review dock's pacing, fed by the filter (auto-repeat, focus)

        def is_review_key(self, code: int) -> bool:
            return code in self.keymap

        def handle_key(self, code: int) -> bool:
            if code in self.keymap:
                self.seen.append(self.keymap[code])
                return True
            return False

    dock, canvas = Dock(), QWidget()
    keys = ReviewKeys(dock, lambda: [canvas, None])
    keys.set_active(True)
    assert QApplication.sendEvent(canvas, press(Qt.Key.Key_A)) is True  # handled: the canvas never sees it
    QApplication.sendEvent(canvas, press(Qt.Key.Key_Return, mods.ControlModifier))
    QApplication.sendEvent(canvas, press(Qt.Key.Key_1, mods.KeypadModifier))
    QApplication.sendEvent(canvas, press(Qt.Key.Key_A, repeat=True))  # auto-repeat: ignored
    QApplication.sendEvent(canvas, press(Qt.Key.Key_Z))  # not a review key
    keys.set_active(False)
    QApplication.sendEvent(canvas, press(Qt.Key.Key_R))  # review over: no longer forwarded
    assert dock.seen == ["A", "Ctrl+Return", "1"], dock.seen
    assert errors == [], errors

    # what the review dock and the time-lapse window build
    shortcut = qt_compat.QShortcut(QKeySequence(Qt.Key.Key_Left), canvas)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action = qt_compat.QAction("Run", canvas)
    group = qt_compat.QActionGroup(canvas)
    group.addAction(action)
    assert shortcut.key().toString() == "Left" and action.actionGroup() is group
    del app
    print(f"probe ok under {binding} ({how})")


if __name__ == "__main__":
    main(sys.argv[1])
