"""Translation of user-facing strings.

Every string a user reads goes through ``tr("literal")``. pylupdate5 files bare ``tr`` calls
under the ``@default`` context (even inside classes), so that is the context we look up; never
``self.tr`` (pylupdate records the base class, PyQt asks for the subclass).
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

from ..core.about import PLUGIN_DIR, PLUGIN_ID

CONTEXT = "@default"
I18N_DIR = PLUGIN_DIR / "i18n"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def plural(n: int, one: str, many: str) -> str:
    """``one`` for a count of 1, else ``many``: both written as ``tr("…")`` at the call, so that
    both are translated ("1 candidates" was shown)."""
    return one if n == 1 else many


def score(value, digits: int = 3) -> str:
    """A score such as a validation IoU for people: 0.482, not 0.48213443160057068; '–' when
    there is none."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if number != number else f"{number:.{digits}f}"


def user_locale() -> str:
    """The locale QGIS runs its interface in, e.g. 'zh_CN' or 'en_US'."""
    settings = QgsSettings()
    if settings.value("locale/overrideFlag", False, type=bool):
        value = settings.value("locale/userLocale", "", type=str)
        if value:
            return value
    return QLocale.system().name()


def normalise_locale(value: str) -> str:
    """QGIS stores the interface language as chosen in its Options: 'zh-Hans' (QGIS 3.22's
    Chinese), 'zh_CN', 'zh-CN' or 'zh' all mean simplified Chinese, our 'zh_CN'."""
    parts = value.replace("-", "_").split("_")
    if parts[0].lower() == "zh":
        traditional = any(p.lower() in ("hant", "tw", "hk", "mo") for p in parts[1:])
        return "zh_TW" if traditional else "zh_CN"
    return value.replace("-", "_")


def qm_path(locale: str) -> Path | None:
    """The compiled translation for ``locale`` ('zh-Hans' and 'zh_CN' alike, falling back to the
    language alone), if present."""
    locale = normalise_locale(locale)
    for candidate in (locale, locale.split("_")[0]):
        path = I18N_DIR / f"{PLUGIN_ID}_{candidate}.qm"
        if path.is_file():
            return path
    return None


def install_translator(locale: str | None = None) -> QTranslator | None:
    """Install the plugin's translator for the QGIS locale; the caller keeps and later removes it."""
    path = qm_path(locale or user_locale())
    if path is None:
        return None
    translator = QTranslator()
    if not translator.load(str(path)):
        return None
    QCoreApplication.installTranslator(translator)
    return translator


def remove_translator(translator: QTranslator | None) -> None:
    if translator is not None:
        QCoreApplication.removeTranslator(translator)
