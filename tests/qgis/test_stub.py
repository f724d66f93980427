"""Missing or broken packages give a stub plugin that names them and how to install them."""

from __future__ import annotations

from qgis.core import Qgis

import thaw_slump_mapper
from thaw_slump_mapper.core import deps
from thaw_slump_mapper.core.deps import Requirement
from thaw_slump_mapper.ui.stub import SetupDialog, StubPlugin

GHOST = Requirement("tsm_ghost_package", "tsm-ghost-package", ">=1", "testing", True)


def test_missing_required_package_loads_the_stub_with_install_help(fake_iface, monkeypatch, tmp_path):
    monkeypatch.setenv(deps.ENV_VAR, str(tmp_path / "env"))
    monkeypatch.setattr(deps, "REQUIREMENTS", (*deps.REQUIREMENTS, GHOST))
    plugin = thaw_slump_mapper.classFactory(fake_iface)
    assert isinstance(plugin, StubPlugin)

    plugin.initGui()
    _title, text, level, duration = fake_iface.messageBar().pushMessage.call_args.args
    assert "tsm-ghost-package" in text and level == Qgis.MessageLevel.Warning and duration == 0
    assert [a.text() for m in fake_iface.test_menus.values() for a in m.actions()] == [
        "Thaw Slump Mapper: setup needed…"]

    dialog = SetupDialog(plugin.statuses, "", fake_iface.mainWindow())
    assert f'"{tmp_path / "env" / "bin" / "python"}" -m pip install' in dialog.command
    assert '"tsm-ghost-package>=1"' in dialog.command and "numpy<2" not in dialog.command
    plugin.unload()
    assert sum(len(m.actions()) for m in fake_iface.test_menus.values()) == 0


def test_a_bug_in_the_plugin_itself_gives_the_stub_not_a_traceback(fake_iface, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def failing_import(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "plugin" and level == 1:
            raise RuntimeError("simulated import failure")
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", failing_import)
    plugin = thaw_slump_mapper.classFactory(fake_iface)
    assert isinstance(plugin, StubPlugin)
    assert "simulated import failure" in plugin.error


def test_headless_stub_says_what_is_missing_in_one_line_and_processing_repeats_it(qgis_processing, monkeypatch,
                                                                                   tmp_path, capsys):
    """qgis_process starts plugins with iface None and calls initProcessing alone: the plugin's
    algorithm ids must answer with what is missing and the fix, not "Algorithm not found"."""
    import processing
    from qgis.core import QgsApplication, QgsProcessingException

    monkeypatch.setenv(deps.ENV_VAR, str(tmp_path / "env"))
    statuses = [deps.check(GHOST), *deps.check_all()]
    plugin = StubPlugin(None, statuses)
    plugin.initProcessing()
    line = capsys.readouterr().err
    assert line.count("\n") == 1 and line.startswith("Thaw Slump Mapper cannot run: tsm-ghost-package: not installed.")
    assert "Install with: " in line and '"tsm-ghost-package>=1"' in line
    registry = QgsApplication.processingRegistry()
    try:
        ids = {a.id() for a in registry.providerById("thawslumpmapper").algorithms()}
        assert {"thawslumpmapper:runmodel", "thawslumpmapper:checkenvironment", "thawslumpmapper:evaluate"} <= ids
        try:
            processing.run("thawslumpmapper:runmodel", {})
            raise AssertionError("the stub algorithm ran")
        except QgsProcessingException as exc:
            assert "tsm-ghost-package: not installed" in str(exc) and "Install with:" in str(exc)
        report = processing.run("thawslumpmapper:checkenvironment", {})  # the real check works in the stub
        assert "onnxruntime" in report["REPORT"]
    finally:
        plugin.unload()
    assert registry.providerById("thawslumpmapper") is None


def test_the_stub_lists_the_same_algorithms_as_the_real_provider(qgis_app):
    from thaw_slump_mapper.adapters.processing import setup_needed
    from thaw_slump_mapper.adapters.processing.provider import PROVIDER_ID, Provider

    real = Provider()
    real.loadAlgorithms()
    stub = setup_needed.SetupNeededProvider("missing")
    stub.loadAlgorithms()
    assert setup_needed.PROVIDER_ID == PROVIDER_ID
    assert sorted(a.name() for a in stub.algorithms()) == sorted(a.name() for a in real.algorithms())
    names = {a.name(): a.displayName() for a in real.algorithms()}
    assert all(a.displayName() == names[a.name()] + " (setup needed)" for a in stub.algorithms()
               if a.name() != "checkenvironment")
