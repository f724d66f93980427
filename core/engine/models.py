"""Load a model file with its description and run it: ONNX through ONNX Runtime or (optional)
OpenVINO, TorchScript, or a segmentation-models-pytorch state dict. Nothing here unpickles
arbitrary objects: Torch files are read as TorchScript or with ``torch.load(weights_only=True)``."""

from __future__ import annotations

import hashlib
import logging
import pickle
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import ModelError
from ..messages import Message
from ..preferences import BACKENDS
from .model_spec import ModelSpec, from_metadata_props, parse_description, read_sidecar

LOGGER = logging.getLogger("thaw_slump_mapper.models")
ONNX_SUFFIXES = (".onnx",)
TORCH_SUFFIXES = (".pt", ".pth", ".ts", ".torchscript", ".ckpt", ".bin")
# which runtime runs an ONNX model: "auto" is the faster of OpenVINO and onnxruntime on this CPU,
# measured once per model (core.engine.runtime_choice), else onnxruntime; "openvino" needs the optional package
ONNX_BACKENDS = BACKENDS
OPENVINO_PRECISIONS = ("f32", "bf16")  # bf16 only when asked for by name (the benchmark), never by default
# what a sidecar says to name the network of bare smp weights (in a message, not translated)
SMP_EXAMPLE = ('"torch": {"format": "smp", "arch": "Unet", "encoder": "resnet34", "in_channels": 4, '
               '"classes": 1}')


class Backend(Protocol):
    device: str  # what actually runs it, e.g. "CPU (onnxruntime)" or "CUDA (torch)"
    input_shape: tuple[Any, ...]
    output_channels: int | None

    def run(self, batch: np.ndarray) -> np.ndarray:
        """N×C×H×W float32 in, N×K×H×W raw model output out."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class OnnxBackend:
    def __init__(self, path: Path, device: str = "auto", threads: int = 0) -> None:
        import onnxruntime as ort

        available = ort.get_available_providers()
        providers = ["CPUExecutionProvider"]
        if device in ("auto", "cuda") and "CUDAExecutionProvider" in available:
            providers.insert(0, "CUDAExecutionProvider")
        elif device == "cuda":
            LOGGER.warning("GPU requested but onnxruntime has no CUDA provider; running on the CPU")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # idle inference threads sleep instead of spinning: the reading and writing threads of the
        # pipeline need those cores between batches
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        if threads > 0:  # a cluster worker shares its host's cores with other workers
            options.intra_op_num_threads = threads
        try:
            self.session = ort.InferenceSession(str(path), options, providers=providers)
        except Exception as exc:
            first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
            raise ModelError(Message("model.not_onnx", name=path.name, detail=first),
                             Message("model.not_onnx.fix")) from exc
        inputs, outputs = self.session.get_inputs(), self.session.get_outputs()
        if len(inputs) != 1:
            raise ModelError(Message("model.inputs", name=path.name, count=len(inputs)),
                             Message("model.inputs.fix"))
        self.input_name = inputs[0].name
        self.input_shape = tuple(d if isinstance(d, int) else None for d in inputs[0].shape)
        self.output_names = [o.name for o in outputs]
        self._output_shapes = [o.shape for o in outputs]
        self.output_index = 0
        self.select_output(0)
        active = self.session.get_providers()[0]
        self.device = ("CUDA" if active == "CUDAExecutionProvider" else "CPU") + " (onnxruntime)"
        self.metadata = dict(self.session.get_modelmeta().custom_metadata_map)

    def select_output(self, index: int) -> None:
        self.output_index = index
        shape = self._output_shapes[index]
        self.output_channels = shape[1] if len(shape) == 4 and isinstance(shape[1], int) else None

    def run(self, batch: np.ndarray) -> np.ndarray:
        wanted = [self.output_names[self.output_index]]
        return in_fixed_batches(lambda x: self.session.run(wanted, {self.input_name: x})[0], batch,
                                self.input_shape[0] if self.input_shape else None)


def in_fixed_batches(forward: Any, batch: np.ndarray, fixed: int | None) -> np.ndarray:
    """``forward(batch)``, or for a model exported with a fixed batch size, ``forward`` on chunks
    of exactly that size (the last one padded by repeating its last tile, the padding dropped)."""
    if not fixed or fixed == len(batch):
        return forward(batch)
    outs = []
    for i in range(0, len(batch), fixed):
        chunk = batch[i:i + fixed]
        n = len(chunk)
        if n < fixed:
            chunk = np.concatenate([chunk, np.repeat(chunk[-1:], fixed - n, axis=0)])
        outs.append(forward(chunk)[:n])
    return np.concatenate(outs)


def quiet_openvino() -> None:
    """No usage statistics leave the machine. ``import openvino`` imports its model converter,
    which sends an "import" event through openvino-telemetry, and NNCF sends events of its own;
    both ask nothing first (their opt-in dialog is off) and both fall back to a stub that sends
    nothing when ``openvino_telemetry`` cannot be imported. So it is made unimportable in this
    process, before OpenVINO or NNCF is imported (tests/unit/test_openvino.py checks both stubs
    and that no client id is written). The user-wide opt-out is ``opt_in_out --opt_out``."""
    if "openvino_telemetry" not in sys.modules:
        sys.modules["openvino_telemetry"] = None  # type: ignore[assignment]
    elif sys.modules["openvino_telemetry"] is not None:
        LOGGER.warning("openvino_telemetry was imported before the plugin could turn it off: OpenVINO may send "
                       "usage statistics (opt out: opt_in_out --opt_out)")


def _import_openvino(name: str) -> Any:
    quiet_openvino()
    try:
        import openvino
    except Exception as exc:
        raise ModelError(Message("model.no_openvino", name=name, detail=f"{type(exc).__name__}: {str(exc)[:120]}"),
                         Message("model.no_openvino.fix")) from exc
    return openvino


def openvino_available() -> bool:
    try:
        _import_openvino("")
    except ModelError:
        return False
    return True


def openvino_bf16_supported() -> bool:
    """Whether OpenVINO's CPU plugin can run bf16 here (AVX512_BF16 or AMX)."""
    try:
        ov = _import_openvino("")
        return "BF16" in ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    except (ModelError, RuntimeError):
        return False


class OpenVinoBackend:
    """ONNX through OpenVINO on the CPU: same inputs, same outputs as :class:`OnnxBackend`.

    fp32 unless ``precision`` says otherwise: OpenVINO's CPU plugin would pick bf16 by itself on a
    CPU that has it, so the hint is always set. ``hint`` LATENCY runs a batch as one request on all
    cores; THROUGHPUT splits it over parallel requests (streams)."""

    def __init__(self, path: Path, precision: str = "f32", hint: str = "THROUGHPUT", threads: int = 0) -> None:
        ov = _import_openvino(path.name)
        if precision not in OPENVINO_PRECISIONS:
            raise ValueError(f"precision {precision!r}: expected one of {OPENVINO_PRECISIONS}")
        core = ov.Core()
        try:
            model = core.read_model(str(path))
        except Exception as exc:
            first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
            raise ModelError(Message("model.openvino_failed", name=path.name, detail=first),
                             Message("model.openvino_failed.fix")) from exc
        if len(model.inputs) != 1:
            raise ModelError(Message("model.inputs", name=path.name, count=len(model.inputs)),
                             Message("model.inputs.fix"))
        shape = model.inputs[0].get_partial_shape()
        self.input_shape = tuple(d.get_length() if d.is_static else None for d in shape)
        self.output_names = [o.get_any_name() for o in model.outputs]
        self._output_shapes = [[d.get_length() if d.is_static else None for d in o.get_partial_shape()]
                               for o in model.outputs]
        self.metadata = _onnx_metadata(model)
        config = {"INFERENCE_PRECISION_HINT": precision, "PERFORMANCE_HINT": hint}
        if threads:
            # a share of the host (a cluster worker): OpenVINO would pin each process's threads to
            # the first cores, and two workers on one host would share one core
            config["INFERENCE_NUM_THREADS"] = threads
            config["ENABLE_CPU_PINNING"] = False
        try:
            self.compiled = core.compile_model(model, "CPU", config)
        except Exception as exc:
            first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
            raise ModelError(Message("model.openvino_failed", name=path.name, detail=first),
                             Message("model.openvino_failed.fix")) from exc
        actual = self.compiled.get_property("INFERENCE_PRECISION_HINT")
        # what runs, as OpenVINO names it ("f32", "bf16"); said in the device string unless fp32
        self.precision = actual.get_type_name() if hasattr(actual, "get_type_name") else str(actual)
        streams = int(self.compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS"))
        self.requests = [self.compiled.create_infer_request() for _ in range(max(1, streams))]
        self.output_index = 0
        self.select_output(0)
        self.device = "CPU (openvino)" if self.precision == "f32" else f"CPU (openvino, {self.precision})"
        if precision == "bf16" and self.precision != "bf16":  # said wherever the device is shown, not silent
            self.device = "CPU (openvino, fp32: bf16 asked for, this CPU has none)"

    def select_output(self, index: int) -> None:
        self.output_index = index
        shape = self._output_shapes[index]
        self.output_channels = shape[1] if len(shape) == 4 and shape[1] is not None else None

    def _forward(self, batch: np.ndarray) -> np.ndarray:
        batch = np.ascontiguousarray(batch, dtype=np.float32)
        parts = len(self.requests) if self.input_shape[0] is None else 1
        parts = min(parts, len(batch))
        if parts <= 1:
            request = self.requests[0]
            request.infer({0: batch})
            return request.get_output_tensor(self.output_index).data.copy()
        # several streams (THROUGHPUT): split the batch, run the parts at once, join them
        splits = np.array_split(batch, parts)
        for request, part in zip(self.requests, splits):
            request.start_async({0: part})
        outs = []
        for request in self.requests[:parts]:
            request.wait()
            outs.append(request.get_output_tensor(self.output_index).data.copy())
        return np.concatenate(outs)

    def run(self, batch: np.ndarray) -> np.ndarray:
        return in_fixed_batches(self._forward, batch, self.input_shape[0])


def _onnx_metadata(model: Any) -> dict[str, str]:
    """The ONNX file's metadata_props, which OpenVINO keeps under rt_info 'framework'."""
    try:
        framework = model.get_rt_info()["framework"] if model.has_rt_info(["framework"]) else {}
        keys = [str(key) for key in framework] if isinstance(framework, dict) else []
    except (RuntimeError, KeyError, TypeError, AttributeError):  # no metadata at all
        return {}
    out = {}
    for key in keys:
        try:
            out[str(key)] = model.get_rt_info(["framework", str(key)]).astype(str)
        except (RuntimeError, KeyError, TypeError, AttributeError):  # a value that is not text
            continue
    return out


class TorchBackend:
    def __init__(self, module: Any, device: str, in_channels: int | None, out_channels: int | None) -> None:
        import torch

        self.torch = torch
        self.module = module.eval().to(device)
        self.dev = device
        self.device = ("CUDA" if device.startswith("cuda") else "CPU") + " (torch)"
        self.input_shape = (None, in_channels, None, None)
        self.output_channels = out_channels

    def run(self, batch: np.ndarray) -> np.ndarray:
        with self.torch.inference_mode():
            out = self.module(self.torch.from_numpy(batch).to(self.dev))
            if isinstance(out, (tuple, list)):
                out = out[0]
            elif isinstance(out, dict):
                out = out.get("out", next(iter(out.values())))
            return out.float().cpu().numpy()


def _torch_device(device: str) -> str:
    import torch

    if device in ("auto", "cuda") and torch.cuda.is_available():
        return "cuda"
    if device == "cuda":
        LOGGER.warning("GPU requested but torch sees no CUDA device; running on the CPU")
    return "cpu"


def _import_torch(path: Path):
    try:
        import torch
    except Exception as exc:
        raise ModelError(Message("model.no_torch", name=path.name, detail=str(exc)),
                         Message("model.no_torch.fix")) from exc
    return torch


def is_torchscript(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.endswith("constants.pkl") or "/code/" in n for n in zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def load_torchscript(path: Path, device: str) -> Any:
    torch = _import_torch(path)
    try:
        return torch.jit.load(str(path), map_location="cpu")
    except Exception as exc:
        raise ModelError(Message("model.torchscript", name=path.name, detail=type(exc).__name__),
                         Message("model.torchscript.fix")) from exc


def read_state_dict(path: Path, torch=None) -> dict:
    """A plain state_dict of tensors from ``path`` (weights_only: a stranger's file never runs code)."""
    torch = torch or _import_torch(path)
    try:
        state = torch.load(str(path), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        raise ModelError(Message("model.unsafe", name=path.name), Message("model.unsafe.fix")) from exc
    except Exception as exc:
        raise ModelError(Message("model.weights_unreadable", name=path.name,
                                 detail=f"{type(exc).__name__}: {str(exc)[:200]}"),
                         Message("model.weights_unreadable.fix")) from exc
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict) or not all(hasattr(v, "shape") for v in state.values()):
        raise ModelError(Message("model.not_state_dict", name=path.name), Message("model.not_state_dict.fix"))
    state = {k.removeprefix("model.").removeprefix("module."): v for k, v in state.items()}
    return state


def load_smp_state_dict(path: Path, spec: ModelSpec) -> Any:
    torch = _import_torch(path)
    info = spec.torch
    if info is None or not info.arch or not info.encoder:
        raise ModelError(Message("model.weights_only", name=path.name),
                         Message("model.weights_only.fix", example=SMP_EXAMPLE))
    state = read_state_dict(path, torch)
    try:
        import segmentation_models_pytorch as smp
    except Exception as exc:
        raise ModelError(Message("model.no_smp", name=path.name, detail=str(exc)),
                         Message("model.no_smp.fix")) from exc
    try:
        model = smp.create_model(info.arch, encoder_name=info.encoder, encoder_weights=None,
                                 in_channels=info.in_channels, classes=info.classes, **info.extra)
        model.load_state_dict(state, strict=True)
    except Exception as exc:
        raise ModelError(Message("model.weights_mismatch", name=path.name, arch=info.arch, encoder=info.encoder,
                                 bands=info.in_channels, classes=info.classes,
                                 detail=str(exc).splitlines()[0][:200]),
                         Message("model.weights_mismatch.fix")) from exc
    return model


@dataclass
class LoadedModel:
    path: Path
    spec: ModelSpec
    backend: Backend
    sha256: str
    kind: str  # "onnx", "torchscript" or "smp"

    def predict(self, batch: np.ndarray) -> np.ndarray:
        """N×C×H×W normalised input → N×H×W probability of the RTS class. A model whose output is
        smaller than its input (valid convolutions) is placed at the centre, NaN around it."""
        prob = probabilities(self.backend.run(batch), self.spec)
        if prob.size and not np.isfinite(prob).any():  # said at the first batch, not as "only NoData" at the end
            raise ModelError(Message("model.nan", name=self.path.name), Message("model.nan.fix"))
        height, width = batch.shape[2:]
        if prob.shape[1:] == (height, width):
            return prob
        h, w = prob.shape[1:]
        if h > height or w > width or (height - h) % 2 or (width - w) % 2:
            raise ModelError(Message("model.output_size", h=h, w=w, height=height, width=width),
                             Message("model.output_size.fix"))
        out = np.full((len(prob), height, width), np.nan, np.float32)
        top, left = (height - h) // 2, (width - w) // 2
        out[:, top:top + h, left:left + w] = prob
        return out


def probabilities(raw: np.ndarray, spec: ModelSpec) -> np.ndarray:
    if raw.ndim == 3:  # N×H×W: a single-channel model that squeezed its output
        raw = raw[:, None]
    if raw.ndim != 4:
        raise ModelError(Message("model.output_shape", shape=str(raw.shape)), Message("model.output_shape.fix"))
    raw = raw.astype(np.float32, copy=False)
    if spec.activation == "softmax":
        shifted = raw - raw.max(axis=1, keepdims=True)
        np.exp(shifted, out=shifted)
        return shifted[:, spec.rts_class] / shifted.sum(axis=1)
    channel = raw[:, spec.rts_class if raw.shape[1] > 1 else 0]
    if spec.activation == "sigmoid":
        return 1.0 / (1.0 + np.exp(-channel))
    return np.clip(channel, 0.0, 1.0)


def describe(path: Path, embedded: dict[str, str]) -> tuple[dict[str, Any], str]:
    """The merged raw description: embedded metadata overridden key by key by the sidecar."""
    data = from_metadata_props(embedded) if embedded else {}
    source: str = Message("spec.source.embedded") if data else ""
    sidecar, sidecar_path = read_sidecar(path)
    if sidecar:
        data = {**data, **sidecar}
        source = Message("spec.source.over_embedded", path=sidecar_path) if source else sidecar_path
    return data, source


def load_model(path: str | Path, device: str = "auto", backend_name: str = "auto", threads: int = 0,
               measure: bool = True) -> LoadedModel:
    """``backend_name`` chooses the runtime of an ONNX model (:data:`ONNX_BACKENDS`); Torch files
    always run on torch. ``threads``: the model's CPU threads (0: all cores; a cluster worker passes
    its share). ``measure``: `auto` may time both runtimes on a first load (never in an interface
    thread)."""
    path = Path(path)
    if path.is_dir():  # a model package's folder: name the files in it
        found = sorted(p.name for p in path.iterdir() if p.suffix.lower() in ONNX_SUFFIXES + TORCH_SUFFIXES)
        raise ModelError(Message("model.is_folder", path=str(path)),
                         Message("model.is_folder.fix", found=", ".join(found[:4]) if found
                                 else Message("model.is_folder.none")))
    if not path.is_file():
        raise ModelError(Message("model.missing", path=str(path)), Message("model.missing.fix"))
    suffix = path.suffix.lower()
    if suffix in ONNX_SUFFIXES:
        backend = _onnx_backend(path, device, backend_name, threads)
        data, source = describe(path, backend.metadata)
        output = _output_index(backend.output_names, data.get("output", ""), path.name)
        backend.select_output(output)
        spec = parse_description(data, source, path.stem, backend.input_shape, backend.output_channels)
        if backend_name == "auto" and isinstance(backend, OpenVinoBackend) and not _quantized_runtime(path):
            backend = _measured_runtime(path, spec, backend, device, threads, output, measure)
        if len(backend.output_names) > 1:
            LOGGER.info("%s has %d outputs (%s); using '%s'", path.name, len(backend.output_names),
                        ", ".join(backend.output_names), backend.output_names[backend.output_index])
        kind = "onnx"
    elif suffix in TORCH_SUFFIXES:
        data, source = describe(path, {})
        spec = parse_description(data, source, path.stem)
        wanted = spec.torch.format if spec.torch else "auto"
        kind = "torchscript" if wanted == "torchscript" or (wanted == "auto" and is_torchscript(path)) else "smp"
        module = load_torchscript(path, device) if kind == "torchscript" else load_smp_state_dict(path, spec)
        out_channels = spec.torch.classes if spec.torch and kind == "smp" else None
        backend = TorchBackend(module, _torch_device(device), len(spec.bands), out_channels)
        if threads > 0:
            import torch

            torch.set_num_threads(threads)
    else:
        raise ModelError(Message("model.format", name=path.name), Message("model.format.fix"))
    return LoadedModel(path, spec, backend, sha256_of(path), kind)


def _onnx_backend(path: Path, device: str, backend_name: str, threads: int = 0) -> OnnxBackend | OpenVinoBackend:
    """``openvino`` when asked for (a message naming the install when it is missing); ``auto``:
    the runtime an int8 package's accuracy was measured on (the same int8 file loses accuracy on
    another runtime, README 'Benchmarks'), else onnxruntime for a GPU, else OpenVINO when it is
    installed and takes the model (load_model then times it against onnxruntime and keeps the
    faster: _measured_runtime), else onnxruntime. ``openvino-bf16`` (an explicit choice, never a
    default) runs OpenVINO in bf16 where the CPU has it (the device string then says "bf16")."""
    if backend_name == "auto":
        measured_on = _quantized_runtime(path)
        if measured_on in ("onnxruntime", "openvino"):
            backend_name = measured_on
    if backend_name.startswith("openvino"):
        if device == "cuda":
            LOGGER.warning("GPU requested but the OpenVINO backend runs on the CPU here")
        return OpenVinoBackend(path, "bf16" if backend_name.endswith("bf16") else "f32", threads=threads)
    if backend_name == "auto" and not _cuda_wanted(device) and openvino_available():
        try:
            return OpenVinoBackend(path, threads=threads)
        except ModelError as exc:  # an operator OpenVINO lacks, a corrupt file: onnxruntime says which
            LOGGER.info("OpenVINO cannot run %s (%s); using onnxruntime", path.name, exc)
    return OnnxBackend(path, device, threads)


def _measured_runtime(path: Path, spec: ModelSpec, openvino: OpenVinoBackend, device: str, threads: int,
                      output: int, measure: bool) -> Backend:
    """`auto` on the CPU with both runtimes at hand: the faster on this model and CPU, measured at
    its first load and remembered (core.engine.runtime_choice); ``backend.choice`` says why.
    ``measure=False`` (a load in QGIS's interface thread: timing a UNet-ResNet34 on both runtimes
    took 16 s) takes a remembered choice only, else OpenVINO."""
    from .runtime_choice import choose, remembered

    fixed = openvino.input_shape
    batch = fixed[0] if fixed and fixed[0] else 4  # the default batch size of a run
    size_h = fixed[2] if len(fixed) == 4 and fixed[2] else spec.tile_size
    size_w = fixed[3] if len(fixed) == 4 and fixed[3] else spec.tile_size
    shape, sha = (batch, len(spec.bands), size_h, size_w), sha256_of(path)
    known = remembered(sha, shape)
    if known is None and not measure:
        return openvino
    if known is not None and known.runtime == "openvino":
        openvino.choice = known
        return openvino
    try:
        ort = OnnxBackend(path, "cpu" if device == "auto" else device, threads)
        ort.select_output(output)
    except ModelError as exc:  # onnxruntime cannot run it: OpenVINO, as before
        LOGGER.info("onnxruntime cannot run %s (%s); using OpenVINO", path.name, exc)
        return openvino
    try:
        choice = known or choose(sha, {"openvino": openvino, "onnxruntime": ort}, shape)
    except Exception as exc:  # noqa: BLE001 - a model that fails on random input fails in the run, said there
        LOGGER.info("could not time the runtimes on %s (%s); using OpenVINO", path.name, exc)
        return openvino
    chosen = openvino if choice.runtime == "openvino" else ort
    chosen.choice = choice
    return chosen


def _quantized_runtime(path: Path) -> str:
    """The runtime an int8 package says its accuracy was measured on (its sidecar), or ''."""
    try:
        data, _ = read_sidecar(path)
    except ModelError:
        return ""  # said when the description is read
    quantization = (data.get("provenance") or {}).get("quantization") if isinstance(data.get("provenance"), dict) \
        else None
    return str(quantization.get("runtime", "")) if isinstance(quantization, dict) else ""


def _cuda_wanted(device: str) -> bool:
    if device == "cuda":
        return True
    if device != "auto":
        return False
    import onnxruntime as ort

    return "CUDAExecutionProvider" in ort.get_available_providers()


def _output_index(names: list[str], wanted: Any, model_name: str) -> int:
    """The output a description chooses by name or index; the first when it says nothing."""
    if wanted in ("", None):
        return 0
    if str(wanted) in names:
        return names.index(str(wanted))
    if str(wanted).isdigit() and int(wanted) < len(names):
        return int(wanted)
    raise ModelError(Message("model.no_output", name=model_name, wanted=wanted, names=", ".join(names)),
                     Message("model.no_output.fix"))
