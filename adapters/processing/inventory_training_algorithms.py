"""Processing: training chips from an existing inventory, and marking candidates already in one."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...core.engine.bands import parse_band_map
from ...core.engine.raster import MosaicSpec, guess_date
from ...core.errors import TsmError
from ...core.learn.finetune import ARCHITECTURES
from ...core.preferences import CHIPS
from ..compat import NUMBER_DOUBLE, NUMBER_INTEGER, SOURCE_RASTER, SOURCE_VECTOR_POLYGON
from ..i18n import score, tr
from ..layers import inventory_of_features, raster_file
from ..messages import error_text

INVENTORY, NEGATIVE_FIELD, NEGATIVE_VALUE = "INVENTORY", "NEGATIVE_FIELD", "NEGATIVE_VALUE"


def _inventory_parameters(alg: QgsProcessingAlgorithm, label: str) -> None:
    alg.addParameter(QgsProcessingParameterFeatureSource(INVENTORY, label, [SOURCE_VECTOR_POLYGON]))
    alg.addParameter(QgsProcessingParameterField(
        NEGATIVE_FIELD, tr("Field marking hard negatives (empty: ARTS TrainClass when present)"),
        parentLayerParameterName=INVENTORY, optional=True))
    alg.addParameter(QgsProcessingParameterString(NEGATIVE_VALUE, tr("Value of that field for a negative"),
                                                  optional=True))


def _inventory(alg: QgsProcessingAlgorithm, parameters, context):
    source = alg.parameterAsSource(parameters, INVENTORY, context)
    if source is None:
        raise QgsProcessingException(tr("The inventory layer cannot be read."))
    field = alg.parameterAsString(parameters, NEGATIVE_FIELD, context).strip()
    value = alg.parameterAsString(parameters, NEGATIVE_VALUE, context).strip()
    return inventory_of_features(source.getFeatures(), source.fields(), source.sourceCrs(),
                                 source.sourceName() or tr("inventory"), field or None,
                                 value or None)


class InventoryChipsAlgorithm(QgsProcessingAlgorithm):
    MOSAICS, MODEL, BAND_MAP, CHIP, BACKGROUND, BLOCK, OUTPUT = (
        "MOSAICS", "MODEL", "BAND_MAP", "CHIP", "BACKGROUND", "BLOCK", "OUTPUT")
    STEPS, START = "STEPS", "START"
    POSITIVE, NEGATIVE, OUTSIDE, TRAINED = "POSITIVE", "NEGATIVE", "OUTSIDE", "TRAINED"
    STARTS = ("", *ARCHITECTURES)  # fine-tune, or a new network of that kind

    def name(self) -> str:
        return "inventorychips"

    def displayName(self) -> str:  # noqa: N802 - QGIS API
        return tr("Training chips from an inventory")

    def group(self) -> str:
        return tr("Training and evaluation")

    def groupId(self) -> str:  # noqa: N802 - QGIS API
        return "training"

    def shortHelpString(self) -> str:  # noqa: N802 - QGIS API
        return tr("Turns an existing slump inventory (ARTS GeoJSON, shapefile, GeoPackage or any polygon layer) and "
                  "the mosaics it was drawn on into image and mask chips with a spatial train/validation split: its "
                  "polygons are positives, those with TrainClass = Negative (or the field and value given) hard "
                  "negatives, and background chips are drawn away from every polygon. Polygons outside every mosaic "
                  "are counted and left out. With training steps, the model's Torch weights (.pth beside it) are "
                  "then fine-tuned on the chips, or a new network is trained (its encoder pretrained when the "
                  "weights are installed), and the new model package is written into the chip folder.")

    def createInstance(self) -> InventoryChipsAlgorithm:  # noqa: N802 - QGIS API
        return InventoryChipsAlgorithm()

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 - QGIS API
        _inventory_parameters(self, tr("Inventory (slump polygons)"))
        self.addParameter(QgsProcessingParameterMultipleLayers(self.MOSAICS, tr("Mosaics the inventory was drawn on"),
                                                               SOURCE_RASTER))
        self.addParameter(QgsProcessingParameterFile(self.MODEL, tr("Model the chips are for (bands, pixel size)")))
        self.addParameter(QgsProcessingParameterString(
            self.BAND_MAP, tr("Band mapping, e.g. blue=1,green=2,red=3,nir=4 (empty: defaults)"), optional=True))
        self.addParameter(QgsProcessingParameterNumber(self.CHIP, tr("Chip size (pixels)"),
                                                       NUMBER_INTEGER, CHIPS.chip, minValue=32,
                                                       maxValue=4096))
        self.addParameter(QgsProcessingParameterNumber(self.BACKGROUND, tr("Background chips"),
                                                       NUMBER_INTEGER, CHIPS.background, minValue=0))
        self.addParameter(QgsProcessingParameterNumber(
            self.BLOCK, tr("Examples closer than this stay on one side of the split (m)"), NUMBER_DOUBLE,
            CHIPS.block_m, minValue=1))
        self.addParameter(QgsProcessingParameterNumber(self.STEPS, tr("Training steps (0: chips only)"),
                                                       NUMBER_INTEGER, 0, minValue=0))
        self.addParameter(QgsProcessingParameterEnum(
            self.START, tr("Start from"), [tr("fine-tune the model"), tr("a new UNet"), tr("a new UNet++"),
                                           tr("a new DeepLabV3+")], defaultValue=0))
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT, tr("Chip folder")))
        self.addOutput(QgsProcessingOutputFile(self.TRAINED, tr("Trained model (ONNX)")))
        self.addOutput(QgsProcessingOutputNumber(self.POSITIVE, tr("Positive chips")))
        self.addOutput(QgsProcessingOutputNumber(self.NEGATIVE, tr("Hard-negative chips")))
        self.addOutput(QgsProcessingOutputNumber(self.OUTSIDE, tr("Polygons outside every mosaic")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        from pathlib import Path

        from ...core.engine.models import load_model
        from ...core.learn.chips import export_inventory_chips

        out = self.parameterAsString(parameters, self.OUTPUT, context)
        layers = self.parameterAsLayerList(parameters, self.MOSAICS, context)
        paths = [raster_file(layer) for layer in layers]
        if not paths or not all(paths):
            raise QgsProcessingException(tr("Every mosaic must be a raster file (GeoTIFF); web layers cannot be "
                                            "read by the engine."))
        if (Path(out) / "manifest.json").exists():
            raise QgsProcessingException(tr("{path} already holds training chips: choose a new folder.").format(
                path=out))
        model_path = self.parameterAsFile(parameters, self.MODEL, context)
        steps = self.parameterAsInt(parameters, self.STEPS, context)
        start = self.STARTS[self.parameterAsEnum(parameters, self.START, context)]
        pth = Path(model_path).with_suffix(".pth")
        if steps and not pth.is_file():  # said before any chip is written
            raise QgsProcessingException(tr("Training needs the model's Torch weights ({path}), as the starter model "
                                            "has; set the training steps to 0 for chips only.").format(path=pth))
        try:
            text = self.parameterAsString(parameters, self.BAND_MAP, context).strip()
            bands = tuple(sorted(parse_band_map(text).items())) if text else ()
            inventory = _inventory(self, parameters, context)
            spec = load_model(model_path, "cpu", measure=False).spec
            manifest = export_inventory_chips(
                inventory, [MosaicSpec(p, guess_date(p), bands) for p in paths], spec, out,
                chip=self.parameterAsInt(parameters, self.CHIP, context),
                background=self.parameterAsInt(parameters, self.BACKGROUND, context),
                block_m=self.parameterAsDouble(parameters, self.BLOCK, context))
        except TsmError as exc:
            raise QgsProcessingException(error_text(exc)) from exc
        inv, counts = manifest["inventory"], manifest["counts"]
        feedback.pushInfo(tr("{p} positive, {n} hard-negative and {b} background chips; {o} polygons outside every "
                             "mosaic left out.").format(p=counts["positive"], n=counts["negative"],
                                                        b=counts["background"], o=inv["outside_mosaics"]))
        trained = ""
        if steps:
            trained = self._train(pth, Path(out), steps, start, feedback)
        return {self.OUTPUT: out, self.POSITIVE: counts["positive"], self.NEGATIVE: counts["negative"],
                self.OUTSIDE: inv["outside_mosaics"], self.TRAINED: trained}

    @staticmethod
    def _train(pth, chips, steps: int, start: str, feedback) -> str:
        from ...core.learn.finetune import fine_tune
        from ...core.progress import CancelToken
        from ..messages import localize

        token = CancelToken()

        def progress(done: int, total: int, loss: float) -> None:
            feedback.setProgress(100.0 * done / total)
            if feedback.isCanceled():
                token.cancel()

        try:
            result = fine_tune(pth, chips, chips / "model", steps=steps, progress=progress, cancel=token,
                               from_scratch=start or None,
                               on_notice=lambda text: feedback.pushWarning(localize(text)))
        except TsmError as exc:
            raise QgsProcessingException(error_text(exc)) from exc
        feedback.pushInfo(tr("Model {version}: {path} (validation IoU {after}).").format(
            version=result["version"], path=result["paths"]["onnx"], after=score(result["val_iou_after"])))
        return str(result["paths"]["onnx"])


class MarkKnownAlgorithm(QgsProcessingAlgorithm):
    CANDIDATES, MIN_OVERLAP, KNOWN, NEW = "CANDIDATES", "MIN_OVERLAP", "KNOWN", "NEW"

    def name(self) -> str:
        return "markknown"

    def displayName(self) -> str:  # noqa: N802 - QGIS API
        return tr("Mark candidates already in an inventory")

    def group(self) -> str:
        return tr("Review")

    def groupId(self) -> str:  # noqa: N802 - QGIS API
        return "review"

    def shortHelpString(self) -> str:  # noqa: N802 - QGIS API
        return tr("Marks the candidates that overlap a slump of an existing inventory (ARTS or your own) as known, "
                  "with the inventory's UID in the field known_uid, so that a review can show new candidates only "
                  "and the iteration log counts new slumps apart from known ones.")

    def createInstance(self) -> MarkKnownAlgorithm:  # noqa: N802 - QGIS API
        return MarkKnownAlgorithm()

    def initAlgorithm(self, config=None) -> None:  # noqa: N802 - QGIS API
        self.addParameter(QgsProcessingParameterFile(self.CANDIDATES, tr("Candidates GeoPackage"),
                                                     fileFilter=tr("GeoPackage (*.gpkg)")))
        _inventory_parameters(self, tr("Inventory of known slumps"))
        self.addParameter(QgsProcessingParameterNumber(
            self.MIN_OVERLAP, tr("Share of a candidate that must overlap (0: any overlap)"),
            NUMBER_DOUBLE, 0.0, minValue=0.0, maxValue=0.99))
        self.addOutput(QgsProcessingOutputNumber(self.KNOWN, tr("Known candidates")))
        self.addOutput(QgsProcessingOutputNumber(self.NEW, tr("New candidates")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 - QGIS API
        from ...core.review.known import mark_known

        try:
            stats = mark_known(self.parameterAsFile(parameters, self.CANDIDATES, context),
                               _inventory(self, parameters, context),
                               self.parameterAsDouble(parameters, self.MIN_OVERLAP, context))
        except TsmError as exc:
            raise QgsProcessingException(error_text(exc)) from exc
        feedback.pushInfo(tr("{known} of {total} candidates are already in {source}; {new} are new.").format(
            known=stats.known, total=stats.candidates, source=stats.source, new=stats.new))
        return {self.KNOWN: stats.known, self.NEW: stats.new}
