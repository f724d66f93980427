"""Qt 5 (QGIS 3) and Qt 6 (QGIS 4) from one code base: the classes that moved and the key codes
whose types changed.

Plain Qt through ``qgis.PyQt`` only, so that tests run this module under PyQt5 and under PyQt6
(tests/unit/test_qt_compat.py). QGIS enums that were renamed live in adapters/compat.py.
"""

from __future__ import annotations

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QKeySequence

try:  # Qt 6: the action classes moved to QtGui
    from qgis.PyQt.QtGui import QAction, QActionGroup, QShortcut
except ImportError:  # Qt 5
    from qgis.PyQt.QtWidgets import QAction, QActionGroup, QShortcut

__all__ = ["MODIFIERS", "QAction", "QActionGroup", "QShortcut", "event_code", "key_code", "sequence_code"]

# the modifiers a review key may carry; KeypadModifier (a digit on the keypad) is not one of them
MODIFIERS = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
             Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.MetaModifier)


def _value(enum_or_int) -> int:
    # a Python enum on PyQt6 (int() refuses a flag there), an int subclass on PyQt5
    return int(getattr(enum_or_int, "value", enum_or_int))


def key_code(key, modifiers) -> int:
    """A key and its Ctrl/Shift/Alt/Meta modifiers as one int, the way QKeySequence codes them.

    ``int(event.modifiers() & …)`` raises on Qt 6; flags are tested one by one instead."""
    code = _value(key)
    for flag in MODIFIERS:
        if modifiers & flag:
            code |= _value(flag)
    return code


def event_code(event) -> int:
    """The code of a QKeyEvent, comparable with :func:`sequence_code`."""
    return key_code(event.key(), event.modifiers())


def sequence_code(sequence) -> int:
    """The first key of a key sequence (a QKeySequence, "Ctrl+Return", Qt.Key.Key_Left) as one int.

    Qt 6 gives a QKeyCombination where Qt 5 gave an int."""
    first = QKeySequence(sequence)[0]
    return first.toCombined() if hasattr(first, "toCombined") else int(first)
