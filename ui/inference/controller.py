"""Connects the inference dock to the engine: validation, one QgsTask per run, result layers,
live re-vectorisation, and errors as message-bar text with the fix (details in the log)."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

from qgis.core import Qgis, QgsApplication, QgsProject
from qgis.PyQt.QtCore import QObject, pyqtSignal
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QMessageBox, QTextBrowser, QVBoxLayout

from ...adapters import settings
from ...adapters.i18n import plural, tr
from ...adapters.layers import aoi_of, extent_of, keep_beside, show_candidates, show_probability, style_years_alike
from ...adapters.messages import error_text, localize
from ...adapters.tasks import EngineTask
from ...core.about import PLUGIN_DIR
from ...core.engine.bands import parse_band_map
from ...core.engine.cluster import check_address, run_on_scheduler
from ...core.engine.fit import band_order, bundled_models, domain_key, fit_findings
from ...core.engine.inference import InferenceParams, run_inference
from ...core.engine.masks import inspect_mask
from ...core.engine.models import LoadedModel, load_model
from ...core.engine.raster import MosaicSpec, crs_label, inspect_mosaic, working_crs
from ...core.engine.vectorize import VectorizeParams, vectorize
from ...core.errors import Cancelled, TsmError
from ...core.store.candidates import file_crs, write_candidates
from ..widgets import disconnect
from .dock import AREA_LAYER, AREA_VIEW, PROJECT_SCOPE, RUN_CLUSTER, InferenceDock, RunRequest

LOGGER = logging.getLogger("thaw_slump_mapper.inference")


def measure_change_after(gpkg: str, prob_path, dates: list[str], cancel) -> str:
    """After a run over two or more dates: how each candidate changed (core.change), in the same
    task. A run the change cannot be measured for (mosaics labelled without dates) still succeeds;
    the returned line, for the status and the log, says why it was not measured."""
    if len(dates) < 2:
        return ""
    from ...core.change.update import update_change

    try:
        summary = update_change(gpkg, prob_path, cancel=cancel)
    except Cancelled:  # the candidates are written: only the change is left for later
        return tr("Change over time not measured (cancelled); 'Measure change over time' in the Processing "
                  "toolbox measures it.")
    except TsmError as exc:  # e.g. mosaics labelled without dates
        LOGGER.info("change over time not measured: %s", exc.problem)
        return tr("Change over time not measured: {problem}").format(problem=localize(exc.problem))
    return plural(summary.measured, tr("Change of {n} candidate over {dates} dates measured."),
                  tr("Change of {n} candidates over {dates} dates measured.")).format(
        n=summary.measured, dates=len(summary.dates))


def mosaic_summary(info) -> str:
    """The check column's first line in the interface language, e.g. '4 bands B,G,R,N · 16-bit SR ·
    3.0 m · EPSG:32603' (core's describe_mosaic says the same in English for the command line)."""
    words = {"sr16": tr("16-bit SR"), "uint8": tr("8-bit"), "reflectance": tr("reflectance 0-1"),
             "float255": tr("0-255 values (float)")}[domain_key(info)]
    return tr("{count} bands {order} · {domain} · {res:.1f} m · {crs}").format(
        count=info.count, order=band_order(info), domain=words, res=info.res, crs=crs_label(info.crs))


class InferenceController(QObject):
    candidates_written = pyqtSignal(str)  # the GeoPackage a run just wrote (the review dock opens it)

    def __init__(self, iface, dock: InferenceDock) -> None:
        super().__init__(dock)
        self.iface, self.dock = iface, dock
        self.project = QgsProject.instance()
        self.task: EngineTask | None = None
        self.models: dict[str, tuple[tuple[float, str, str], LoadedModel | TsmError]] = {}
        self.last: dict | None = None  # the last successful run: probability raster, run id, gpkg, band
        dock.run_requested.connect(self.run)
        dock.cancel_requested.connect(self.cancel)
        dock.rethreshold_requested.connect(self.revectorize)
        dock.add_model_requested.connect(self.add_model)
        dock.model_card_requested.connect(self.show_model_card)
        dock.model_changed.connect(self._validate_if_shown)
        dock.runtime_changed.connect(self._runtime_changed)
        dock.mosaics_changed.connect(self._validate_if_shown)
        dock.natural_colour_requested.connect(self.natural_colour_now)
        dock.visibilityChanged.connect(self._validate_if_shown)
        self._styled_for: tuple = ()  # the ticked layers last put in natural colour
        self._project_signals = (self.project.layersAdded, self.project.layersRemoved, self.project.readProject,
                                 self.project.cleared)
        for signal in self._project_signals:
            signal.connect(self.refresh)
        self.project.readProject.connect(self._project_changed)
        self.project.cleared.connect(self._project_changed)
        prefs = settings.load()
        dock.set_tuning(False, prefs.threshold, prefs.min_area_m2)
        dock.set_runtime(prefs.backend)
        self.refresh_models()
        self.refresh()
        dock.restore_run_choices(self.project)

    def unload(self) -> None:
        self.dock.release_layers()
        disconnect(self._project_signals, self.refresh)
        disconnect((self.project.readProject, self.project.cleared), self._project_changed)
        if self.task is not None:
            self.task.cancel()

    # --- state shown in the dock ---------------------------------------------------------------
    def _project_changed(self, *_) -> None:
        self.last = None  # the threshold slider must not re-vectorise another project's run
        self.dock.reset_for_project(self.project)
        self.dock.restore_run_choices(self.project)  # its model, area and tuning, as it was left

    def refresh(self, *_) -> None:
        self.dock.refresh_layers(self.project)
        if not self.dock.output.filePath():
            self.dock.output.setFilePath(self.dock.default_output(self.project))
        self._validate_if_shown()

    def _validate_if_shown(self, *_) -> None:
        # loading a model takes a moment: not while QGIS starts with the dock hidden
        if self.dock.isVisible():
            self.validate()

    def refresh_models(self, select: str = "") -> None:
        prefs = settings.load()
        paths = [str(p) for p in bundled_models(PLUGIN_DIR / "models")]
        paths += [p for p in prefs.user_models if p not in paths]
        labels = [(f"{Path(p).parent.name}/{Path(p).name}" if str(PLUGIN_DIR) in p else Path(p).name, p)
                  for p in paths]
        self.dock.set_models(labels, select or self.dock.model_path())

    def _runtime_changed(self, backend: str) -> None:
        """The dock's runtime is the setting's (the options page shows the same); the model is loaded
        again on that runtime and its line says which runs it."""
        settings.save(replace(settings.load(), backend=backend))
        self._validate_if_shown()

    def model(self, path: str) -> LoadedModel:
        """Load (once per file version) and cache; a failure is cached too and re-raised."""
        mtime = Path(path).stat().st_mtime if Path(path).exists() else -1.0
        prefs = settings.load()
        version = (mtime, prefs.device, prefs.backend)  # a new backend in the options loads it again
        cached = self.models.get(path)
        if cached is None or cached[0] != version:
            try:
                # not timed here (the interface thread): a choice measured by tsm or Processing is used
                value: LoadedModel | TsmError = load_model(path, prefs.device, prefs.backend, measure=False)
            except TsmError as exc:
                value = exc
            self.models[path] = (version, value)
            cached = self.models[path]
        if isinstance(cached[1], TsmError):
            raise cached[1]
        return cached[1]

    def validate(self, *_) -> bool:
        self.dock.set_runtime(settings.load().backend)  # the options page may have changed it
        path = self.dock.model_path()
        if not path:
            self.dock.set_model_summary(tr("No model yet: add an ONNX or Torch model file."))
            self.dock.set_fit([], True)
            return False
        try:
            model = self.model(path)
        except TsmError as exc:
            self.dock.set_model_summary("")
            self.dock.set_fit([error_text(exc)], False)
            return False
        spec = model.spec
        self.dock.set_model_summary(tr("{name} {version}: bands {bands}, {gsd} m, tile {tile} px; runs on "
                                       "{device}").format(name=spec.name, version=spec.version,
                                                          bands=", ".join(spec.bands), gsd=spec.gsd_m,
                                                          tile=spec.tile_size, device=model.backend.device))
        try:
            band_map = parse_band_map(self.dock.band_map.text()) if self.dock.band_map.text().strip() else None
        except TsmError as exc:
            self.dock.set_fit([error_text(exc)], False)
            return False
        ok, problems, styled = True, [], []
        for layer_id, file, date, mask in self.dock.selected_mosaics():
            try:
                info = inspect_mosaic(MosaicSpec(file, date))
                if mask:
                    inspect_mask(mask)
            except TsmError as exc:
                self.dock.set_check(layer_id, error_text(exc), False)
                ok = False
                continue
            styled.append((layer_id, {**info.band_map, **(band_map or {})}))  # as the run will read them
            findings = [(level, localize(m)) for level, m in fit_findings(spec, info, band_map)]
            errors = [m for level, m in findings if level == "error"]
            ok &= not errors
            shown = "".join(f"\n{m}" for level, m in findings if level != "info")
            self.dock.set_check(layer_id, mosaic_summary(info) + shown, not errors,
                                tooltip="\n".join([mosaic_summary(info)] + [m for _, m in findings]))
            problems += errors
        self.dock.set_fit(problems, ok)
        self._natural_colour(styled)
        return ok

    def _natural_colour(self, ticked: list[tuple[str, dict]], force: bool = False) -> None:
        """Ticked mosaics in natural colour with one stretch across the years, once per change of
        the ticked set (or on request); layers the user styled are left alone unless asked."""
        # the ticked set and their band roles: a band mapping typed in later (a Sentinel-2 stack in
        # R,G,B order) restyles them
        key = tuple(sorted((layer_id, tuple(sorted((roles or {}).items()))) for layer_id, roles in ticked))
        if not force and key == self._styled_for:
            return
        self._styled_for = key
        layers = [(self.project.mapLayer(layer_id), roles) for layer_id, roles in ticked]
        style_years_alike([(layer, roles) for layer, roles in layers if layer is not None], force=force)

    def natural_colour_now(self) -> None:
        try:
            override = parse_band_map(self.dock.band_map.text()) if self.dock.band_map.text().strip() else {}
        except TsmError:
            override = {}
        ticked = []
        for layer_id, file, date, _ in self.dock.selected_mosaics():
            try:
                ticked.append((layer_id, {**inspect_mosaic(MosaicSpec(file, date)).band_map, **override}))
            except TsmError:
                continue
        self._natural_colour(ticked, force=True)

    # --- actions -------------------------------------------------------------------------------
    def add_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.iface.mainWindow(), tr("Add a model"), "",
                                              tr("Models (*.onnx *.pt *.pth *.ts *.torchscript *.ckpt)"))
        if path:
            self.add_model_path(path)

    def add_model_path(self, path: str) -> None:
        prefs = settings.load()
        if path not in prefs.user_models:
            settings.save(replace(prefs, user_models=(*prefs.user_models, path)))
        self.refresh_models(select=path)

    def show_model_card(self, path: str) -> None:
        dialog = QDialog(self.iface.mainWindow())
        dialog.setWindowTitle(tr("Model card"))
        layout = QVBoxLayout(dialog)
        browser = QTextBrowser()
        try:
            model = self.model(path)
            spec = model.spec
            card = Path(path).with_name("MODEL_CARD.md")
            text = card.read_text(encoding="utf-8") if card.is_file() else (spec.model_card or tr("No model card."))
            facts = tr("**{name} {version}** — {architecture}\n\n- input bands: {bands} ({domain}, "
                       "normalisation {norm})\n- pixel size: {gsd} m, tile {tile} px\n- classes: {classes}; "
                       "slumps = {rts}\n- sha256: `{sha}`\n\n---\n\n").format(
                name=spec.name, version=spec.version, architecture=spec.architecture, bands=", ".join(spec.bands),
                domain=spec.value_domain, norm=spec.normalization.kind, gsd=spec.gsd_m, tile=spec.tile_size,
                classes=", ".join(spec.classes), rts=spec.classes[spec.rts_class], sha=model.sha256)
            browser.setMarkdown(facts + text)
        except TsmError as exc:
            browser.setPlainText(error_text(exc))
        layout.addWidget(browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(640, 520)
        dialog.exec()

    def _message(self, text: str, level=Qgis.MessageLevel.Info, detail: str = "") -> None:
        bar = self.iface.messageBar()
        seconds = 0 if level == Qgis.MessageLevel.Critical else 8
        if detail:
            bar.pushMessage(tr("Thaw Slump Mapper"), text, detail, level, seconds)
        else:
            bar.pushMessage(tr("Thaw Slump Mapper"), text, level, seconds)

    def run(self, request: RunRequest) -> EngineTask | None:
        if self.task is not None:
            self._message(tr("A run is already going; cancel it or wait."), Qgis.MessageLevel.Warning)
            return None
        if not request.mosaics:
            self._message(tr("No mosaic is ticked. Tick the PlanetScope mosaics in the inference panel."),
                          Qgis.MessageLevel.Warning)
            return None
        if not request.model_path:
            self._message(tr("No model is chosen. Add a model file with 'Add model…'."), Qgis.MessageLevel.Warning)
            return None
        try:
            model = self.model(request.model_path)
            band_map = tuple(sorted(parse_band_map(request.band_map).items())) if request.band_map else ()
        except TsmError as exc:
            self._message(error_text(exc), Qgis.MessageLevel.Critical)
            return None
        gpkg = request.output_gpkg or self.dock.default_output(self.project) or self._ask_output()
        if not gpkg:
            self._message(tr("Choose where the candidates go (a GeoPackage), or save the project first."),
                          Qgis.MessageLevel.Warning)
            return None
        reproject = False
        try:
            existing = file_crs(gpkg)
            infos = [inspect_mosaic(MosaicSpec(path, date)) for _, path, date, _ in request.mosaics]
            run_crs = working_crs(infos[0])
        except TsmError as exc:
            self._message(error_text(exc), Qgis.MessageLevel.Critical)
            return None
        crss = list(dict.fromkeys(info.crs for info in infos))
        # a time series across a UTM zone border (Sentinel-2 tiles of two zones): warped onto one grid when
        # the user agrees, never silently
        if len(crss) > 1 and not self._ask_warp(crss):
            return None
        warp = len(crss) > 1
        if existing is not None and existing != run_crs:
            choice = self._ask_other_crs(gpkg, existing, run_crs)
            if choice == "cancel":
                return None
            if choice == "new":
                stem = Path(gpkg).stem
                gpkg = str(Path(gpkg).with_name(f"{stem}_{crs_label(run_crs).replace(':', '')}.gpkg"))
                self.dock.output.setFilePath(gpkg)
            reproject = choice == "reproject"
        extent, aoi = None, None
        if request.area == AREA_VIEW:
            canvas = self.iface.mapCanvas()
            extent = extent_of(canvas.extent(), canvas.mapSettings().destinationCrs())
        elif request.area == AREA_LAYER:
            layer = self.project.mapLayer(request.area_layer_id) if request.area_layer_id else None
            if layer is None:
                self._message(tr("No area layer is chosen. Add a polygon layer of the study area or corridor and "
                                 "choose it under Area."), Qgis.MessageLevel.Warning)
                return None
            try:
                aoi = aoi_of(layer)
            except TsmError as exc:
                self._message(error_text(exc), Qgis.MessageLevel.Critical)
                return None
        prefs = settings.load()
        address = ""
        if request.where == RUN_CLUSTER:
            try:
                address = check_address(prefs.cluster_address)
            except TsmError as exc:
                self._message(error_text(exc), Qgis.MessageLevel.Warning)
                return None
        params = InferenceParams(
            mosaics=tuple(MosaicSpec(path, date, band_map, mask=mask) for _, path, date, mask in request.mosaics),
            model_path=request.model_path, extent=extent, cache_dir=prefs.cache_dir,
            batch_size=prefs.batch_size, device=prefs.device, backend=prefs.backend,
            cache_limit_mb=prefs.cache_limit_mb, aoi=aoi, allow_reproject=warp)
        vparams = VectorizeParams(threshold=request.threshold, min_area_m2=request.min_area_m2,
                                  band="mean" if len(request.mosaics) > 1 else request.mosaics[0][2] or "mean")

        def work(progress, cancel):
            start = time.monotonic()
            if address:
                prob = run_on_scheduler(params, address, progress, cancel, model)
            else:
                prob = run_inference(params, progress, cancel, model)
            cancel.check()
            result = vectorize(prob.path, vparams)
            cancel.check()
            stats = write_candidates(gpkg, result, {
                "threshold": vparams.threshold, "min_area_m2": vparams.min_area_m2, "probability_raster": prob.path,
                "extent": [*list(prob.grid.bounds), prob.grid.crs.to_string()],
                "aoi": aoi.label if aoi is not None else "",
                "seconds": time.monotonic() - start, "parameters": {"batch_size": params.batch_size,
                                                                    "band": vparams.band, "cached": prob.cached,
                                                                    "cluster": address}},
                reproject=reproject)
            change = measure_change_after(gpkg, prob.path, list(prob.dates), cancel)
            return {"prob": prob, "stats": stats, "gpkg": gpkg, "band": result.band, "change": change,
                    "seconds": time.monotonic() - start, "near_nodata_m2": result.near_nodata_m2,
                    "margin": vparams.nodata_margin_px}

        task = EngineTask(tr("Thaw slump inference"), work, describe_tiles=True)
        task.tiles.connect(self.dock.set_progress)
        task.succeeded.connect(lambda out: self._run_done(out, request))
        task.failed.connect(self._failed)
        task.cancelled.connect(self._cancelled)
        self.task = task
        self.dock.set_running(True)
        self.dock.set_status(tr("Sending the chunks to the Dask scheduler at {address}…").format(address=address)
                             if address else tr("Running on {device}…").format(device=model.backend.device))
        QgsApplication.taskManager().addTask(task)
        return task

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _run_done(self, out: dict, request: RunRequest) -> None:
        self.task = None
        self.dock.set_running(False)
        prob, stats = out["prob"], out["stats"]
        show_candidates(self.project, out["gpkg"])
        if request.add_probability:
            show_probability(self.project, keep_beside(str(prob.path), out["gpkg"]), prob.band_index(out["band"]))
        self.last = {"prob": str(prob.path), "run_id": stats.run_id, "gpkg": out["gpkg"], "band": out["band"],
                     "dates": list(prob.dates)}
        self.project.writeEntry(PROJECT_SCOPE, "candidates", out["gpkg"])  # this project's candidates file
        self.candidates_written.emit(out["gpkg"])
        self.dock.set_tuning(True)
        summary = plural(stats.found,
                         tr("{found} candidate ({new} new, {updated} updated) in {seconds:.1f} s on {device}."),
                         tr("{found} candidates ({new} new, {updated} updated) in {seconds:.1f} s on {device}."))
        summary = summary.format(
            found=stats.found, new=stats.inserted, updated=stats.updated, seconds=out["seconds"],
            device=prob.model["device"])
        if out.get("near_nodata_m2"):
            summary += " " + tr("{area:.1f} ha of detections within {margin} px of NoData (scene edges, masked "
                                "clouds) were left out.").format(area=out["near_nodata_m2"] / 1e4, margin=out["margin"])
        if out.get("change"):
            summary += " " + out["change"]
        self.dock.set_finished(tr("done"))
        self.dock.set_status(summary + (" " + tr("Probabilities came from the cache.") if prob.cached else ""))
        self._message(summary, Qgis.MessageLevel.Success)

    def _failed(self, message: str, detail: str) -> None:
        self.task = None
        self.dock.set_running(False)
        self.dock.set_finished(tr("failed"))
        self.dock.set_status(message)
        self._message(message, Qgis.MessageLevel.Critical, detail)

    def _cancelled(self) -> None:
        self.task = None
        self.dock.set_running(False)
        self.dock.set_finished(tr("cancelled"))
        self.dock.set_status(tr("Cancelled; no candidates were written. Finished chunks are kept: running the "
                                "same area again continues where this run stopped."))
        self._message(tr("Run cancelled; nothing was written."), Qgis.MessageLevel.Info)

    def revectorize(self, threshold: float, min_area: float) -> EngineTask | None:
        if self.last is None or self.task is not None:
            return None
        last = dict(self.last)
        vparams = VectorizeParams(threshold=threshold, min_area_m2=min_area, band=last["band"])

        def work(progress, cancel):
            start = time.monotonic()
            result = vectorize(last["prob"], vparams)
            stats = write_candidates(last["gpkg"], result, {
                "threshold": threshold, "min_area_m2": min_area, "probability_raster": last["prob"],
                "seconds": time.monotonic() - start, "parameters": {"band": last["band"], "vectorize_only": True}},
                replace_run_id=last["run_id"])
            # new outlines: their change is measured again (a multi-date run)
            change = measure_change_after(last["gpkg"], last["prob"], last.get("dates", []), cancel)
            return {"stats": stats, "seconds": time.monotonic() - start, "change": change}

        def done(out):
            self.task = None
            self.last["run_id"] = out["stats"].run_id
            show_candidates(self.project, last["gpkg"])
            self.dock.set_status(plural(out["stats"].found,
                                        tr("{found} candidate at threshold {threshold:.2f} and {area:.0f} m² "
                                           "({seconds:.1f} s)."),
                                        tr("{found} candidates at threshold {threshold:.2f} and {area:.0f} m² "
                                           "({seconds:.1f} s).")).format(found=out["stats"].found,
                                                                         threshold=threshold, area=min_area,
                                                                         seconds=out["seconds"])
                                 + (" " + out["change"] if out.get("change") else ""))

        task = EngineTask(tr("Thaw slump re-vectorisation"), work)
        task.succeeded.connect(done)
        task.failed.connect(self._failed)
        task.cancelled.connect(self._cancelled)
        self.task = task
        QgsApplication.taskManager().addTask(task)
        return task

    # --- asking the user -----------------------------------------------------------------------
    def _ask_output(self) -> str:
        path, _ = QFileDialog.getSaveFileName(self.iface.mainWindow(), tr("Candidates GeoPackage of this project"),
                                              str(Path.home() / "candidates.gpkg"), tr("GeoPackage (*.gpkg)"))
        if path and not path.lower().endswith(".gpkg"):
            path += ".gpkg"
        if path:
            self.dock.output.setFilePath(path)
        return path

    def _ask_warp(self, crss: list) -> bool:
        """Whether mosaics in several CRSs may be warped onto the first one's grid for this run."""
        box = QMessageBox(self.iface.mainWindow())
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("Thaw Slump Mapper"))
        box.setText(tr("The ticked mosaics are in {n} coordinate systems ({crss}); the pixels of all dates must "
                       "line up.").format(n=len(crss), crss=", ".join(crs_label(c) for c in crss)))
        box.setInformativeText(tr("They can be warped onto the first one's grid ({crs}) for this run, on the fly "
                                  "(bilinear), or you can warp them yourself first (Raster ▸ Projections ▸ Warp)."
                                  ).format(crs=crs_label(crss[0])))
        warp = box.addButton(tr("Warp onto one grid"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(warp)
        box.exec()
        return box.clickedButton() is warp

    def _ask_other_crs(self, gpkg: str, existing, run_crs) -> str:
        """'new', 'reproject' or 'cancel' for a run whose CRS differs from the file's."""
        box = QMessageBox(self.iface.mainWindow())
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("Thaw Slump Mapper"))
        box.setText(tr("{file} holds candidates in {file_crs}, but this run is in {run_crs}.").format(
            file=Path(gpkg).name, file_crs=crs_label(existing), run_crs=crs_label(run_crs)))
        box.setInformativeText(tr("Another area is best kept in its own file. Reprojecting into this file is "
                                  "possible, but distorts outlines far from its zone."))
        new = box.addButton(tr("Write to a new file"), QMessageBox.ButtonRole.AcceptRole)
        reproject = box.addButton(tr("Reproject into this file"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(new)
        box.exec()
        return {id(new): "new", id(reproject): "reproject"}.get(id(box.clickedButton()), "cancel")
