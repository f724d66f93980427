"""`tsm finetune` shows step, loss, validation IoU and time left on a terminal (it printed nothing
for a 35-minute run), and stays silent when stderr is redirected or --quiet is given."""

from __future__ import annotations

import sys

from thaw_slump_mapper.core import cli


def test_training_progress_on_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    clock = iter([100.0, 102.0, 130.0, 190.0])
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock))
    show = cli._training_printer(quiet=False)  # started at 100 s
    show.step(1, 10, 0.9)  # 2 s for one step: 18 s left
    show.validation(5, 0.4321)
    show.step(5, 10, 0.5)
    show.step(10, 10, 0.25)
    err = capsys.readouterr().err
    assert "step 1/10, loss 0.900, about 18 s left" in err
    assert "step 5/10, loss 0.500, validation IoU 0.432, about 30 s left" in err
    assert "step 10/10, loss 0.250, validation IoU 0.432   \n" in err


def test_training_progress_is_silent_when_redirected_or_quiet(monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    cli._training_printer(quiet=False).step(1, 10, 0.9)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    cli._training_printer(quiet=True).step(1, 10, 0.9)
    assert capsys.readouterr().err == ""
