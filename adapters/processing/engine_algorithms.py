"""Processing algorithms over the engine: run a model on an extent or whole mosaics, and
re-vectorise a probability raster. Both report progress and honour cancel."""

from __future__ import annotations

import time
from pathlib import Path

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...core.engine.bands import parse_band_map
from ...core.engine.cluster import check_address, run_on_scheduler
from ...core.engine.fit import fit_findings
from ...core.engine.inference import InferenceParams, run_inference
from ...core.engine.masks import find_udm, inspect_mask
from ...core.engine.models import load_model
from ...core.engine.raster import MosaicSpec, guess_date, inspect_mosaic, is_date, same_date_warnings
from ...core.engine.vectorize import VectorizeParams, vectorize
from ...core.errors import Cancelled, TsmError
from ...core.messages import Message
from ...core.preferences import default_cache_dir
from ...core.progress import CancelToken
from ...core.store.candidates import write_candidates
from .. import settings
from ..compat import NUMBER_DOUBLE, SOURCE_RASTER, SOURCE_VECTOR_POLYGON
from ..i18n import plural, tr
from ..layers import aoi_of_features, extent_of, raster_file
from ..messages import error_text, localize
from ..tasks import progress_text

BANDS = ["mean", "max"]


def _progress_bridge(feedback, token: CancelToken):
    last = [0.0]

    def progress(p) -> None:
        feedback.setProgress(100.0 * p.fraction)
        now = time.monotonic()
        if now - last[0] >= 5 or p.done == p.total:  # a line every few seconds in the log
            last[0] = now
            feedback.setProgressText(progress_text(p.done, p.total, -1.0 if p.eta_s is None else p.eta_s,
                                                   p.rate or 0.0))
        if feedback.isCanceled():
            token.cancel()
    return progress


def measure_change_feedback(gpkg: str, prob_path: str, feedback, token: CancelToken) -> None:
    """How each candidate of a multi-date run changed, measured after the candidates are written;
    a run whose change cannot be measured (mosaics without dates) still succeeds, with one line."""
    from ...core.change.update import update_change

    def progress(p) -> None:  # candidates measured, not tiles: the bar only
        feedback.setProgress(100.0 * p.fraction)
        if feedback.isCanceled():
            token.cancel()

    feedback.setProgressText(tr("Measuring how each candidate changed across the dates…"))
    try:
        summary = update_change(gpkg, prob_path, progress=progress, cancel=token)
    except Cancelled:
        feedback.pushWarning(tr("Change over time not measured (cancelled); 'Measure change over time' in the "
                                "Processing toolbox measures it."))
        return
    except TsmError as exc:  # e.g. mosaics labelled without dates
        feedback.pushWarning(tr("Change over time not measured: {problem}").format(problem=localize(exc.problem)))
        return
    feedback.pushInfo(plural(summary.measured, tr("Change of {n} candidate over {dates} dates measured."),
                             tr("Change of {n} candidates over {dates} dates measured.")).format(
        n=summary.measured, dates=len(summary.dates)))


class RunModelAlgorithm(QgsProcessingAlgorithm):
    MOSAICS, DATES, MODEL, EXTENT, THRESHOLD, MIN_AREA = "MOSAICS", "DATES", "MODEL", "EXTENT", "THRESHOLD", "MIN_AREA"
    BAND_MAP, OUTPUT, PROBABILITY, COUNT, NEW = "BAND_MAP", "OUTPUT", "PROBABILITY", "COUNT", "NEW"
    MASKS, FIND_UDM, AOI, REPROJECT = "MASKS", "FIND_UDM", "AOI", "REPROJECT"

    def name(self) -> str:
        return "runmodel"

    def displayName(self) -> str:  # noqa: N802 - QGIS API
        return tr("Run model on mosaics")

    def group(self) -> str:
        return tr("Inference")

    def groupId(self) -> str:  # noqa: N802 - QGIS API
        return "inference"

    def shortHelpString(self) -> str:  # noqa: N802 - QGIS API
        return tr("Runs a slump segmentation model over one or more PlanetScope mosaics (one per date) within an "
                  "extent, over a study area or corridor (polygons: tiles outside them are skipped), or over the "
                  "whole mosaics, and merges the candidate polygons into a GeoPackage. A run that stopped continues "
                  "where it stopped when it is run again.")

    def createInstance(self) -> RunModelAlgorithm:  # noqa: N802 - QGIS API
        return RunModelAlgorithm()

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 - QGIS API
        self.addParameter(QgsProcessingParameterMultipleLayers(self.MOSAICS, tr("Mosaics (one per date)"),
                                                               SOURCE_RASTER))
        self.addParameter(QgsProcessingParameterString(
            self.DATES, tr("Dates, comma-separated in mosaic order (empty: from file names)"), optional=True))
        self.addParameter(QgsProcessingParameterMultipleLayers(
            self.MASKS, tr("Cloud/shadow/snow masks (UDM or UDM2), one per mosaic in the same order"),
            SOURCE_RASTER, optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            self.FIND_UDM, tr("Without masks: use each PlanetScope scene's UDM found beside it"), defaultValue=True))
        self.addParameter(QgsProcessingParameterFile(self.MODEL, tr("Model file (ONNX, TorchScript or smp weights)")))
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, tr("Extent (empty: whole mosaics)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.AOI, tr("Study area or corridor: polygons (tiles outside them are skipped)"),
            [SOURCE_VECTOR_POLYGON], optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.THRESHOLD, tr("Probability threshold (empty: the model's)"), NUMBER_DOUBLE,
            optional=True, minValue=0.01, maxValue=0.99))
        self.addParameter(QgsProcessingParameterNumber(
            self.MIN_AREA, tr("Minimum area in m² (empty: the model's)"), NUMBER_DOUBLE,
            optional=True, minValue=0))
        self.addParameter(QgsProcessingParameterString(
            self.BAND_MAP, tr("Band mapping, e.g. blue=1,green=2,red=3,nir=4 (empty: defaults)"), optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            self.REPROJECT, tr("Warp mosaics in other coordinate systems onto the first one's grid (e.g. "
                               "Sentinel-2 tiles of two UTM zones)"), defaultValue=False))
        self.addParameter(QgsProcessingParameterFileDestination(self.OUTPUT, tr("Candidates GeoPackage"),
                                                                tr("GeoPackage (*.gpkg)")))
        self.addOutput(QgsProcessingOutputFile(self.PROBABILITY, tr("Probability raster")))
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, tr("Candidates found")))
        self.addOutput(QgsProcessingOutputNumber(self.NEW, tr("New candidates")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        layers = self.parameterAsLayerList(parameters, self.MOSAICS, context)
        paths = [raster_file(layer) for layer in layers]
        if not paths or not all(paths):
            raise QgsProcessingException(tr("Every mosaic must be a raster file (GeoTIFF); web layers cannot be "
                                            "read by the engine."))
        dates_text = self.parameterAsString(parameters, self.DATES, context).strip()
        dates = [d.strip() for d in dates_text.split(",")] if dates_text else [guess_date(p) for p in paths]
        if len(dates) != len(paths):
            raise QgsProcessingException(tr("{n} dates were given for {m} mosaics.").format(n=len(dates),
                                                                                        m=len(paths)))
        for path, date in zip(paths, dates):  # a date given by hand must be one (2021-13-40 is not)
            if dates_text and date and not is_date(date):
                raise QgsProcessingException(localize(Message("error.with_fix", problem=Message(
                    "mosaic.bad_date", date=date[:40], text=f"{Path(path).name}@{date}"),
                    fix=Message("mosaic.bad_date.fix"))))
        for warning in same_date_warnings([MosaicSpec(p, d) for p, d in zip(paths, dates)]):
            feedback.pushWarning(localize(warning))
        masks = [raster_file(layer) for layer in self.parameterAsLayerList(parameters, self.MASKS, context)]
        if masks and len(masks) != len(paths):
            raise QgsProcessingException(tr("{n} masks were given for {m} mosaics: give one per mosaic, in the "
                                            "same order, or none.").format(n=len(masks), m=len(paths)))
        if not masks:
            find = self.parameterAsBoolean(parameters, self.FIND_UDM, context)
            masks = [find_udm(p) if find else "" for p in paths]
        for path, mask in zip(paths, masks):
            if mask:
                feedback.pushInfo(tr("Mask of {mosaic}: {mask}").format(mosaic=path, mask=mask))
        extent, aoi = None, None
        if parameters.get(self.AOI):
            source = self.parameterAsSource(parameters, self.AOI, context)
            if source is None:
                raise QgsProcessingException(tr("The study area layer cannot be read."))
            try:
                aoi = aoi_of_features(source.getFeatures(), source.sourceCrs(), source.sourceName())
            except TsmError as exc:
                raise QgsProcessingException(error_text(exc)) from exc
            if parameters.get(self.EXTENT):
                raise QgsProcessingException(tr("Give either an extent or a study area, not both."))
        if parameters.get(self.EXTENT):
            rect = self.parameterAsExtent(parameters, self.EXTENT, context)
            crs = self.parameterAsExtentCrs(parameters, self.EXTENT, context)
            extent = extent_of(rect, crs)
        out = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        token = CancelToken()
        prefs = settings.load()
        try:
            band_map = tuple(sorted(parse_band_map(self.parameterAsString(parameters, self.BAND_MAP, context))
                                    .items()))
            model = load_model(self.parameterAsFile(parameters, self.MODEL, context), prefs.device, prefs.backend)
            feedback.pushInfo(tr("Model {name} {version} on {device}").format(
                name=model.spec.name, version=model.spec.version, device=model.backend.device))
            for mask in filter(None, masks):
                inspect_mask(mask)
            for path, date in zip(paths, dates):
                info = inspect_mosaic(MosaicSpec(path, date, band_map))
                for level, message in fit_findings(model.spec, info, dict(band_map) or None):
                    if level == "warning":
                        feedback.pushInfo(tr("Warning: {message}").format(message=localize(message)))
            params = InferenceParams(tuple(MosaicSpec(p, d, band_map, mask=m) for p, d, m in zip(paths, dates, masks)),
                                     str(model.path), extent, prefs.cache_dir or default_cache_dir(),
                                     prefs.batch_size, prefs.device,
                                     self.parameterAsBoolean(parameters, self.REPROJECT, context),
                                     cache_limit_mb=prefs.cache_limit_mb, aoi=aoi, backend=prefs.backend)
            start = time.monotonic()
            prob = self.infer(params, parameters, context, feedback, token, model)
            threshold = parameters.get(self.THRESHOLD)
            min_area = parameters.get(self.MIN_AREA)
            vparams = VectorizeParams(
                threshold=model.spec.threshold if threshold in (None, "") else float(threshold),
                min_area_m2=model.spec.min_area_m2 if min_area in (None, "") else float(min_area))
            result = vectorize(prob.path, vparams)
            stats = write_candidates(out, result, {"threshold": vparams.threshold, "min_area_m2": vparams.min_area_m2,
                                                   "probability_raster": prob.path,
                                                   "seconds": time.monotonic() - start,
                                                   "parameters": {"processing": True,
                                                                  "device": prob.model["device"]}})
        except TsmError as exc:
            raise QgsProcessingException(error_text(exc)) from exc
        feedback.pushInfo(tr("{found} candidates ({new} new, {updated} updated)").format(
            found=stats.found, new=stats.inserted, updated=stats.updated))
        if len(prob.dates) > 1:
            measure_change_feedback(out, str(prob.path), feedback, token)
        if result.near_nodata_m2:
            feedback.pushInfo(tr("{area:.1f} ha of detections within {margin} px of NoData (scene edges, masked "
                                 "clouds) were left out.").format(area=result.near_nodata_m2 / 1e4,
                                                                  margin=vparams.nodata_margin_px))
        return {self.OUTPUT: out, self.PROBABILITY: str(prob.path), self.COUNT: stats.found,
                self.NEW: stats.inserted}


    def infer(self, params: InferenceParams, parameters, context, feedback, token: CancelToken, model):
        return run_inference(params, _progress_bridge(feedback, token), token, model)


class RunModelOnClusterAlgorithm(RunModelAlgorithm):
    """The same run with its chunks as tasks of a Dask cluster (a scheduler address)."""

    SCHEDULER = "SCHEDULER"

    def name(self) -> str:
        return "runmodelcluster"

    def displayName(self) -> str:  # noqa: N802 - QGIS API
        return tr("Run model on a Dask cluster")

    def shortHelpString(self) -> str:  # noqa: N802 - QGIS API
        return tr("Runs a slump segmentation model like 'Run model on mosaics', with each chunk of the tile grid sent "
                  "as a task to a running Dask scheduler (its workers load the model once each). The mosaics, the "
                  "model and the plugin's cache folder must be on a file system every worker sees at the same paths. "
                  "Needs Dask: pip install \"dask[distributed]\". A run that stopped continues where it stopped.")

    def createInstance(self) -> RunModelOnClusterAlgorithm:  # noqa: N802 - QGIS API
        return RunModelOnClusterAlgorithm()

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 - QGIS API
        super().initAlgorithm(config)
        self.addParameter(QgsProcessingParameterString(
            self.SCHEDULER, tr("Dask scheduler address (tcp://HOST:PORT)"),
            defaultValue=settings.load().cluster_address or None))

    def infer(self, params: InferenceParams, parameters, context, feedback, token: CancelToken, model):
        address = check_address(self.parameterAsString(parameters, self.SCHEDULER, context))
        feedback.pushInfo(tr("Sending the chunks to the Dask scheduler at {address}").format(address=address))
        return run_on_scheduler(params, address, _progress_bridge(feedback, token), token, model)


class VectorizeAlgorithm(QgsProcessingAlgorithm):
    PROB, THRESHOLD, MIN_AREA, BAND, OUTPUT, COUNT = "PROB", "THRESHOLD", "MIN_AREA", "BAND", "OUTPUT", "COUNT"

    def name(self) -> str:
        return "vectorize"

    def displayName(self) -> str:  # noqa: N802 - QGIS API
        return tr("Vectorise probability raster")

    def group(self) -> str:
        return tr("Inference")

    def groupId(self) -> str:  # noqa: N802 - QGIS API
        return "inference"

    def shortHelpString(self) -> str:  # noqa: N802 - QGIS API
        return tr("Turns a probability raster written by a model run into candidate polygons with a new threshold "
                  "and minimum area, without running the model again.")

    def createInstance(self) -> VectorizeAlgorithm:  # noqa: N802 - QGIS API
        return VectorizeAlgorithm()

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 - QGIS API
        self.addParameter(QgsProcessingParameterFile(self.PROB, tr("Probability raster"),
                                                     fileFilter=tr("Probability raster (*.vrt *.tif *.tiff)")))
        self.addParameter(QgsProcessingParameterNumber(self.THRESHOLD, tr("Probability threshold"),
                                                       NUMBER_DOUBLE, 0.5, minValue=0.01,
                                                       maxValue=0.99))
        self.addParameter(QgsProcessingParameterNumber(self.MIN_AREA, tr("Minimum area in m²"),
                                                       NUMBER_DOUBLE, 900, minValue=0))
        self.addParameter(QgsProcessingParameterEnum(self.BAND, tr("Band for several dates"), BANDS, defaultValue=0))
        self.addParameter(QgsProcessingParameterFileDestination(self.OUTPUT, tr("Candidates GeoPackage"),
                                                                tr("GeoPackage (*.gpkg)")))
        self.addOutput(QgsProcessingOutputNumber(self.COUNT, tr("Candidates found")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        out = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        vparams = VectorizeParams(threshold=self.parameterAsDouble(parameters, self.THRESHOLD, context),
                                  min_area_m2=self.parameterAsDouble(parameters, self.MIN_AREA, context),
                                  band=BANDS[self.parameterAsEnum(parameters, self.BAND, context)])
        try:
            result = vectorize(self.parameterAsFile(parameters, self.PROB, context), vparams)
            if feedback.isCanceled():
                return {}
            stats = write_candidates(out, result, {"threshold": vparams.threshold, "min_area_m2": vparams.min_area_m2,
                                                   "parameters": {"processing": True, "vectorize_only": True}})
        except TsmError as exc:
            raise QgsProcessingException(error_text(exc)) from exc
        feedback.setProgress(100)
        return {self.OUTPUT: out, self.COUNT: stats.found}
