"""Small models and rasters that tests build themselves (nothing downloaded, nothing bundled)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import rasterio
from onnx import TensorProto, helper, numpy_helper
from rasterio.transform import from_origin

UTM = "EPSG:32646"
ORIGIN = (440000.0, 3860000.0)


def conv_model(path: Path, weights: np.ndarray, bias: np.ndarray, *, sidecar: dict | None = None,
               embedded: dict[str, str] | None = None, fixed_size: int | None = None, batch: int | str = "n",
               softmax: bool = False) -> Path:
    """An ONNX model made of one convolution (optionally followed by Softmax over classes)."""
    out_c, in_c, k, _ = weights.shape
    size = fixed_size if fixed_size else "h"
    wsize = fixed_size if fixed_size else "w"
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["logits" if softmax else "y"], pads=[k // 2] * 4)]
    if softmax:
        nodes.append(helper.make_node("Softmax", ["logits"], ["y"], axis=1))
    graph = helper.make_graph(
        nodes, "conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, in_c, size, wsize])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, out_c, size, wsize])],
        [numpy_helper.from_array(weights.astype(np.float32), "w"),
         numpy_helper.from_array(bias.astype(np.float32), "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    for key, value in (embedded or {}).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(model, path)
    if sidecar is not None:
        path.with_suffix(".json").write_text(json.dumps(sidecar))
    return path


def write_raster(path: Path, data: np.ndarray, *, res: float = 3.0, crs: str = UTM,
                 origin: tuple[float, float] = ORIGIN, nodata: float | None = 0) -> Path:
    count, height, width = data.shape
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=count, dtype=data.dtype,
                       crs=crs, transform=from_origin(origin[0], origin[1], res, res), nodata=nodata) as dst:
        dst.write(data)
    return path


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


BASIC = {"bands": ["blue", "green", "red", "nir"], "value_domain": "reflectance", "gsd_m": 3.0,
         "activation": "sigmoid", "tile_size": 64, "overlap": 16}


BARE_SOIL = {"name": "bare-soil-index", "version": "0.1", "architecture": "1x1 conv (test model)",
             "bands": ["ndvi"], "value_domain": "reflectance", "gsd_m": 3.0, "activation": "sigmoid",
             "tile_size": 128, "overlap": 32, "threshold": 0.5, "min_area_m2": 300}


def bare_soil_model(path: Path) -> Path:
    """Low NDVI: bare ground or water (slump floors, and the look-alikes: ponds, rock, gravel)."""
    return conv_model(path, np.array([-30.0]).reshape(1, 1, 1, 1), np.array([12.0]), sidecar=BARE_SOIL)


STARTER_ONNX = Path(__file__).resolve().parents[1] / "models" / "tsm_starter" / "tsm_starter.onnx"


def starter_next_version() -> str:
    """The version a fine-tune of the bundled starter gets (0.2.0 -> 0.2.1): tests follow the model."""
    version = json.loads(Path(str(STARTER_ONNX) + ".json").read_text(encoding="utf-8"))["version"]
    major_minor, _, patch = version.rpartition(".")
    return f"{major_minor}.{int(patch) + 1}"
