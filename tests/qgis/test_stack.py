"""Every package of the stack works in one process next to qgis.core: rasterio and QGIS share
one GDAL/PROJ, shapely 2 and onnxruntime compute, smp builds a model and runs a forward pass."""

from __future__ import annotations

import numpy as np
import rasterio
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
)
from rasterio.transform import from_origin
from rasterio.warp import transform as rio_transform


def test_rasterio_and_qgis_share_gdal_and_agree_on_a_reprojection(qgis_app, tmp_path):
    from osgeo import gdal

    # Debian's rasterio is linked to the GDAL QGIS uses: one GDAL, one PROJ database.
    assert rasterio.__gdal_version__ == gdal.__version__

    path = tmp_path / "mosaic.tif"
    data = np.arange(4 * 64 * 64, dtype=np.uint16).reshape(4, 64, 64)
    profile = dict(driver="GTiff", width=64, height=64, count=4, dtype="uint16", crs="EPSG:32603",
                   transform=from_origin(500000, 7300000, 3, 3), nodata=0)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)

    layer = QgsRasterLayer(str(path), "mosaic")
    assert layer.isValid()
    assert layer.crs().authid() == "EPSG:32603"
    assert layer.bandCount() == 4
    block = layer.dataProvider().block(3, layer.extent(), 64, 64)
    assert block.value(10, 20) == data[2, 10, 20]

    x, y = 500000 + 96.0, 7300000 - 96.0
    lon, lat = rio_transform("EPSG:32603", "EPSG:4326", [x], [y])
    xform = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:32603"),
                                   QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance())
    point = xform.transform(QgsPointXY(x, y))
    assert abs(point.x() - lon[0]) < 1e-9 and abs(point.y() - lat[0]) < 1e-9


def test_shapely_2_vectorised_geometry(qgis_app):
    import shapely

    assert int(shapely.__version__.split(".")[0]) >= 2
    boxes = shapely.box(np.arange(3), 0, np.arange(3) + 2, 2)
    assert shapely.area(shapely.union_all(boxes)) == 8.0


def test_onnxruntime_runs_a_model_built_here(qgis_app):
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Sigmoid", ["x"], ["y"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 8, 8])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    (out,) = session.run(None, {"x": np.zeros((1, 4, 8, 8), np.float32)})
    assert np.allclose(out, 0.5)
    assert onnx.__version__


def test_segmentation_models_pytorch_builds_and_runs_next_to_qgis(qgis_app):
    import segmentation_models_pytorch as smp
    import torch
    import torchvision

    assert torchvision.__version__  # the CPU-torch/CUDA-torchvision trap would fail above
    model = smp.Unet("resnet18", encoder_weights=None, in_channels=4, classes=1).eval()
    with torch.no_grad():
        out = model(torch.zeros(1, 4, 64, 64))
    assert tuple(out.shape) == (1, 1, 64, 64)
    assert torch.isfinite(out).all()
