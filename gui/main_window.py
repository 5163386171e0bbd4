"""The main window: layout, menus and wiring.

The run controller (:class:`gui.run_controller.RunController`) owns the session, the
bridge, the weights hand-over, replays and experiments and the run state; the window
lays out the run panel, the banner, the Live, Compare, History and Experiments tabs and
the status bar, and connects them to the controller's signals and its bridge's. Stored
runs opened, overlaid, compared, imported or exported from History are handled by
:class:`gui.history.stored_runs.StoredRuns`. Every error and notice reaches the banner
through the one error sink (:mod:`gui.errors`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.claims.completion import COMPLETE
from engine.claims.experiment_runner import CaseStarted
from engine.claims.experiments import ExperimentPlan
from engine.core.catalog import CATALOG
from engine.core.config import RunConfig
from engine.core.events import Started, StepStats, Summary
from engine.core.resources import resources_dir
from engine.core.values import number
from engine.session.devices import DevicesReport, list_devices
from engine.session.handover import TrainedWeights
from engine.session.session import Session
from engine.session.store.db import Store
from engine.session.store.replay import ReplaySource
from gui import errors, preferences, window_settings
from gui.compare.compare_view import CompareView
from gui.experiments.experiments_view import ExperimentsView
from gui.history.history_view import HistoryView
from gui.history.run_loader import RunLoader
from gui.history.stored_runs import StoredRuns
from gui.live.live_plots import LivePlots
from gui.live.source_banner import SPEEDS, speed_text
from gui.preferences import LAST_DEVICE, Preferences
from gui.presentation import Presentation
from gui.run_controller import ACTIVE_STATES, RunController, Stream
from gui.run_panel import RunPanel
from gui.run_status import RunStatusBar
from gui.tasks import Tasks
from gui.translation import Context
from gui.widgets import plot_export
from gui.widgets.message_banner import MessageBanner
from gui.widgets.words import said, words

log = logging.getLogger(__name__)

DEMO_NAME = "demo.trainfer"


def demo_recording_path() -> Path | None:
    """The demo recording shipped in ``resources/``, if there is one."""
    try:
        path = resources_dir() / DEMO_NAME
    except FileNotFoundError:
        return None
    return path if path.is_file() else None


Demo = Context("Demo")
"""Translation context of this module's texts outside a QObject."""


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
        return Demo.tr("an {0}").format(Demo.tr(" and ").join(gpus))
    cpus = sorted({r.get("device_name") or "" for r in runs} - {""})
    return Demo.tr("a CPU ({0})").format(", ".join(cpus)) if cpus else Demo.tr("a CPU")


def standard_keys(key: QKeySequence.StandardKey, fallback: str) -> list[QKeySequence]:
    """The platform's keys for the standard action ``key``, or ``fallback`` where it has none.

    Some platforms bind no key to a standard action (Quit has none on Windows or under
    Qt's offscreen platform); the menu then still offers the usual one.
    """
    return QKeySequence.keyBindings(key) or [QKeySequence(fallback)]


def initial_size(available: QSize | None) -> tuple[int, int]:
    """The window's first size: 1600x1000, or what the screen has (a 1280x720 projector).

    Args:
        available: The screen's available geometry (without panels), or ``None``.
    """
    width, height = 1600, 1000
    if available is None or available.isEmpty():
        return width, height
    return min(width, available.width()), min(height, available.height())


class MainWindow(QMainWindow):
    """Trainfer's window.

    Args:
        session: The engine session to run with; ``None`` makes one that records into
            ``store``.
        devices: What NVML found; ``None`` asks :func:`engine.session.devices.list_devices`.
        nvml: NVML wrapper for the session and the device list (a fake in tests).
        store: The run store (History, recordings); ``None`` takes the session's, and
            without one runs are not kept.
        settings: Where the window remembers its geometry, tab and run panel between
            starts (:mod:`gui.window_settings`): restored here, saved on close; and the
            user's preferences (:mod:`gui.preferences`), saved when Preferences' OK is
            pressed. ``None`` remembers nothing (tests, scripts).
        prefs: The preferences, already read by the app; ``None`` reads them from
            ``settings``.
        parent: Qt parent.

    Attributes:
        data_dir_winner: What chose the data folder over the preference this session
            (``"--data-dir"``, ``"TRAINFER_DATA_DIR"``), said in Preferences; the app sets it.

    Signals:
        state_changed(str): The run state (see :data:`gui.run_controller.STATES`).
        run_finished(): A run's event stream ended (after Summary, Failed, or Stop).
        error_shown(str, str): ``(message, hint)`` of an error shown in the banner.
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
        settings: QSettings | None = None,
        prefs: Preferences | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Trainfer — training vs inference"))
        self.devices = devices if devices is not None else list_devices(nvml)
        if store is None and session is not None:
            store = session.store
        self.store = store
        self.loader = RunLoader()
        self.tasks = Tasks()
        self.controller = RunController(
            session if session is not None else Session(nvml=nvml, store=store),
            self.devices, self.loader, self.tasks, self)
        self._closed = False
        self._settings = settings
        self._last_config: RunConfig | None = None

        self.panel = RunPanel(self.devices)
        self.banner = MessageBanner()
        self.live = LivePlots()
        self.compare = CompareView()
        self.history = HistoryView(self.store)
        self.experiments = ExperimentsView(self.devices, self.controller)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.addTab(self.live, self.tr("Live"))
        self.tabs.addTab(self.compare, self.tr("Compare"))
        self.tabs.addTab(self.history, self.tr("History"))
        self.tabs.addTab(self.experiments, self.tr("Experiments"))
        self.stored = StoredRuns(self.store, self.loader, self.tasks, self.controller,
                                 self.live, self.compare, self.history,
                                 self.tabs.setCurrentWidget, self.devices, self)
        self.status = RunStatusBar()
        self.setStatusBar(self.status)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.panel)
        # Wide enough for the panel's labels in the interface language (Portuguese ones are
        # longer): the panel never scrolls sideways, so a narrower one would cut them off.
        panel_w = max(300, self.panel.minimumSizeHint().width()
                      + scroll.verticalScrollBar().sizeHint().width())
        scroll.setMinimumWidth(panel_w)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side_panel = scroll  # hidden in presentation mode
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.banner)
        self.presentation = Presentation(self)
        right_layout.addWidget(self.presentation.cards)
        right_layout.addWidget(self.tabs, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("main_splitter")
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([max(350, panel_w), 1250])
        self.setCentralWidget(splitter)
        screen = QGuiApplication.primaryScreen()
        self.resize(*initial_size(screen.availableGeometry().size() if screen else None))

        self._wire()
        self._build_menus()
        self.live.set_gpu_available(self.devices.available, said(self.devices.msg))
        self._seed_compare()
        self.compare.set_model(self.panel.model_id)
        self._show_planned_device()
        self.status.set_state("idle")
        if settings is not None:
            window_settings.restore(settings, self)
        self.data_dir_winner = preferences.data_dir_overridden()
        self.preferences = prefs if prefs is not None else preferences.load(
            settings, self._device_ids())
        if self.preferences.device not in (LAST_DEVICE, *self._device_ids()):
            log.warning("settings: preferences/device = %r is not a device of this machine; "
                        "using the one used last", self.preferences.device)
            self.preferences = dataclasses.replace(self.preferences, device=LAST_DEVICE)
        self._apply_preferences(self.preferences, None)

    # -- preferences -----------------------------------------------------------------
    def _device_ids(self) -> tuple[str, ...]:
        combo = self.panel.device_combo
        return tuple(str(combo.itemData(i)) for i in range(combo.count()))

    def show_preferences(self) -> Any:
        """Open File ▸ Preferences (window-modal, returns at once); returns the dialog.

        OK saves and applies what it says (:meth:`set_preferences`); Cancel drops it.
        """
        from engine.session.store.db import default_data_dir
        from gui.preferences_dialog import PreferencesDialog

        combo = self.panel.device_combo
        devices = [(str(combo.itemData(i)), combo.itemText(i)) for i in range(combo.count())]
        dialog = PreferencesDialog(self.preferences, devices, str(default_data_dir()),
                                   self.data_dir_winner, self._settings is not None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.set_preferences(dialog.preferences()))
        dialog.open()
        return dialog

    def set_preferences(self, prefs: Preferences) -> None:
        """Keep ``prefs`` (written to the settings now) and apply what applies at once.

        The sampling rate reaches the next run, the plot history and the export defaults
        apply now, a new device is selected; the language and the data folder apply at
        the next start, which a notice says when they changed.
        """
        before = self.preferences
        self.preferences = prefs
        preferences.save(self._settings, prefs)
        self._apply_preferences(prefs, before)
        if (prefs.language, prefs.data_dir) != (before.language, before.data_dir):
            errors.notify(self.tr("The new language or data folder applies at the next "
                                  "start of Trainfer."))

    def _apply_preferences(self, prefs: Preferences, before: Preferences | None) -> None:
        """Apply ``prefs`` (``before``: the ones replaced; ``None`` when the window opens)."""
        self.session.sample_hz = float(prefs.sample_hz)
        self.live.set_history_window(prefs.history_s)
        plot_export.set_export_defaults(prefs.png_width, prefs.export_format)
        if prefs.device != LAST_DEVICE and (before is None or before.device != prefs.device):
            self.panel.set_device(prefs.device)
            self.experiments.set_device(prefs.device)
            self._show_planned_device()

    # -- the run process -------------------------------------------------------------
    def keep_run_process_ready(self) -> None:
        """From now on keep a run process ready for the selected model.

        The app calls it once the window is painted; tests that need no run process do not.
        """
        self._keeping_ready = True
        self.controller.keep_ready(self.panel.model_id)

    def _keep_ready_for(self, model_id: str) -> None:
        if getattr(self, "_keeping_ready", False):
            self.controller.keep_ready(model_id)

    # -- wiring ----------------------------------------------------------------------
    def _wire(self) -> None:
        c, bridge = self.controller, self.controller.bridge
        sink = errors.sink()
        sink.error.connect(self._show_error)
        sink.notice.connect(self._show_notice)
        self.panel.start_requested.connect(self.start_run)
        self.panel.stop_requested.connect(self.stop_run)
        self.panel.model_changed.connect(self.compare.set_model)
        self.panel.model_changed.connect(lambda _m: self.presentation.refresh())
        self.panel.model_changed.connect(self._keep_ready_for)
        self.panel.device_changed.connect(lambda _d: self._show_planned_device())
        c.state_changed.connect(self._on_state)
        c.stream_started.connect(self._on_stream)
        c.finished.connect(self._on_finished)
        c.trained_changed.connect(self._show_trained)
        c.replay_started.connect(self.replay_started)
        c.replay_finished.connect(self.replay_finished)
        c.replay.began.connect(lambda _n: self._on_replay_began())
        c.replay.finished.connect(self._on_replay_finished)
        c.speed_changed.connect(self._show_replay_speed)
        c.experiment_finished.connect(lambda _r: self.history.refresh())
        self.compare.completion_requested.connect(self.complete_comparison)
        c.experiment_finished.connect(
            lambda r: self.compare.end_completion(r) if r.name == COMPLETE else None)
        c.experiment_running.connect(
            lambda on: None if on else self.compare.end_completion(None))
        c.experiment_running.connect(lambda on: self._sync_run_actions(on or None))
        c.case_started.connect(self._on_case_started)
        bridge.started.connect(self._on_started)
        bridge.phase.connect(self.live.add_phase)
        bridge.step.connect(self._on_step)
        bridge.sample.connect(self.live.add_sample)
        bridge.gpu_sample.connect(self.live.add_gpu_sample)
        bridge.telemetry.connect(self.live.set_telemetry_status)
        bridge.summary.connect(self._on_summary)
        self.experiments.compare_requested.connect(self.show_pair_in_compare)
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
        source.stop_clicked.connect(c.replay.stop)
        source.close_clicked.connect(self.stored.clear_view)
        source.speed_changed.connect(self.set_replay_speed)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.actions_by_name: dict[str, QAction] = {}

        def add(menu: Any, name: str, text: str, slot: Any, *shortcuts: Any) -> QAction:
            action = QAction(text, self)
            action.setObjectName(name)
            if shortcuts:
                action.setShortcuts(list(shortcuts))
            action.triggered.connect(lambda _checked=False: slot())
            menu.addAction(action)
            self.actions_by_name[name] = action
            return action

        file_menu = bar.addMenu(self.tr("&File"))
        add(file_menu, "open_recording", self.tr("Open recording for replay…"),
            self.play_file_with_dialog, *standard_keys(QKeySequence.StandardKey.Open, "Ctrl+O"))
        add(file_menu, "import_recording", self.tr("Import recording…"),
            self.stored.import_with_dialog, QKeySequence("Ctrl+I"))
        add(file_menu, "export_recording", self.tr("Export selected runs as recording…"),
            lambda: self.stored.export_recording_with_dialog(self.history.selected_ids()),
            QKeySequence("Ctrl+E"))
        file_menu.addSeparator()
        add(file_menu, "export_dashboard", self.tr("Export dashboard as PNG…"),
            self.live.export_dashboard_with_dialog, QKeySequence("Ctrl+Shift+E"))
        file_menu.addSeparator()
        prefs = add(file_menu, "preferences", self.tr("&Preferences…"), self.show_preferences,
                    *standard_keys(QKeySequence.StandardKey.Preferences, "Ctrl+,"))
        prefs.setMenuRole(QAction.MenuRole.PreferencesRole)
        file_menu.addSeparator()
        add(file_menu, "quit", self.tr("&Quit"), self.close,
            *standard_keys(QKeySequence.StandardKey.Quit, "Ctrl+Q"))

        view_menu = bar.addMenu(self.tr("&View"))
        self._tab_group = QActionGroup(self)
        for index, name in enumerate(window_settings.TAB_NAMES):
            action = add(view_menu, f"tab_{name}", self.tabs.tabText(index),
                         lambda i=index: self.tabs.setCurrentIndex(i),
                         QKeySequence(f"Ctrl+{index + 1}"))
            action.setCheckable(True)
            action.setChecked(index == self.tabs.currentIndex())
            self._tab_group.addAction(action)
        self.tabs.currentChanged.connect(self._show_tab_in_menu)
        view_menu.addSeparator()
        present = add(view_menu, "presentation", self.tr("&Presentation"),
                      self.presentation.toggle, QKeySequence("F11"))
        present.setCheckable(True)
        self.presentation.changed.connect(present.setChecked)
        every_gpu: QAction = add(view_menu, "every_gpu", self.tr("Every &GPU of the machine"),
                                 lambda: self.live.show_all_gpus(
                                     self.actions_by_name["every_gpu"].isChecked()))
        every_gpu.setCheckable(True)
        every_gpu.setToolTip(self.tr("Draw the GPUs the run does not use too (another job "
                                     "on them explains a slow run)"))

        run_menu = bar.addMenu(self.tr("&Run"))
        add(run_menu, "start_run", self.tr("&Start"), self.start_run, QKeySequence("F5"))
        # Escape stops too, but only while a run is active: the action is disabled otherwise.
        add(run_menu, "stop_run", self.tr("S&top"), self.stop_run,
            QKeySequence("Shift+F5"), QKeySequence(Qt.Key.Key_Escape))
        add(run_menu, "run_again", self.tr("Run &again"), self.run_again,
            QKeySequence("Ctrl+F5"))
        run_menu.addSeparator()
        speed_menu = run_menu.addMenu(self.tr("Replay speed"))
        self._speed_group = QActionGroup(self)
        for speed in SPEEDS:
            action = QAction(speed_text(speed), self, checkable=True)
            action.setData(speed)
            action.setChecked(speed == self.controller.replay.speed())
            action.triggered.connect(lambda _c=False, s=speed: self.set_replay_speed(s))
            self._speed_group.addAction(action)
            speed_menu.addAction(action)
        add(run_menu, "stop_replay", self.tr("Stop replay"), self.stop_replay)

        help_menu = bar.addMenu(self.tr("&Help"))
        add(help_menu, "shortcuts", self.tr("&Keyboard shortcuts"), self.show_shortcuts)
        about = add(help_menu, "about", self.tr("&About Trainfer"), self.show_about)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        self._sync_run_actions()

    def tab_widget(self, name: str) -> QWidget:
        """The page of tab ``name`` (one of :data:`gui.window_settings.TAB_NAMES`)."""
        page = self.tabs.widget(window_settings.TAB_NAMES.index(name))
        assert page is not None  # the four tabs exist from the constructor on
        return page

    def _show_tab_in_menu(self, index: int) -> None:
        if 0 <= index < len(window_settings.TAB_NAMES):
            self.actions_by_name[f"tab_{window_settings.TAB_NAMES[index]}"].setChecked(True)

    def _sync_run_actions(self, running: bool | None = None) -> None:
        """Start and Run again while nothing runs; Stop (and so Escape) while something does.

        Args:
            running: Whether something runs; ``None`` asks the controller. The end of a
                run's events passes False: the bridge is still inside its task then.
        """
        if not hasattr(self, "actions_by_name"):
            return  # a state announced before the menus exist
        running = self.running if running is None else running
        self.actions_by_name["start_run"].setEnabled(not running)
        self.actions_by_name["stop_run"].setEnabled(running)
        self.actions_by_name["run_again"].setEnabled(
            not running and self._last_config is not None)
        self.actions_by_name["stop_replay"].setEnabled(running and self.replaying)

    # -- Help ------------------------------------------------------------------------
    def show_shortcuts(self) -> Any:
        """Open Help ▸ Keyboard shortcuts (non-modal); returns the dialog."""
        from gui.help.shortcuts import ShortcutsDialog, shortcut_rows

        rows = shortcut_rows(self.actions_by_name.values()) + self.presentation.key_rows()
        dialog = ShortcutsDialog(rows, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_about(self) -> Any:
        """Open Help ▸ About (non-modal); returns the dialog."""
        from gui.help.about import AboutDialog

        data_dir = self.store.data_dir if self.store is not None else None
        dialog = AboutDialog(self.devices, data_dir, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    # -- errors and notices (the sink's receivers) -----------------------------------
    def report_error(self, message: Any, hint: Any = "", field: str | None = None) -> None:
        """Show an error and what to do about it (through the one error sink)."""
        errors.report(message, hint, field)

    def _show_error(self, message: str, hint: str, field: str) -> None:
        self.banner.show_error(message, hint)
        if field:
            self.panel.highlight_field(field)
        self.error_shown.emit(message, hint)

    def _show_notice(self, message: str, hint: str, action: Any) -> None:
        self.banner.show_info(message, hint, action=action)

    # -- run control -----------------------------------------------------------------
    @property
    def session(self) -> Session:
        """The engine session every run goes through."""
        return self.controller.session

    @property
    def trained(self) -> TrainedWeights:
        """The weights the next inference run of each model starts from."""
        return self.controller.handover

    @property
    def bridge(self) -> Any:
        """The controller's event bridge."""
        return self.controller.bridge

    @property
    def replay(self) -> Any:
        """The controller's replay queue."""
        return self.controller.replay

    @property
    def closed(self) -> bool:
        """True once the window has shut down."""
        return self._closed

    @property
    def state(self) -> str:
        """The run state (see :data:`gui.run_controller.STATES`)."""
        return self.controller.state

    @property
    def running(self) -> bool:
        """True from Start until the run's events have ended (a replay counts)."""
        return self.controller.running

    @property
    def replaying(self) -> bool:
        """True from the start of a replay until its last run has played or it is stopped."""
        return self.controller.replaying

    def start_run(self) -> bool:
        """Start the run the panel describes; returns False (and reports why) if it can't."""
        if self.running:
            if self.controller.experimenting:
                errors.report(
                    self.tr("An experiment is running; its runs would compete with this one."),
                    self.tr("Stop the experiment in the Experiments tab, or wait for it to "
                            "end."))
            return False
        if self.tasks.cancel_all():  # a stored run still being drawn gives way
            self.live.clear()
            self.live.source_banner.hide_banner()
        self.banner.clear()
        try:
            cfg = self.panel.config()
        except Exception as exc:  # noqa: BLE001 - a setting the form let through
            field = getattr(exc, "field", None)
            errors.report(getattr(exc, "msg", str(exc)), self.tr(
                "Change the setting and start again."), field)
            return False
        if not self.controller.start_run(cfg, self.panel.host):
            return False
        self._last_config = cfg
        self.history.refresh()
        return True

    def run_again(self) -> bool:
        """Run ▸ Run again: put the last run's settings in the panel and start it again.

        Returns False (and starts nothing) before the first run, or while one is active.
        """
        if self._last_config is None or self.running:
            return False
        self.panel.set_config(self._last_config)
        return self.start_run()

    def stop_run(self) -> None:
        """Ask the run to stop (its Summary or Failed still arrives), or stop a replay."""
        self.controller.stop()

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

    # -- the controller's signals ----------------------------------------------------
    def _on_state(self, state: str, mode: str, detail: str) -> None:
        self.status.set_state(state, mode or None, detail)
        self._sync_run_actions()
        self.state_changed.emit(state)

    def _on_stream(self, stream: Stream) -> None:
        """A run's events are about to arrive: reset its curves, follow it everywhere."""
        if stream.kind == "live" and self.live.source_banner.kind():
            self.live.clear()  # stored data never mixes with a live run
            self.live.source_banner.hide_banner()
        self.live.begin_run(stream.mode, stream.model, stream.language_model, stream.t0_s)
        if stream.kind == "replay":
            self.live.set_x_note(self.tr("x: seconds since the recorded run started"))
            strip = self.live.source_banner
            strip.set_speed(self.controller.replay.speed())
            strip.show_replay(stream.title, stream.position)
            self.status.set_device(stream.device)
            self.compare.set_model(stream.model)
            self.presentation.refresh()
        self.panel.set_running(True)

    def _on_started(self, ev: Started) -> None:
        stream = self.controller.stream
        if stream is not None and stream.host:
            self.status.set_device(self.tr("{0} — {1} on {2}").format(
                ev.device, ev.device_name, stream.host))
        else:
            self.status.set_device(f"{ev.device} — {ev.device_name}")

    def _on_step(self, ev: StepStats) -> None:
        self.live.add_step(ev)
        info = CATALOG.get(self.controller.stream.model if self.controller.stream else "")
        if info is not None:
            self.status.show_step(ev, info.sample_unit)

    def _on_summary(self, ev: Summary) -> None:
        self.compare.add_summary(ev)
        self.presentation.refresh()

    def _on_finished(self) -> None:
        if self.replaying:
            return
        self.panel.set_running(False)
        self._sync_run_actions(running=False)
        self.history.refresh()
        self.run_finished.emit()

    def _seed_compare(self) -> None:
        """Give the Compare tab the latest stored run of each model and mode.

        After a restart it compares what was measured before rather than saying "not run
        yet"; runs of this session replace them as they end.
        """
        if self.store is None:
            return
        try:
            records = self.store.list_runs()
        except Exception:  # noqa: BLE001 - an unreadable store has been reported already
            return
        latest: dict[tuple[str, str], Any] = {}
        measured = [rec for rec in records  # newest first
                    if rec.summary is not None and rec.status in ("completed", "stopped")]
        for rec in measured:
            latest.setdefault((rec.model, rec.mode), rec)
        self.compare.add_evidence([rec.summary for rec in reversed(measured)
                                   if rec.summary is not None])
        for rec in sorted(latest.values(), key=lambda r: r.started_unix_s):
            self.compare.add_summary(rec.summary)

    def _show_trained(self) -> None:
        """Tell the panel which models' inference runs will get trained weights."""
        trained = {}
        for model_id, s in self.controller.trained_summaries().items():
            loss = (self.tr("loss {0}, ").format(words(number(s.loss_last, 3)))
                    if s.loss_last is not None else "")
            trained[model_id] = self.tr("{0}{1} steps").format(
                loss, s.warmup_steps + s.measured_steps)
        self.panel.set_trained(trained)

    def complete_comparison(self, plan: ExperimentPlan) -> bool:
        """Run the missing runs of the Compare tab's table (``plan``); False if it can't now.

        The Compare tab stays on screen; the Live tab plots each run.
        """
        if not plan.cases:
            return False
        if not self.controller.start_experiment(plan):
            return False
        self.compare.begin_completion()
        return True

    def _on_case_started(self, ev: CaseStarted) -> None:
        plan = self.controller.plan
        if self.compare.completing and plan is not None:
            self.compare.completion_case(ev, len(plan.cases))

    def show_pair_in_compare(self, train: Summary, infer: Summary, label: str) -> None:
        """Show ``train`` beside ``infer`` in the Compare tab and switch to it."""
        try:
            self.compare.show_pair(train, infer, label)
        except ValueError as exc:
            errors.report(str(exc), self.tr("Compare one training run with one inference "
                                            "run of the same model."))
            return
        self.tabs.setCurrentWidget(self.compare)

    # -- replay ----------------------------------------------------------------------
    def play_file_with_dialog(self) -> Any:
        """Ask for a recording, then replay its runs one after another."""
        from gui.widgets import file_dialogs

        path = file_dialogs.ask_open_recording(self, self.tr("Open recording for replay"))
        return self.replay_recording(path) if path else None

    def replay_recording(self, path: str | Path, speed: float | None = None) -> Any:
        """Replay the runs of recording ``path`` one after another."""
        return self.controller.play_recording(path, speed)

    def replay_runs(self, run_ids: list[int], speed: float | None = None) -> Any:
        """Replay stored runs ``run_ids``, oldest first."""
        return self.controller.play_runs(self.store, run_ids, speed)

    def replay_sources(self, sources: list[ReplaySource], speed: float | None = None) -> bool:
        """Replay ``sources`` one after another."""
        return self.controller.play(sources, speed)

    def stop_replay(self) -> None:
        """End the replay now; the plots keep what was played, marked as a replay."""
        self.controller.replay.stop()

    def set_replay_speed(self, speed: float) -> None:
        """Replay at ``speed`` × real time (the current replay too, from where it is)."""
        self.controller.replay.set_speed(speed)

    def _on_replay_began(self) -> None:
        self.banner.clear()
        self.live.clear()
        self.panel.set_running(True)
        self._sync_run_actions()
        self.tabs.setCurrentWidget(self.live)

    def _on_replay_finished(self, stopped: bool) -> None:
        self.live.source_banner.replay_ended(stopped)
        self.panel.set_running(False)
        self._sync_run_actions(running=False)
        self._show_planned_device()
        self.history.refresh()
        self.run_finished.emit()

    def _show_replay_speed(self, speed: float) -> None:
        for action in self._speed_group.actions():
            action.setChecked(action.data() == speed)
        self.live.source_banner.set_speed(speed)
        if self.controller.stream is not None and self.controller.stream.kind == "replay":
            self.controller.set_state(self.state)

    # -- history ---------------------------------------------------------------------
    def _on_deleted(self, run_ids: list[int]) -> None:
        errors.notify(
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
        errors.notify(
            self.tr("No NVIDIA GPU was found on this machine."),
            (self.tr("Watch runs recorded on {0}, as they happened, or start a run on the "
                     "CPU.").format(where) if where
             else self.tr("Watch recorded runs, as they happened, or start a run on the CPU.")),
            action=(self.tr("Open demo"), lambda: self.replay_recording(path)),
        )
        return True

    # -- closing ---------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop any run, replay or experiment, join the threads, purge deleted runs."""
        if self._closed:
            return
        self._closed = True
        self.presentation.leave()  # the normal window's geometry is what is remembered
        if self._settings is not None:
            try:
                window_settings.save(self._settings, self)
            except Exception:  # noqa: BLE001 - closing must not fail on the settings
                log.exception("could not save the window's settings")
        self.live.stop_timer()
        self.tasks.cancel_all()
        self.controller.shutdown()
        self.loader.shutdown()
        sink = errors.sink()
        for signal, slot in ((sink.error, self._show_error), (sink.notice, self._show_notice)):
            with contextlib.suppress(RuntimeError, TypeError):  # connected once, at start
                signal.disconnect(slot)
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


__all__ = ["ACTIVE_STATES", "MainWindow", "demo_device", "demo_recording_path"]
