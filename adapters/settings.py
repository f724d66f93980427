"""Load and save :class:`Preferences` through QgsSettings (profile-wide, under the plugin's key)."""

from __future__ import annotations

from dataclasses import fields

from qgis.core import QgsSettings

from ..core.about import PLUGIN_ID
from ..core.preferences import Preferences

PREFIX = f"{PLUGIN_ID}/"


def _key(name: str) -> str:
    return PREFIX + name


def load(settings: QgsSettings | None = None) -> Preferences:
    qs = settings or QgsSettings()
    defaults = Preferences()
    values = {}
    for f in fields(Preferences):
        default = getattr(defaults, f.name)
        if isinstance(default, tuple):
            raw = qs.value(_key(f.name), list(default), type=list)
            values[f.name] = tuple(raw or ())
        else:
            try:
                values[f.name] = qs.value(_key(f.name), default, type=type(default))
            except TypeError:  # a value of the wrong type was stored by hand
                values[f.name] = default
    try:
        return Preferences(**values).normalised()
    except (TypeError, ValueError):
        return defaults


def save(prefs: Preferences, settings: QgsSettings | None = None) -> None:
    qs = settings or QgsSettings()
    for f in fields(Preferences):
        value = getattr(prefs.normalised(), f.name)
        qs.setValue(_key(f.name), list(value) if isinstance(value, tuple) else value)
