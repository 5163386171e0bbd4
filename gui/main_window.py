"""The main window: experiment panel, banner, Live, Compare, History and Experiments tabs.

It owns the :class:`engine.session.session.Session` (which records every run in the store) and
wires the bridge's signals to the widgets. Starting, stopping and closing never block for
long: ``Session.start`` spawns the run process and returns, ``Session.stop`` only asks,
and events arrive through the asyncio task of :class:`gui.bridge.EventBridge`.

A replay (:class:`engine.session.store.replay.Replay`) goes through the same bridge and slots as
a live run, so it fills the same plots and the Compare tab; the Live tab's source strip
marks it (:class:`gui.live.replay_control.ReplayControl`). Stored runs opened, overlaid,
compared, imported or exported from History are handled by
:class:`gui.history.stored_runs.StoredRuns`. Guided experiments (several runs each) run from the
Experiments tab (:class:`gui.experiments.experiments_view.ExperimentsView`) in a worker thread, with
sessions of their own that record into the same store; a run and an experiment never run
at the same time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.core.catalog import CATALOG
from engine.core.config import ConfigError, RunConfig
from engine.core.events import (
    Failed,
    Notice,
    Phase,
    Sample,
    Started,
    StepStats,
    Summary,
    TelemetryStatus,
)
from engine.core.resources import resources_dir
from engine.session.devices import DevicesReport, list_devices
from engine.session.handover import TrainedWeights
from engine.session.session import Session
from engine.session.store.db import Store
from engine.session.store.replay import ReplaySource
from gui.bridge import EventBridge
from gui.compare.compare_view import CompareView
from gui.experiments.experiments_view import ExperimentsView
from gui.history.history_view import HistoryView
from gui.history.run_loader import RunLoader
from gui.history.stored_runs import StoredRuns
from gui.live.live_plots import LivePlots
from gui.live.replay_control import ReplayControl
from gui.live.source_banner import SPEEDS, speed_text
from gui.run_panel import ExperimentPanel
from gui.run_status import ACTIVE_STATES, RunStatusBar
from gui.widgets.message_banner import MessageBanner

log = logging.getLogger(__name__)
T = TypeVar("T")

PHASE_STATES = {"build": "building", "warmup": "warmup", "measure": "measuring"}
DEMO_NAME = "demo.trainfer"


def demo_recording_path() -> Path | None:
    """The demo recording shipped in ``resources/``, if there is one."""
    try:
        path = resources_dir() / DEMO_NAME
    except FileNotFoundError:
        return None
    return path if path.is_file() else None


def demo_device(path: Path) -> str:
    """Where the demo's runs were recorded, in words, or ``""`` when the file cannot say.

    ``"an NVIDIA H200"``, ``"a CPU (AMD EPYC)"``.
    """
    from engine.session.store.recording import RecordingError, read_recording

    try:
        runs = read_recording(path)
    except (RecordingError, OSError):
        return ""
    gpus = sorted({r.get("device_name") or "GPU" for r in runs
                   if str(r.get("device", "")).startswith("cuda")})
    if gpus:
        return _tr_window("an {0}").format(" and ".join(gpus))
    cpus = sorted({r.get("device_name") or "" for r in runs} - {""})
    return _tr_window("a CPU ({0})").format(", ".join(cpus)) if cpus else _tr_window("a CPU")


def _tr_window(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class MainWindow(QMainWindow):
    """Trainfer's window.

    Args:
        session: The engine session to run with; ``None`` makes one that records into
            ``store``.
        devices: What NVML found; ``None`` asks :func:`engine.session.devices.list_devices`.
        nvml: NVML wrapper for the session and the device list (a fake in tests).
        store: The run store (History, recordings); ``None`` takes the session's, and
            without one runs are not kept.

    Signals:
        state_changed(str): The run state (see :data:`gui.run_status.STATES`).
        run_finished(): A run's event stream ended (after Summary, Failed, or Stop).
        error_shown(str, str): ``(message, hint)`` shown by :meth:`report_error`.
        replay_started(): A replayed run began (one per run of a replay).
        replay_finished(): A replay ended: its last run played, or Stop was pressed.
    """

    state_changed = Signal(str)
    run_finished = Signal()
    error_shown = Signal(str, str)
    replay_started = Signal()
    replay_finished = Signal()

    def __init__(
        self,
        session: Session | None = None,
        devices: DevicesReport | None = None,
        nvml: Any = None,
        store: Store | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Trainfer — training vs inference"))
        self.devices = devices if devices is not None else list_devices(nvml)
        if store is None and session is not None:
            store = session.store
        self.store = store
        self.session = session if session is not None else Session(nvml=nvml, store=store)
        self.bridge = EventBridge(self)
        self.loader = RunLoader()
        self.trained = TrainedWeights()  # inference after training predicts with its weights
        self._cfg: RunConfig | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._mode: str | None = None
        self._model: str | None = None
        self._t0: float | None = None
        self._started: Started | None = None
        self._closed = False

        self.panel = ExperimentPanel(self.devices)
        self.banner = MessageBanner()
        self.live = LivePlots(on_error=self.report_error)
        self.compare = CompareView(on_error=self.report_error)
        self.history = HistoryView(self.store, on_error=self.report_error)
        self.experiments = ExperimentsView(
            self.devices, store=self.store,
            session_factory=lambda: Session(nvml=nvml, store=self.store),
            on_error=self.report_error, is_busy=self._busy_for_experiment,
            trained=self.trained,
        )
        self.stored = StoredRuns(self)
        self.replay = ReplayControl(self)
        self.replay.started.connect(self.replay_started)
        self.replay.finished.connect(self.replay_finished)
        self.replay.speed_changed.connect(self._show_replay_speed)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.addTab(self.live, self.tr("Live"))
        self.tabs.addTab(self.compare, self.tr("Compare"))
        self.tabs.addTab(self.history, self.tr("History"))
        self.tabs.addTab(self.experiments, self.tr("Experiments"))
        self.status = RunStatusBar()
        self.setStatusBar(self.status)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.panel)
        scroll.setMinimumWidth(300)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.tabs, 1)
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([350, 1250])
        self.setCentralWidget(splitter)
        self.resize(1600, 1000)

        self.panel.start_requested.connect(self.start_run)
        self.panel.stop_requested.connect(self.stop_run)
        self.panel.model_changed.connect(self.compare.set_model)
        self.panel.device_changed.connect(lambda _d: self._show_planned_device())
        self.banner.shown.connect(self.error_shown)
        self.bridge.started.connect(self._on_started)
        self.bridge.phase.connect(self._on_phase)
        self.bridge.step.connect(self._on_step)
        self.bridge.sample.connect(self._on_sample)
        self.bridge.telemetry.connect(self._on_telemetry)
        self.bridge.summary.connect(self._on_summary)
        self.bridge.failed.connect(self._on_failed)
        self.bridge.notice.connect(self._on_notice)
        self.bridge.finished.connect(self._on_finished)

        self.experiments.finished.connect(lambda _r: self.history.refresh())
        self.experiments.finished.connect(lambda _r: self._show_trained())
        self.experiments.compare_requested.connect(self.show_pair_in_compare)
        self.experiments.notice.connect(self.banner.show_info)
        self.experiments.running_changed.connect(self._on_experiment_running)
        history = self.history
        history.open_requested.connect(self.stored.open_runs)
        history.overlay_requested.connect(self.stored.overlay_runs)
        history.compare_requested.connect(self.stored.compare_runs)
        history.replay_requested.connect(self.replay_runs)
        history.export_data_requested.connect(self.stored.export_run_data_with_dialog)
        history.export_recording_requested.connect(self.stored.export_recording_with_dialog)
        history.import_requested.connect(self.stored.import_with_dialog)
        history.deleted.connect(self._on_deleted)
        self.tabs.currentChanged.connect(
            lambda _i: self.history.refresh() if self.tabs.currentWidget() is history else None
        )
        source = self.live.source_banner
        source.stop_clicked.connect(self.replay.stop)
        source.close_clicked.connect(self.stored.clear_view)
        source.speed_changed.connect(self.set_replay_speed)
        self._build_menus()

        self.live.set_gpu_available(self.devices.available, self.devices.message)
        self._seed_compare()
        self.compare.set_model(self.panel.model_id)
        self._show_planned_device()
        self.set_state("idle")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self.actions_by_name: dict[str, QAction] = {}

        def add(menu: Any, name: str, text: str, slot: Any, shortcut: Any = None) -> QAction:
            action = QAction(text, self)
            action.setObjectName(name)
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(lambda _checked=False: slot())
            menu.addAction(action)
            self.actions_by_name[name] = action
            return action

        add(file_menu, "open_recording", self.tr("Open recording for replay…"),
            self.replay.play_file_with_dialog, QKeySequence.Open)
        add(file_menu, "import_recording", self.tr("Import recording…"),
            self.stored.import_with_dialog, QKeySequence("Ctrl+I"))
        add(file_menu, "export_recording", self.tr("Export selected runs as recording…"),
            lambda: self.stored.export_recording_with_dialog(self.history.selected_ids()),
            QKeySequence("Ctrl+E"))
        file_menu.addSeparator()
        add(file_menu, "export_dashboard", self.tr("Export dashboard as PNG…"),
            self.live.export_dashboard_with_dialog, QKeySequence("Ctrl+Shift+E"))
        file_menu.addSeparator()
        add(file_menu, "quit", self.tr("Quit"), self.close, QKeySequence.Quit)

        replay_menu = bar.addMenu(self.tr("&Replay"))
        speed_menu = replay_menu.addMenu(self.tr("Speed"))
        self._speed_group = QActionGroup(self)
        for speed in SPEEDS:
            action = QAction(speed_text(speed), self, checkable=True)
            action.setData(speed)
            action.setChecked(speed == self.replay.speed())
            action.triggered.connect(lambda _c=False, s=speed: self.set_replay_speed(s))
            self._speed_group.addAction(action)
            speed_menu.addAction(action)
        add(replay_menu, "stop_replay", self.tr("Stop replay"), self.replay.stop)

    # -- the one error handler -------------------------------------------------------
    def report_error(self, message: str, hint: str = "", field: str | None = None) -> None:
        """Show an error and what to do about it; every failure in the GUI ends here.

        Args:
            message: What happened.
            hint: What to change.
            field: The setting at fault, outlined in the experiment panel.
        """
        log.warning("error shown: %s (%s)", message, hint)
        self.banner.show_error(message, hint)
        if field:
            self.panel.highlight_field(field)

    def spawn(self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Run ``coro`` as an asyncio task the window cancels when it closes."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _cancel_tasks(self) -> bool:
        """Cancel background tasks; returns whether any was still running."""
        pending = [task for task in self._tasks if not task.done()]
        for task in pending:
            task.cancel()
        return bool(pending)

    def cancel_other_tasks(self) -> None:
        """Cancel background tasks except the one calling (a replay that has loaded)."""
        try:
            current = asyncio.current_task()
        except RuntimeError:
            current = None
        for task in list(self._tasks):
            if task is not current:
                task.cancel()

    @property
    def closed(self) -> bool:
        """True once the window has shut down."""
        return self._closed
    # -- run control -----------------------------------------------------------------
    @property
    def state(self) -> str:
        """The run state (see :data:`gui.run_status.STATES`)."""
        return self.status.state

    @property
    def running(self) -> bool:
        """True from Start until the run's events have ended (a replay counts)."""
        return self.bridge.active or self.state in ACTIVE_STATES or self.replaying

    @property
    def replaying(self) -> bool:
        """True from the start of a replay until its last run has played or it is stopped."""
        return self.replay.active

    def start_run(self) -> bool:
        """Start the run the panel describes; returns False (and reports why) if it can't."""
        if self.running:
            return False
        if self.experiments.running:
            self.report_error(
                self.tr("An experiment is running; its runs would compete with this one."),
                self.tr("Stop the experiment in the Experiments tab, or wait for it to end."),
            )
            return False
        if self._cancel_tasks():  # a stored run still being drawn gives way
            self.live.clear()
            self.live.source_banner.hide_banner()
        self.banner.clear()
        try:
            cfg = self.trained.prepare(self.panel.config())
            t0 = time.monotonic()
            self.session.start(cfg)
            self._cfg = cfg
        except ConfigError as exc:
            self.report_error(
                exc.message,
                self.tr("Change the “{0}” setting and start again.").format(exc.field),
                exc.field,
            )
            return False
        except Exception as exc:  # noqa: BLE001 - any start failure goes to the one handler
            log.exception("could not start the run")
            self.report_error(
                self.tr("Could not start the run: {0}").format(exc),
                self.tr("Wait for the previous run to end, or restart Trainfer."),
            )
            return False
        self.begin_stream(cfg.mode, cfg.model)
        self._t0 = t0
        info = CATALOG[cfg.model]
        if self.live.source_banner.kind():  # stored data never mixes with a live run
            self.live.clear()
            self.live.source_banner.hide_banner()
        self.live.begin_run(cfg.mode, cfg.model, info.is_language_model, t0)
        self.panel.set_running(True)
        self.set_state("building")
        self.bridge.watch(self.session)
        self.history.refresh()
        return True

    def stop_run(self) -> None:
        """Ask the run to stop (its Summary or Failed still arrives), or stop a replay."""
        if self.replaying:
            self.replay.stop()
            return
        if not self.running:
            return
        again = self.state == "stopping"  # a second Stop ends a long step now
        self.session.stop(now=again)
        grace = self.session.stop_grace_s()
        detail = ""
        if grace > 1.5:  # a long step: say why Stop takes a while, and how to cut it short
            detail = self.tr("after the step in progress, up to {0:.0f} s; press Stop again "
                             "to end it now").format(grace)
        self.set_state("stopping", detail)

    def begin_stream(self, mode: str, model: str) -> None:
        """A run's events are about to arrive (a live run or a replayed one)."""
        self._mode, self._model = mode, model
        self._started = None

    def set_state(self, state: str, detail: str = "") -> None:
        """Show the run state (see :data:`gui.run_status.STATES`) and announce it."""
        if self.replay.current is not None:
            tag = self.tr("replay {0}").format(speed_text(self.replay.speed()))
            detail = f"{tag}, {detail}" if detail else tag
        self.status.set_state(state, self._mode, detail)
        self.state_changed.emit(state)

    def show_planned_device(self) -> None:
        """Show in the status bar the device the next run will use."""
        self._show_planned_device()

    def _show_planned_device(self) -> None:
        device = self.panel.device
        if device == "auto":
            text = (
                self.tr("auto → cuda:0 ({0})").format(self.devices.gpus[0].name)
                if self.devices.available and self.devices.gpus
                else self.tr("auto → CPU (no NVIDIA GPU)")
            )
        else:
            text = self.panel.device_combo.currentText()
        self.status.set_device(text)

    # -- event slots -----------------------------------------------------------------
    def _on_started(self, ev: Started) -> None:
        self._started = ev
        self.status.set_device(f"{ev.device} — {ev.device_name}")

    def _on_phase(self, ev: Phase) -> None:
        self.live.add_phase(ev)
        state = PHASE_STATES.get(ev.name)
        if state is not None and self.state != "stopping":
            self.set_state(state)

    def _on_step(self, ev: StepStats) -> None:
        self.live.add_step(ev)
        info = CATALOG.get(self._model or "")
        if info is not None:
            self.status.show_step(ev, info.sample_unit, info.is_language_model)

    def _on_sample(self, ev: Sample) -> None:
        self.live.add_sample(ev)

    def _on_telemetry(self, ev: TelemetryStatus) -> None:
        self.live.set_telemetry_status(ev)

    def _on_summary(self, ev: Summary) -> None:
        if self.replay.current is None and self._cfg is not None:
            self.trained.record(ev, self._cfg.seed)
            self._show_trained()
        self.compare.add_summary(ev)
        self.set_state("done", self.tr("stopped early") if ev.stopped_early else "")

    def _on_failed(self, ev: Failed) -> None:
        if self.replay.current is not None:  # it failed then, not now: a notice, not an error
            self.set_state("failed", ev.kind)
            self.banner.show_info(
                self.tr("The replayed run failed when it was recorded: {0}").format(ev.message),
                ev.hint,
            )
            return
        if ev.kind == "stopped":
            self.banner.show_info(ev.message, ev.hint)
            self.set_state("stopped")
            return
        self.set_state("failed", ev.kind)
        self.report_error(ev.message, ev.hint, ev.field)

    def _on_notice(self, ev: Notice) -> None:
        self.banner.show_info(ev.message, ev.hint)

    def _on_finished(self) -> None:
        if self.state in ACTIVE_STATES:
            self.set_state("stopped")
        if self.replay.stream_ended():
            return
        self.panel.set_running(False)
        self.history.refresh()
        self.run_finished.emit()

    def _seed_compare(self) -> None:
        """Give the Compare tab the latest stored run of each model and mode.

        After a restart it compares what was measured before rather than saying "not run
        yet"; runs of this session replace them as they end.
        """
        if self.store is None:
            return
        from engine.session.store.codec import decode

        try:
            records = self.store.list_runs()
        except Exception:  # noqa: BLE001 - an unreadable store has been reported already
            return
        latest: dict[tuple[str, str], Any] = {}
        for rec in records:  # newest first
            if rec.summary and rec.status in ("completed", "stopped"):
                latest.setdefault((rec.model, rec.mode), rec)
        for rec in sorted(latest.values(), key=lambda r: r.started_unix_s):
            try:
                self.compare.add_summary(decode("Summary", rec.summary))
            except (TypeError, ValueError, KeyError):
                log.warning("stored run %s has an unreadable summary", rec.id)

    def _show_trained(self) -> None:
        """Tell the panel which models' inference runs will get trained weights."""
        trained = {}
        seed = self._cfg.seed if self._cfg is not None else 0  # the panel has no seed setting
        for model_id in CATALOG:
            s = self.trained.trained_summary(model_id, seed)
            if s is not None:
                loss = f"loss {s.loss_last:.3f}, " if s.loss_last is not None else ""
                trained[model_id] = self.tr("{0}{1} steps").format(
                    loss, s.warmup_steps + s.measured_steps)
        self.panel.set_trained(trained)

    # -- experiments -----------------------------------------------------------------
    def _busy_for_experiment(self) -> str:
        """Why an experiment cannot start now (``""``: it can)."""
        if self.replaying:
            return self.tr("A replay is playing.")
        if self.running:
            return self.tr("A run is in progress; its measurements would compete with the "
                           "experiment's.")
        return ""

    def _on_experiment_running(self, running: bool) -> None:
        if running:
            self.banner.clear()
            self.set_state("experiment", self.tr("{0} — progress in the Experiments tab")
                           .format(self.experiments.experiment))
        else:
            self.set_state("idle")
            self.history.refresh()

    def show_pair_in_compare(self, train: Summary, infer: Summary, label: str) -> None:
        """Show ``train`` beside ``infer`` in the Compare tab and switch to it."""
        try:
            self.compare.show_pair(train, infer, label)
        except ValueError as exc:
            self.report_error(str(exc), self.tr("Compare one training run with one "
                                                "inference run of the same model."))
            return
        self.tabs.setCurrentWidget(self.compare)

    # -- replay ----------------------------------------------------------------------
    def replay_recording(self, path: str | Path, speed: float | None = None) -> asyncio.Task[None]:
        """Replay the runs of recording ``path`` one after another."""
        return self.replay.play_recording(path, speed)

    def replay_runs(self, run_ids: list[int], speed: float | None = None) -> asyncio.Task[None]:
        """Replay stored runs ``run_ids``, oldest first."""
        return self.replay.play_runs(run_ids, speed)

    def replay_sources(self, sources: list[ReplaySource], speed: float | None = None) -> bool:
        """Replay ``sources`` one after another (see :meth:`ReplayControl.play`)."""
        return self.replay.play(sources, speed)

    def stop_replay(self) -> None:
        """End the replay now; the plots keep what was played, marked as a replay."""
        self.replay.stop()

    def set_replay_speed(self, speed: float) -> None:
        """Replay at ``speed`` × real time (the current replay too, from where it is)."""
        self.replay.set_speed(speed)

    def _show_replay_speed(self, speed: float) -> None:
        for action in self._speed_group.actions():
            action.setChecked(action.data() == speed)
        if self.replay.current is not None:
            self.set_state(self.state)

    def make_room_for_stored(self) -> bool:
        """Before stored runs are drawn: stop a replay; refuse (and say so) during a run."""
        if self.replaying:
            self.replay.stop()
        if self.running:
            self.report_error(
                self.tr("A run is in progress; stored runs are shown when it has ended."),
                self.tr("Stop the run, or wait for it to end, then open the runs again."),
            )
            return False
        return True

    # -- history ---------------------------------------------------------------------
    def _on_deleted(self, run_ids: list[int]) -> None:
        self.banner.show_info(
            self.tr("Deleted {0} run(s).").format(len(run_ids)),
            self.tr("They are removed for good when Trainfer closes."),
            action=(self.tr("Undo"), self.history.undo_delete),
        )

    def offer_demo(self) -> bool:
        """On a first start without a GPU, offer the demo recording (a non-modal notice).

        Offered only when NVML finds no GPU, the store holds no runs and the demo
        recording is installed. Returns whether it was offered.
        """
        path = demo_recording_path()
        if path is None or self.devices.available:
            return False
        try:
            if self.store is not None and self.store.list_runs(include_deleted=True):
                return False
        except Exception:  # noqa: BLE001 - an unreadable store has been reported already
            return False
        where = demo_device(path)
        self.banner.show_info(
            self.tr("No NVIDIA GPU was found on this machine."),
            (self.tr("Watch runs recorded on {0}, as they happened, or start a run on the "
                     "CPU.").format(where) if where
             else self.tr("Watch recorded runs, as they happened, or start a run on the CPU.")),
            action=(self.tr("Open demo"), lambda: self.replay_recording(path)),
        )
        return True

    # -- closing ---------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop any run or replay, join the run process and threads, purge deleted runs."""
        if self._closed:
            return
        self._closed = True
        self.live.stop_timer()
        self.replay.shutdown()
        self.experiments.shutdown()
        self.bridge.cancel()
        self._cancel_tasks()
        self.session.close()
        self.trained.close()
        self.loader.shutdown()
        if self.store is not None:
            try:
                purged = self.store.purge()
                if purged:
                    log.info("removed %d deleted run(s) for good", purged)
            except Exception:  # noqa: BLE001 - closing must not fail on a store error
                log.exception("could not purge deleted runs")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Closing the window stops the run and joins everything before it goes."""
        self.shutdown()
        super().closeEvent(event)
