"""The review dock's work with an existing inventory: mark the candidates it already holds as
known (so that the review can show new ones only), and train a model from its polygons."""

from __future__ import annotations

from pathlib import Path

from qgis.core import Qgis

from ...adapters.i18n import score, tr
from ...adapters.layers import inventory_of_features
from ...adapters.messages import error_text, localize
from ...adapters.tasks import EngineTask
from ...core.engine.raster import MosaicSpec, guess_date
from ...core.errors import TsmError
from ...core.progress import Progress
from .inventory_dialog import InventoryDialog


def inventory_from_dialog(dialog: InventoryDialog):
    """The inventory the dialog names (its file, else its layer), or raises TsmError."""
    from ...core.errors import InputError
    from ...core.store.inventory_file import read_inventory

    field = dialog.field.currentField() or None
    value = dialog.value.text().strip() or None
    path = dialog.file.filePath().strip()
    if path:
        return read_inventory(path, negative_field=field, negative_value=value)
    layer = dialog.layer.currentLayer()
    if layer is None:
        raise InputError(tr("No inventory was chosen."), tr("Choose a polygon layer or a file."))
    features = layer.selectedFeatures() if layer.selectedFeatureCount() else layer.getFeatures()
    return inventory_of_features(features, layer.fields(), layer.crs(), layer.name(), field, value)


class InventoryActions:
    def __init__(self, controller) -> None:
        self.c = controller
        dock = controller.dock
        dock.mark_known_requested.connect(self.mark_known)
        dock.train_inventory_requested.connect(self.train_from_inventory)
        dock.new_only.toggled.connect(self._filter_changed)

    def _filter_changed(self, _checked: bool) -> None:
        if self.c.gpkg and self.c.queue:
            self.c.open(self.c.gpkg, self.c.dock.order.currentData())

    def mark_known(self) -> int:
        """Ask for an inventory and mark the open candidates that overlap its slumps."""
        c = self.c
        if not c.gpkg:
            c._message(tr("Open a candidates GeoPackage first."))
            return -1
        dialog = InventoryDialog(c.iface.mainWindow(), tr("Mark candidates already in an inventory"))
        if not dialog.exec():
            return -1
        return self.mark_with(dialog)

    def mark_with(self, dialog: InventoryDialog) -> int:
        from ...core.review.known import mark_known

        c = self.c
        try:
            stats = mark_known(c.gpkg, inventory_from_dialog(dialog))
        except TsmError as exc:
            c._message(error_text(exc), Qgis.MessageLevel.Critical)
            return -1
        c._message(tr("{known} of {total} candidates are already in {source}; {new} are new.").format(
            known=stats.known, total=stats.candidates, source=stats.source, new=stats.new), Qgis.MessageLevel.Success)
        if c.queue:
            c.open(c.gpkg, c.dock.order.currentData())
        return stats.known

    def train_from_inventory(self, steps: int, from_scratch: str) -> EngineTask | None:
        c = self.c
        dialog = InventoryDialog(c.iface.mainWindow(), tr("Train from an inventory"), c.mosaics_source())
        if not dialog.exec():
            return None
        return self.train_with(dialog, steps, from_scratch)

    def train_with(self, dialog: InventoryDialog, steps: int, from_scratch: str) -> EngineTask | None:
        """Chips from the inventory over its mosaics, then the same training as after a review."""
        from ...core.engine.bands import parse_band_map

        c = self.c
        if c.training is not None:
            c._message(tr("A training run is already going."))
            return None
        model_path = c.model_source() if c.model_source is not None else ""
        pth = Path(model_path).with_suffix(".pth") if model_path else None
        # a new network needs only the model's description; fine-tuning needs its weights
        if pth is None or not (pth.exists() or (from_scratch and pth.with_name(pth.name + ".json").exists())):
            c._message(tr("Fine-tuning needs the model's Torch weights (.pth beside the .onnx, as the starter "
                          "model has)."))
            return None
        paths = dialog.chosen_mosaics()
        if not paths:
            c._message(tr("Tick the mosaics the inventory was drawn on."))
            return None
        try:  # every input checked here, before the background task starts
            text = dialog.band_map.text().strip() if dialog.band_map is not None else ""
            bands = tuple(sorted(parse_band_map(text).items())) if text else ()
            inventory = inventory_from_dialog(dialog)
        except TsmError as exc:
            c._message(error_text(exc), Qgis.MessageLevel.Critical)
            return None
        mosaics = [MosaicSpec(p, guess_date(p), bands) for p in paths]
        base = Path(dialog.file.filePath().strip() or paths[0]).parent / f"{Path(inventory.label).stem}_training"
        n = 1
        while (base / f"chips_{n}").exists() or (base / f"model_{n}").exists():
            n += 1  # never into an earlier run's folders
        chips_dir, model_dir = base / f"chips_{n}", base / f"model_{n}"
        last = {"loss": float("nan"), "val": None}

        def work(progress, cancel):
            from ...core.engine.models import load_model
            from ...core.learn.chips import export_inventory_chips
            from ...core.learn.finetune import fine_tune

            spec = load_model(model_path, "cpu", measure=False).spec
            manifest = export_inventory_chips(inventory, mosaics, spec, chips_dir)
            cancel.check()

            def step(done: int, total: int, loss: float) -> None:
                last["loss"] = loss
                progress(Progress(done, total, "training", 0.0))

            result = fine_tune(pth, chips_dir, model_dir, steps=steps, progress=step, cancel=cancel,
                               from_scratch=from_scratch or None,
                               on_validation=lambda _step, iou: last.update(val=iou))
            result["chips"] = manifest["counts"]
            result["inventory"] = manifest["inventory"]
            return result

        return c.start_training_task(tr("Thaw slump training from an inventory"), work, last, self._trained)

    def _trained(self, result: dict) -> None:
        c = self.c
        c.training = None
        c.dock.set_training(False)
        onnx = str(result["paths"]["onnx"])
        if c.on_new_model is not None:
            c.on_new_model(onnx)
        inv = result["inventory"]
        c.dock.train_progress.setFormat(tr("done: {version}").format(version=result["version"]))
        c._message(tr("Model {version} trained from {slumps} slumps of {source} ({outside} polygons outside the "
                      "mosaics left out; validation IoU {after}) and added to the model chooser.").format(
            version=result["version"], slumps=result["chips"]["positive"], source=inv["label"],
            outside=inv["outside_mosaics"], after=score(result["val_iou_after"])), Qgis.MessageLevel.Success)
        if result.get("notice"):
            c._message(localize(result["notice"]), Qgis.MessageLevel.Info)
