"""`auto` picks the ONNX runtime by measurement: on the CPU, when both onnxruntime and OpenVINO
can run a model, the first load times both on a batch of its own tile size (interleaved, after a
warm-up) and keeps the faster; the choice is remembered per model, CPU and runtime versions in
the cache folder, so later loads cost nothing. Which runtime is faster depends on the model and
the CPU (OpenVINO ran the starter ×1.26 faster on an AMD EPYC with AVX2; int8 and other networks
differ), so a name alone cannot decide it."""

from __future__ import annotations

import json
import logging
import os
import platform
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ..outputs import atomic_file
from ..preferences import default_cache_dir

LOGGER = logging.getLogger("thaw_slump_mapper.runtime")
FILE = "runtime_choice.json"
REPEATS = 3  # timed batches per runtime, interleaved; the median of each
FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile")


@dataclass(frozen=True)
class Choice:
    runtime: str  # "onnxruntime" or "openvino"
    seconds: dict[str, float]  # median seconds per batch, by runtime
    batch: int
    measured: str  # ISO date
    remembered: bool = False  # read from the cache file, not measured by this load

    def why(self) -> str:
        other = next((k for k in self.seconds if k != self.runtime), None)
        if other is None:
            return f"{self.runtime}: the only runtime that ran the model"
        ratio = self.seconds[other] / max(self.seconds[self.runtime], 1e-9)
        mine, theirs = self.seconds[self.runtime] * 1000, self.seconds[other] * 1000
        return (f"{self.runtime}: {ratio:.2f}x faster than {other} on this CPU ({mine:.0f} against {theirs:.0f} ms "
                f"per batch of {self.batch}, measured {self.measured}{', remembered' if self.remembered else ''})")


def cpu_flags() -> list[str]:
    """The instruction sets that decide CPU inference speed, as /proc/cpuinfo names them."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    have = set(line.split(":", 1)[-1].split())
    return [f for f in FLAGS if f in have]


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_text() -> str:
    """'AMD EPYC, 2 CPU cores; flags: avx2; without avx512f, …': what the benchmarks print beside
    every figure."""
    flags = cpu_flags()
    missing = [f for f in FLAGS if f not in flags]
    return (f"{cpu_name()}, {os.cpu_count()} CPU cores; flags: {', '.join(flags) or 'none'}"
            f"{'; without ' + ', '.join(missing) if missing else ''}")


def cpu_key() -> str:
    return f"{cpu_name()}|{'+'.join(cpu_flags()) or 'no-flags'}|{os.cpu_count()} cores"


def _versions() -> str:
    import importlib.metadata as md

    out = []
    for name in ("onnxruntime", "openvino"):
        try:
            out.append(f"{name} {md.version(name)}")
        except md.PackageNotFoundError:
            out.append(f"{name} -")
    return ", ".join(out)


def _store() -> Path:
    return Path(default_cache_dir()) / FILE


def _read() -> dict[str, Any]:
    try:
        return json.loads(_store().read_text())
    except (OSError, ValueError):
        return {}


def _remember(key: str, choice: Choice) -> None:
    data = _read()
    data[key] = {"runtime": choice.runtime, "seconds": choice.seconds, "batch": choice.batch,
                 "measured": choice.measured}
    try:
        _store().parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(_store(), "runtime choice") as tmp:
            tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    except Exception as exc:  # noqa: BLE001 - a cache that cannot be written only costs a new measurement
        LOGGER.info("cannot remember the runtime choice (%s)", exc)


def _seconds(backend, x: np.ndarray) -> float:
    t0 = time.perf_counter()
    backend.run(x)
    return time.perf_counter() - t0


def _key(sha256: str, shape: tuple[int, int, int, int]) -> str:
    return f"{sha256}|{cpu_key()}|{_versions()}|{shape}"


def remembered(sha256: str, shape: tuple[int, int, int, int]) -> Choice | None:
    """The choice an earlier measurement made for this model, input shape and CPU, or None."""
    known = _read().get(_key(sha256, shape))
    if not isinstance(known, dict) or known.get("runtime") not in ("openvino", "onnxruntime"):
        return None
    return Choice(known["runtime"], dict(known.get("seconds") or {}), int(known.get("batch") or shape[0]),
                  str(known.get("measured") or ""), remembered=True)


def choose(sha256: str, backends: dict[str, Any], shape: tuple[int, int, int, int]) -> Choice:
    """The faster of ``backends`` (runtime name → loaded backend) on input of ``shape``,
    remembered under the model's hash and this CPU."""
    known = remembered(sha256, shape)
    if known is not None and known.runtime in backends:
        return known
    key = _key(sha256, shape)
    x = np.random.default_rng(0).random(shape, dtype=np.float32)
    times: dict[str, list[float]] = {name: [] for name in backends}
    for backend in backends.values():  # warm-up: the first batch allocates and compiles
        backend.run(x)
    for _ in range(REPEATS):  # interleaved: a machine whose speed drifts hits both alike
        for name, backend in backends.items():
            times[name].append(_seconds(backend, x))
    seconds = {name: float(np.median(t)) for name, t in times.items()}
    runtime = min(seconds, key=seconds.get)
    choice = Choice(runtime, seconds, shape[0], date.today().isoformat())
    _remember(key, choice)
    LOGGER.info("runtime for %s: %s", sha256[:12], choice.why())
    return choice
