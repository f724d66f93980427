"""Every string a user reads is translatable, and the zh_CN translation covers all of them."""

from __future__ import annotations

import ast
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "i18n" / "thaw_slump_mapper_zh_CN.ts"
UI_SOURCES = [ROOT / "plugin.py", *sorted((ROOT / "ui").rglob("*.py")),
              *sorted((ROOT / "adapters").rglob("*.py"))]

# Calls whose string arguments are code, not text a user reads.
TECHNICAL_CALLS = {
    "setObjectName", "setProperty", "property", "getThemeIcon", "icon_path", "getLogger", "debug",
    "info", "warning", "error", "exception", "logMessage", "value", "setValue", "findData",
    "setShortcut", "import_module", "find_spec", "getattr", "hasattr", "setattr", "startswith",
    "endswith", "split", "join", "replace", "Formatter", "QIcon", "removeProvider", "_bind", "QKeySequence",
}
# Method names through which text reaches the screen; single words count here too.
TEXT_SINKS = {
    "setText", "setToolTip", "setStatusTip", "setWhatsThis", "setWindowTitle", "setTitle",
    "setPlaceholderText", "addItem", "addTab", "setSuffix", "setPrefix", "pushMessage",
    "pushInfo", "pushWarning", "pushCritical", "pushSuccess", "QLabel", "QAction",
    "QPushButton", "QGroupBox", "QCheckBox", "QRadioButton", "addRow", "addToolBar",
    "addPluginToMenu", "addPluginToRasterMenu", "information", "question", "critical",
}
PLACEHOLDER = re.compile(r"\{[a-z_]*(?::[^}]*)?\}")
WORDS = re.compile(r"[A-Za-z]{2,}")


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _is_docstring(node: ast.AST, parents: dict) -> bool:
    parent = parents.get(node)
    return isinstance(parent, ast.Expr) and isinstance(
        parents.get(parent), (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))


def _enclosing_calls(node: ast.AST, parents: dict) -> list[str]:
    names = []
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Call):
            names.append(_call_name(node))
    return names


def _looks_like_prose(text: str) -> bool:
    """Prose: words separated by spaces, or one capitalised word ("Report"); identifiers, keys,
    file names and shortcuts ("IMPORT_OPTIONAL", "review.svg", "Ctrl+Alt+R") are neither."""
    stripped = PLACEHOLDER.sub("", text).strip()
    return bool(re.search(r"[A-Za-z]{2,}[.,:;]?\s+\(?[A-Za-z]", stripped)
                or re.fullmatch(r"[A-Z][a-z]+[.…:!?]?", stripped))


def untranslated_strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if _is_docstring(node, parents) or not WORDS.search(node.value):
            continue
        calls = _enclosing_calls(node, parents)
        if "tr" in calls:
            continue
        direct = calls[0] if calls else ""
        if direct in TECHNICAL_CALLS:
            continue
        parent = parents.get(node)
        if isinstance(parent, (ast.Compare, ast.Subscript, ast.keyword)) or (
                isinstance(parent, ast.Dict) and node in parent.keys):
            continue
        if direct in TEXT_SINKS or _looks_like_prose(node.value):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    return found


def tr_literals(path: Path) -> list[tuple[str, int, bool]]:
    """(text, line, is_literal) for every tr(...) call in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) == "tr" and node.args:
            arg = node.args[0]
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            out.append((arg.value if literal else ast.unparse(arg), node.lineno, literal))
    return out


# strings added on a branch, translated, waiting to be folded into the .ts by the maintainer (so that
# parallel branches do not conflict in the .ts): {"English": "中文"}
PENDING = ROOT / "i18n_new_strings.json"


def ts_messages() -> dict[str, tuple[str, str]]:
    root = ET.parse(TS).getroot()
    messages = {}
    if PENDING.exists():
        messages.update({source: (text, "") for source, text in json.loads(PENDING.read_text("utf-8")).items()})
    for context in root.iter("context"):
        assert context.findtext("name") == "@default"
        for msg in context.iter("message"):
            translation = msg.find("translation")
            messages[msg.findtext("source")] = (translation.text or "", translation.get("type", ""))
    return messages


@pytest.mark.parametrize("path", UI_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_user_facing_string_bypasses_tr(path):
    assert untranslated_strings(path) == []


def test_the_checker_catches_an_untranslated_label(tmp_path):
    sample = ROOT / "ui" / "_tmp_checker_sample.py"
    sample.write_text('label = QLabel("Run model")\nlabel.setToolTip("Cancel")\n'
                      'ok = QLabel(tr("Run model"))\nlabel.setObjectName("runButton")\n')
    try:
        found = untranslated_strings(sample)
    finally:
        sample.unlink()
    assert [f.split(": ", 1)[1] for f in found] == ["'Run model'", "'Cancel'"]


def test_tr_is_only_called_with_literals_so_pylupdate_sees_them():
    dynamic = [f"{p.name}:{line}: tr({text})" for p in UI_SOURCES
               for text, line, literal in tr_literals(p) if not literal]
    assert dynamic == []


def test_every_source_string_has_a_finished_chinese_translation():
    messages = ts_messages()
    sources = {text for p in UI_SOURCES for text, _, literal in tr_literals(p) if literal}
    assert sources, "no tr() calls found"
    missing = sorted(sources - set(messages))
    assert missing == [], "run `python scripts/i18n.py update` and translate"
    for source in sources:
        translation, kind = messages[source]
        assert kind not in ("unfinished", "obsolete", "vanished"), source
        assert translation.strip(), source
        assert set(PLACEHOLDER.findall(translation)) == set(PLACEHOLDER.findall(source)), source
        if len(re.findall(r"[a-z]{2,}", PLACEHOLDER.sub("", source))) > 1:  # acronyms stay
            assert re.search(r"[\u4e00-\u9fff]", translation), f"not Chinese: {source!r}"


def test_ts_file_has_no_stale_entries():
    sources = {text for p in UI_SOURCES for text, _, literal in tr_literals(p) if literal}
    assert set(ts_messages()) - sources == set()
