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
    assert "tsm-ghost-package" in text and level == Qgis.Warning and duration == 0
    assert [a.text() for m in fake_iface.test_menus.values() for a in m.actions()] == [
        "Thaw Slump Mapper: setup needed…"]

    dialog = SetupDialog(plugin.statuses, "", fake_iface.mainWindow())
    assert f'"{tmp_path / "env" / "bin" / "pip"}" install "numpy<2" "tsm-ghost-package>=1"' in dialog.command
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
