"""Training throughput of the fine-tuning path, in chips per second, on this machine.

    .venv/bin/python scripts/bench_training.py [--steps 60] [--batch 8] [--chip 128]

Uses the starter model's architecture (UNet / MobileNetV3-small) on SYNTHETIC chips; reports the
device torch picked (a GPU when there is one).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bootstrap import register_package

register_package()

import numpy as np  # noqa: E402

from thaw_slump_mapper.core.learn.training import Sample, TrainConfig, train  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--chip", type=int, default=128)
    args = parser.parse_args()
    import torch

    rng = np.random.default_rng(0)
    samples = [Sample(rng.random((3, 256, 256), dtype=np.float32), (rng.random((256, 256)) > 0.8).astype(np.uint8),
                      np.ones((256, 256), bool), "synthetic") for _ in range(16)]
    config = TrainConfig(steps=args.steps, batch=args.batch, chip=args.chip)
    warm = TrainConfig(steps=3, batch=args.batch, chip=args.chip)
    train([samples], warm)
    start = time.monotonic()
    train([samples], config)
    seconds = time.monotonic() - start
    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else f"CPU ({torch.get_num_threads()} threads)"
    print(f"{args.steps} steps of {args.batch} chips of {args.chip}² in {seconds:.1f} s on {device}: "
          f"{args.steps * args.batch / seconds:.1f} chips/s")


if __name__ == "__main__":
    main()
