"""Plain-language lines about the runtime: which engines work and on which device."""

from __future__ import annotations

from ..adapters.i18n import tr
from ..core.deps import PackageStatus, install_command


def onnx_device() -> str:
    try:
        import onnxruntime
    except Exception:  # noqa: BLE001 - reported by the dependency check already
        return ""
    providers = onnxruntime.get_available_providers()
    return tr("GPU (CUDA)") if "CUDAExecutionProvider" in providers else "CPU"


def torch_status(statuses: list[PackageStatus]) -> PackageStatus | None:
    return next((s for s in statuses if s.requirement.module == "torch"), None)


def summary_lines(statuses: list[PackageStatus]) -> list[str]:
    lines = []
    ort = next((s for s in statuses if s.requirement.module == "onnxruntime"), None)
    if ort is not None and ort.ok:
        lines.append(tr("ONNX models: ready (onnxruntime {version}, {device}).").format(
            version=ort.version, device=onnx_device()))
    torch = torch_status(statuses)
    if torch is not None and torch.ok:
        lines.append(tr("Training and Torch models: available (torch installed)."))
    else:
        lines.append(tr("Training and Torch models: disabled because torch is not installed. "
                        "ONNX models still run. To enable training run:"))
        lines.append(install_command(statuses, include_optional=True))
    return lines
