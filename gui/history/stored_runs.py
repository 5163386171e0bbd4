"""What the window does with stored runs: open, overlay, compare, import and export them.

Reads and writes that can take a while (a long run, a big recording) run on the
:class:`gui.history.run_loader.RunLoader` thread; their results are shown back on the GUI
thread by asyncio tasks, so the window never freezes. Every failure goes to the one error
sink (:mod:`gui.errors`); every success says what was done in a notice. The widgets it
fills are handed to it (:class:`StoredRuns`); it reaches into nothing else.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from engine.claims.evidence import differences, not_comparable_msg
from engine.core.events import GpuSample, Phase, Sample, StepStats, TelemetryStatus
from engine.session.devices import DevicesReport
from engine.session.store.db import RunRecord
from engine.session.store.export import export_csv, export_json
from engine.session.store.recording import RecordingError, export_recording, import_recording
from gui import errors
from gui.compare.compare_view import CompareView
from gui.history.history_view import HistoryView
from gui.history.run_loader import (
    LoadedRun,
    RunLoader,
    is_language_model,
    load_overlay,
    load_stored,
)
from gui.live.live_plots import LivePlots
from gui.run_controller import RunController
from gui.tasks import Tasks
from gui.widgets import file_dialogs
from gui.widgets.run_text import mode_text, run_description, when_text
from gui.widgets.words import said

log = logging.getLogger(__name__)
CHUNK = 2000
"""Events fed to the plots between two returns to the event loop when opening a run."""


class StoredRuns(QObject):
    """Stored-run actions of one window (reached from History and the File menu).

    Args:
        store: The run store (``None`` when it could not be opened).
        loader: Reads off the GUI thread.
        tasks: Where its asyncio tasks live.
        controller: Says whether a run is in progress (stored data waits for it).
        live, compare, history: The tabs it fills.
        show: Brings a tab to the front.
        devices: What NVML found (the Live tab's GPU notes after stored data is closed).
        dialog_parent: The parent of file dialogs.

    Signals:
        loaded(): An open or an overlay has been drawn (or has failed).
    """

    loaded = Signal()

    def __init__(self, store: Any, loader: RunLoader, tasks: Tasks, controller: RunController,
                 live: LivePlots, compare: CompareView, history: HistoryView,
                 show: Callable[[QWidget], None], devices: DevicesReport,
                 dialog_parent: QWidget | None = None) -> None:
        super().__init__(dialog_parent)
        self.store = store
        self._loader = loader
        self._tasks = tasks
        self._controller = controller
        self._live = live
        self._compare = compare
        self._history = history
        self._show = show
        self._devices = devices
        self._parent = dialog_parent

    def make_room(self) -> bool:
        """Before stored runs are drawn: stop a replay; refuse (and say so) during a run."""
        if self._controller.replaying:
            self._controller.replay.stop()
        if self._controller.running:
            errors.report(
                self.tr("A run is in progress; stored runs are shown when it has ended."),
                self.tr("Stop the run, or wait for it to end, then open the runs again."))
            return False
        return True

    # -- naming ----------------------------------------------------------------------
    def label(self, rec: RunRecord) -> str:
        """A name for legends and titles: ``"#3 mlp training · cpu · 03-01 14:05"``."""
        if rec.name:
            return f"#{rec.id} {rec.name}"
        where = rec.device_name if rec.device.startswith("cuda") and rec.device_name else (
            rec.device)
        return f"#{rec.id} {rec.model} {mode_text(rec.mode)} · {where} · " + when_text(
            rec.started_unix_s)[5:]

    @staticmethod
    def short_label(rec: RunRecord) -> str:
        """The name inside a plot's legend: ``"#3 mlp training"`` or ``"#3 <name>"``."""
        if rec.name:
            return f"#{rec.id} {rec.name}"
        return f"#{rec.id} {rec.model} {mode_text(rec.mode)}"

    def _need_store(self) -> bool:
        if self.store is None:
            errors.report(
                self.tr("There is no run store, so there are no stored runs."),
                self.tr("The banner shown at start says why; start Trainfer with --data-dir "
                        "pointing to a folder you can write to."),
            )
            return False
        return True

    # -- into the live plots ---------------------------------------------------------
    def open_runs(self, run_ids: list[int]) -> asyncio.Task[None] | None:
        """Show stored runs in the live plots, as they were recorded; returns the task.

        Two runs of one model in the two modes show side by side, like live runs.
        """
        if not run_ids or not self._need_store() or not self.make_room():
            return None
        return self._tasks.spawn(self._open(list(run_ids)))

    async def _open(self, run_ids: list[int]) -> None:
        try:
            runs = await self._loader.run(load_stored, self.store, run_ids)
        except KeyError as exc:
            self._missing(exc)
            return
        except Exception as exc:  # noqa: BLE001 - a read failure goes to the one handler
            self._failed_read(exc)
            return
        live = self._live
        live.clear()
        for run in runs:
            await self._feed(run)
        live.refresh()
        live.set_x_note(self.tr("x: seconds since the stored run started"))
        live.source_banner.show_stored("   ·   ".join(
            run_description(self.label(r.record), r.record.mode, r.record.device,
                            r.record.device_name, r.record.started_unix_s)
            for r in runs
        ))
        self._show(live)
        self.loaded.emit()

    async def _feed(self, run: LoadedRun) -> None:
        live = self._live
        rec = run.record
        live.begin_run(rec.mode, rec.model, is_language_model(rec.model, run.events), 0.0)
        for i, (_rel, ev) in enumerate(run.events):
            if isinstance(ev, Sample):
                live.add_sample(ev)
            elif isinstance(ev, GpuSample):
                live.add_gpu_sample(ev)
            elif isinstance(ev, StepStats):
                live.add_step(ev)
            elif isinstance(ev, Phase):
                live.add_phase(ev)
            elif isinstance(ev, TelemetryStatus):
                live.set_telemetry_status(ev)
            if i % CHUNK == CHUNK - 1:
                await asyncio.sleep(0)  # let the window paint and take clicks

    def overlay_runs(self, run_ids: list[int]) -> asyncio.Task[None] | None:
        """Draw several stored runs on the same plots, aligned at their start."""
        if not self._need_store():
            return None
        if len(run_ids) < 2:
            errors.report(
                self.tr("Select at least two runs to overlay."),
                self.tr("Hold Ctrl or Shift to select several runs in History."),
            )
            return None
        if not self.make_room():
            return None
        try:
            records = {i: self.store.get(i) for i in run_ids}
        except KeyError as exc:
            self._missing(exc)
            return None
        labels = {i: (self.label(r), self.short_label(r)) for i, r in records.items()}
        return self._tasks.spawn(self._overlay(list(run_ids), labels))

    async def _overlay(self, run_ids: list[int], labels: dict[int, tuple[str, str]]) -> None:
        try:
            runs = await self._loader.run(
                load_overlay, self.store, run_ids,
                lambda rec: labels[rec.id][0], lambda rec: labels[rec.id][1],
            )
        except KeyError as exc:
            self._missing(exc)
            return
        except Exception as exc:  # noqa: BLE001
            self._failed_read(exc)
            return
        live = self._live
        live.clear()
        live.show_overlay(runs)
        live.source_banner.show_overlay(
            self.tr("{0} stored runs, aligned at their start").format(len(runs))
        )
        self._show(live)
        self.loaded.emit()

    def clear_view(self) -> None:
        """Remove stored data from the live plots (the source strip's close button)."""
        self._live.clear()
        self._live.source_banner.hide_banner()
        self._live.set_gpu_available(self._devices.available, said(self._devices.msg))

    # -- compare ---------------------------------------------------------------------
    def compare_runs(self, train_id: int, infer_id: int) -> bool:
        """Fill the Compare tab with a stored training run and a stored inference run."""
        if not self._need_store():
            return False
        try:
            train_rec, infer_rec = self.store.get(train_id), self.store.get(infer_id)
            train, infer = train_rec.summary, infer_rec.summary
            if train is None or infer is None:
                raise ValueError(self.tr("a run without a summary cannot be compared"))
            label = self.tr("stored runs {0} vs {1}").format(
                self.short_label(train_rec), self.short_label(infer_rec))
            unlike = differences(train, infer) if train.model == infer.model else []
            if unlike:  # said before the table opens, and marked in every affected row
                errors.notify(not_comparable_msg(train, infer, unlike), self.tr(
                    "The rows that compare the two runs are marked not comparable; run both "
                    "modes with the same settings to compare them."))
            self._compare.show_pair(train, infer, label)
        except KeyError as exc:
            self._missing(exc)
            return False
        except (TypeError, ValueError) as exc:
            errors.report(
                self.tr("Could not compare these runs: {0}").format(exc),
                self.tr("Select one training run and one inference run of the same model, "
                        "both completed or stopped."),
            )
            return False
        self._show(self._compare)
        return True

    # -- recordings ------------------------------------------------------------------
    def import_with_dialog(self) -> asyncio.Task[None] | None:
        """Ask for a recording and add its runs to the store."""
        if not self._need_store():
            return None
        path = file_dialogs.ask_open_recording(self._parent, self.tr("Import recording"))
        return self.import_recording(path) if path else None

    def import_recording(self, path: str | Path) -> asyncio.Task[None] | None:
        """Add the runs of recording ``path`` to the store and show them in History."""
        if not self._need_store():
            return None
        return self._tasks.spawn(self._import(Path(path)))

    async def _import(self, path: Path) -> None:
        try:
            added, skipped = await self._loader.run(import_recording, self.store, path)
        except (RecordingError, OSError) as exc:
            errors.report(
                self.tr("Could not import {0}: {1}").format(
                    path.name, said(getattr(exc, "msg", None), str(exc))),
                self.tr("Choose a .trainfer file saved by Trainfer (File → Export runs as "
                        "recording…)."),
            )
            return
        except Exception as exc:  # noqa: BLE001 - e.g. a full disk while writing the store
            log.exception("import failed")
            errors.report(
                self.tr("Could not import {0}: {1}").format(path.name, exc),
                self.tr("Check free disk space and the data directory."),
            )
            return
        history = self._history
        history.filter_edit.clear()
        history.refresh()
        history.select_ids(added)
        self._show(history)
        message = self.tr("Imported {0} run(s) from {1}.").format(len(added), path.name)
        hint = (self.tr("{0} run(s) were already here and were skipped.").format(len(skipped))
                if skipped else "")
        errors.notify(message, hint)

    def export_recording_with_dialog(self, run_ids: list[int]) -> asyncio.Task[None] | None:
        """Ask where, then save runs ``run_ids`` as one recording."""
        if not self._need_store():
            return None
        if not run_ids:
            self._show(self._history)
            errors.report(
                self.tr("Select the runs to export in History first."),
                self.tr("Click a run, or hold Ctrl or Shift to select several."),
            )
            return None
        suggested = "trainfer-runs.trainfer" if len(run_ids) > 1 else (
            f"trainfer-run-{run_ids[0]}.trainfer")
        path = file_dialogs.ask_save_recording(self._parent, suggested)
        return self.export_recording(run_ids, path) if path else None

    def export_recording(self, run_ids: list[int], path: str | Path) -> asyncio.Task[None] | None:
        """Save runs ``run_ids`` to recording ``path``, oldest first (the replay order)."""
        if not self._need_store():
            return None
        try:
            ordered = sorted(run_ids, key=lambda i: (self.store.get(i).started_unix_s, i))
        except KeyError as exc:
            self._missing(exc)
            return None
        target = Path(path)
        return self._tasks.spawn(self._write(
            export_recording, (self.store, ordered, target), target,
            self.tr("Saved {0} run(s) to {1}.").format(len(ordered), target),
            self.tr("Open it on another machine with File → Open recording for replay…, or "
                    "`trainfer replay {0}`.").format(target.name)))

    async def _write(self, writer: Callable[..., Any], args: tuple[Any, ...], path: Path,
                     done: str, hint: str = "") -> None:
        """Run ``writer(*args)`` on the loader thread; say ``done`` or what went wrong."""
        try:
            await self._loader.run(writer, *args)
        except KeyError as exc:
            self._missing(exc)
            return
        except OSError as exc:
            self._cannot_write(path, exc)
            return
        errors.notify(done, hint)

    # -- run data --------------------------------------------------------------------
    def export_run_data_with_dialog(self, run_id: int, fmt: str) -> asyncio.Task[None] | None:
        """Ask where, then save run ``run_id``'s data as ``"csv"`` or ``"json"``."""
        if not self._need_store():
            return None
        path = file_dialogs.ask_save_run_data(self._parent, fmt, f"trainfer-run-{run_id}.{fmt}")
        return self.export_run_data(run_id, fmt, path) if path else None

    def export_run_data(self, run_id: int, fmt: str, path: str | Path) -> asyncio.Task[None] | None:
        """Save run ``run_id``'s data to ``path`` as ``"csv"`` or ``"json"``."""
        if not self._need_store():
            return None
        target = Path(path)
        writer = export_csv if fmt == "csv" else export_json
        return self._tasks.spawn(self._write(
            writer, (self.store, run_id, target), target,
            self.tr("Saved run {0}'s data to {1}.").format(run_id, target)))

    # -- errors ----------------------------------------------------------------------
    def _missing(self, exc: KeyError) -> None:
        self._history.refresh()
        errors.report(
            self.tr("Run {0} is no longer in the store.").format(exc.args[0] if exc.args else "?"),
            self.tr("It was deleted, perhaps from the command line; the list is refreshed."),
        )

    def _failed_read(self, exc: Exception) -> None:
        log.exception("reading stored runs failed", exc_info=exc)
        errors.report(
            self.tr("Could not read the stored runs: {0}").format(exc),
            self.tr("The store may be damaged; `trainfer runs list` shows what it holds."),
        )
        self.loaded.emit()

    def _cannot_write(self, path: Path, exc: OSError) -> None:
        errors.report(
            self.tr("Could not write {0}: {1}").format(path, exc),
            self.tr("Choose a folder you can write to."),
        )
