from __future__ import annotations

import subprocess
from pathlib import Path

from thaw_slump_mapper.core import about, cli, deps
from thaw_slump_mapper.core.deps import Requirement

ROOT = Path(__file__).resolve().parents[2]


def test_doctor_lists_every_package_and_succeeds_here(capsys):
    assert cli.main(["doctor", "--quick"]) == 0
    out = capsys.readouterr().out
    for req in deps.REQUIREMENTS:
        assert f"  {req.dist} (" in out


def test_doctor_fails_with_one_line_naming_the_missing_package(capsys, monkeypatch):
    ghost = Requirement("tsm_ghost_pkg", "tsm-ghost-pkg", ">=1", "testing", True)
    monkeypatch.setattr(deps, "REQUIREMENTS", (*deps.REQUIREMENTS, ghost))
    assert cli.main(["doctor", "--quick"]) == 1
    captured = capsys.readouterr()
    assert captured.err == "tsm doctor: required packages missing: tsm-ghost-pkg\n"
    assert '"tsm-ghost-pkg>=1"' in captured.out  # the install command is printed


def test_launcher_runs_in_the_project_environment():
    result = subprocess.run([str(ROOT / "scripts" / "tsm"), "version"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == about.version()


def test_launcher_without_environment_says_how_to_make_it(tmp_path):
    result = subprocess.run([str(ROOT / "scripts" / "tsm"), "version"], capture_output=True, text=True,
                            env={"TSM_PYTHON": str(tmp_path / "no-python"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert "run 'make setup'" in result.stderr
