"""`auto` picks the ONNX runtime by measurement, remembered per model and CPU (issue 29)."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from tsm_testkit import BASIC, conv_model

from thaw_slump_mapper.core.engine import models, runtime_choice
from thaw_slump_mapper.core.engine.models import load_model


class _Timed:
    def __init__(self, seconds: float) -> None:
        self.seconds, self.calls = seconds, 0

    def run(self, x):
        self.calls += 1
        time.sleep(self.seconds)
        return x


def test_the_faster_runtime_is_chosen_and_remembered(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    slow, fast = _Timed(0.02), _Timed(0.002)
    choice = runtime_choice.choose("abc", {"openvino": slow, "onnxruntime": fast}, (4, 4, 64, 64))
    assert choice.runtime == "onnxruntime" and not choice.remembered
    assert slow.calls == fast.calls == 1 + runtime_choice.REPEATS  # a warm-up, then interleaved
    assert "onnxruntime: " in choice.why() and "faster than openvino on this CPU" in choice.why()
    stored = json.loads((tmp_path / "thaw_slump_mapper" / runtime_choice.FILE).read_text())
    (key,) = stored
    assert key.startswith("abc|") and runtime_choice.cpu_key() in key and stored[key]["runtime"] == "onnxruntime"
    again = runtime_choice.choose("abc", {"openvino": slow, "onnxruntime": fast}, (4, 4, 64, 64))
    assert again.runtime == "onnxruntime" and again.remembered and slow.calls == fast.calls == 4  # not timed again
    other = runtime_choice.choose("def", {"openvino": fast, "onnxruntime": slow}, (4, 4, 64, 64))
    assert other.runtime == "openvino"  # another model: measured on its own


@pytest.mark.skipif(not models.openvino_available(), reason="OpenVINO is not installed")
def test_auto_loads_the_runtime_its_measurement_chose(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = conv_model(tmp_path / "m.onnx", np.ones((1, 4, 3, 3)), np.zeros(1), sidecar=BASIC)
    first = load_model(path, "cpu", "auto")
    choice = first.backend.choice
    assert choice.runtime in ("openvino", "onnxruntime") and set(choice.seconds) == {"openvino", "onnxruntime"}
    assert first.backend.device == ("CPU (openvino)" if choice.runtime == "openvino" else "CPU (onnxruntime)")
    second = load_model(path, "cpu", "auto")
    assert second.backend.choice.remembered and second.backend.choice.runtime == choice.runtime
    named = load_model(path, "cpu", "onnxruntime")  # a runtime asked for by name is never measured
    assert not hasattr(named.backend, "choice")


@pytest.mark.skipif(not models.openvino_available(), reason="OpenVINO is not installed")
def test_a_load_in_the_interface_thread_never_times_the_runtimes(tmp_path, monkeypatch):
    """measure=False (QGIS's panels: timing a UNet-ResNet34 on both runtimes took 16 s) takes a
    remembered choice, else OpenVINO as before, and runs no batch."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = conv_model(tmp_path / "m.onnx", np.ones((1, 4, 3, 3)), np.zeros(1), sidecar=BASIC)
    timed = []
    real = runtime_choice._seconds
    monkeypatch.setattr(runtime_choice, "_seconds", lambda b, x: timed.append(1) or real(b, x))
    quiet = load_model(path, "cpu", "auto", measure=False)
    assert quiet.backend.device == "CPU (openvino)" and not hasattr(quiet.backend, "choice") and not timed
    measured = load_model(path, "cpu", "auto").backend.choice  # as tsm and Processing load it
    assert timed and not measured.remembered
    again = load_model(path, "cpu", "auto", measure=False).backend
    assert again.choice.remembered and again.choice.runtime == measured.runtime
