"""The user's defaults, as one typed record shared by the plugin, the CLI and the cluster worker.

Persistence lives elsewhere (QgsSettings in the plugin); this module only knows the fields,
their defaults and what a valid value is, so that a hand-edited or stale settings file can
never hand the engine a nonsense value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEVICES = ("auto", "cpu", "cuda")
# runtime of ONNX models: auto = the faster of OpenVINO and onnxruntime on this CPU (measured once per
# model), else onnxruntime; "openvino-bf16" is reduced precision, only ever by this explicit choice
BACKENDS = ("auto", "onnxruntime", "openvino", "openvino-bf16")


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "thaw_slump_mapper")


@dataclass(frozen=True)
class ChipDefaults:
    """Training chips: one set of defaults for the review dock, the inventory dialog, Processing and
    `tsm export-chips` (core.learn.chips)."""

    chip: int = 128  # pixels
    background: int = 20  # random chips beside the examples
    block_m: float = 300.0  # examples whose chips come closer than this stay on one side of the split
    val_share: float = 0.25  # share of the positives held out for validation
    seed: int = 0


CHIPS = ChipDefaults()

# Training steps of the review dock and `tsm finetune`: fine-tuning the current model on a
# review, and a new network. The loop benchmark (scripts/bench_loop.py, the 0.3.0 recipe's fold-0
# model, two seeds, ~100 decisions an iteration): 300 steps pulled the model towards the few reviewed
# chips (object F1 0.195 -> 0.176 after one iteration, 0.177 after three); 100 steps raised it
# (0.217, then 0.203 and 0.230).
FINE_TUNE_STEPS = 100
NEW_NETWORK_STEPS = 1000


@dataclass(frozen=True)
class Preferences:
    threshold: float = 0.5  # probability above which a pixel is a slump candidate
    min_area_m2: float = 900.0  # 100 PlanetScope pixels; smaller blobs are noise
    batch_size: int = 0  # tiles per model call; 0: automatic (by tile size, engine.inference.tiles_per_batch)
    device: str = "auto"  # auto = CUDA when available, else CPU
    backend: str = "auto"  # ONNX runtime, one of BACKENDS
    cache_dir: str = field(default_factory=default_cache_dir)
    cache_limit_mb: int = 4096
    reviewer: str = ""
    region_name: str = ""  # ARTS RegionName of the training layers
    creator_lab: str = ""  # ARTS CreatorLab (defaults to the reviewer)
    debug_log: bool = False
    user_models: tuple[str, ...] = ()
    thumbnail_px: int = 160  # time-lapse thumbnails in the review dock
    cluster_address: str = ""  # a Dask scheduler (tcp://HOST:PORT) the dock and Processing can send runs to

    def normalised(self) -> Preferences:
        """A copy with every field forced into its valid range."""
        device = self.device if self.device in DEVICES else "auto"
        return replace(
            self,
            threshold=min(max(float(self.threshold), 0.0), 1.0),
            min_area_m2=max(float(self.min_area_m2), 0.0),
            batch_size=min(max(int(self.batch_size), 0), 256),
            device=device,
            backend=self.backend if self.backend in BACKENDS else "auto",
            cache_dir=self.cache_dir or default_cache_dir(),
            cache_limit_mb=max(int(self.cache_limit_mb), 0),
            reviewer=str(self.reviewer).strip(),
            region_name=str(self.region_name).strip(),
            creator_lab=str(self.creator_lab).strip(),
            user_models=tuple(str(m) for m in self.user_models if str(m)),
            thumbnail_px=min(max(int(self.thumbnail_px), 96), 480),
            cluster_address=str(self.cluster_address).strip(),
        )
