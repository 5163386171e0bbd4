"""The main window: experiment panel, error banner, Live and Compare tabs, status bar.

It owns the :class:`engine.session.Session` and wires the bridge's signals to the
widgets. Starting, stopping and closing never block for long: ``Session.start`` spawns
the run process and returns, ``Session.stop`` only asks, and events arrive through the
asyncio task of :class:`gui.bridge.EventBridge`.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.catalog import CATALOG
from engine.config import ConfigError, RunConfig
from engine.devices import DevicesReport, list_devices
from engine.events import Failed, Phase, Sample, Started, StepStats, Summary, TelemetryStatus
from engine.session import Session
from gui.bridge import EventBridge
from gui.compare_view import CompareView
from gui.experiment_panel import ExperimentPanel
from gui.live_plots import LivePlots
from gui.message_banner import MessageBanner
from gui.run_status import ACTIVE_STATES, RunStatusBar

log = logging.getLogger(__name__)

PHASE_STATES = {"build": "building", "warmup": "warmup", "measure": "measuring"}


class MainWindow(QMainWindow):
    """Trainfer's window.

    Args:
        session: The engine session to run with; ``None`` makes one.
        devices: What NVML found; ``None`` asks :func:`engine.devices.list_devices`.
        nvml: NVML wrapper for the session and the device list (a fake in tests).

    Signals:
        state_changed(str): The run state (see :data:`gui.run_status.STATES`).
        run_finished(): A run's event stream ended (after Summary, Failed, or Stop).
        error_shown(str, str): ``(message, hint)`` shown by :meth:`report_error`.
    """

    state_changed = Signal(str)
    run_finished = Signal()
    error_shown = Signal(str, str)

    def __init__(
        self,
        session: Session | None = None,
        devices: DevicesReport | None = None,
        nvml: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Trainfer — training vs inference"))
        self.devices = devices if devices is not None else list_devices(nvml)
        self.session = session if session is not None else Session(nvml=nvml)
        self.bridge = EventBridge(self)
        self.config: RunConfig | None = None
        self._t0: float | None = None
        self._started: Started | None = None
        self._closed = False

        self.panel = ExperimentPanel(self.devices)
        self.banner = MessageBanner()
        self.live = LivePlots(on_error=self.report_error)
        self.compare = CompareView(on_error=self.report_error)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.addTab(self.live, self.tr("Live"))
        self.tabs.addTab(self.compare, self.tr("Compare"))
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
        self.bridge.finished.connect(self._on_finished)

        self.live.set_gpu_available(self.devices.available, self.devices.message)
        self.compare.set_model(self.panel.model_id)
        self._show_planned_device()
        self._set_state("idle")

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

    # -- run control -----------------------------------------------------------------
    @property
    def state(self) -> str:
        """The run state (see :data:`gui.run_status.STATES`)."""
        return self.status.state

    @property
    def running(self) -> bool:
        """True from Start until the run's events have ended."""
        return self.bridge.active or self.state in ACTIVE_STATES

    def start_run(self) -> bool:
        """Start the run the panel describes; returns False (and reports why) if it can't."""
        if self.running:
            return False
        self.banner.clear()
        try:
            cfg = self.panel.config()
            t0 = time.monotonic()
            self.session.start(cfg)
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
        self.config = cfg
        self._t0 = t0
        self._started = None
        info = CATALOG[cfg.model]
        self.live.begin_run(cfg.mode, cfg.model, info.is_language_model, t0)
        self.panel.set_running(True)
        self._set_state("building")
        self.bridge.watch(self.session)
        return True

    def stop_run(self) -> None:
        """Ask the run to stop; its Summary (or Failed) still arrives."""
        if not self.running:
            return
        self.session.stop()
        self._set_state("stopping")

    def _set_state(self, state: str, detail: str = "") -> None:
        mode = self.config.mode if self.config is not None else None
        self.status.set_state(state, mode, detail)
        self.state_changed.emit(state)

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
            self._set_state(state)

    def _on_step(self, ev: StepStats) -> None:
        self.live.add_step(ev)
        if self.config is not None:
            info = CATALOG[self.config.model]
            self.status.show_step(ev, info.sample_unit, info.is_language_model)

    def _on_sample(self, ev: Sample) -> None:
        self.live.add_sample(ev)

    def _on_telemetry(self, ev: TelemetryStatus) -> None:
        self.live.set_telemetry_status(ev)

    def _on_summary(self, ev: Summary) -> None:
        self.compare.add_summary(ev)
        self._set_state("done", self.tr("stopped early") if ev.stopped_early else "")

    def _on_failed(self, ev: Failed) -> None:
        if ev.kind == "stopped":
            self.banner.show_info(ev.message, ev.hint)
            self._set_state("stopped")
            return
        self._set_state("failed", ev.kind)
        self.report_error(ev.message, ev.hint, ev.field)

    def _on_finished(self) -> None:
        if self.state in ACTIVE_STATES:
            self._set_state("stopped")
        self.panel.set_running(False)
        self.run_finished.emit()

    # -- closing ---------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop any run, stop reading events, join the run process and threads."""
        if self._closed:
            return
        self._closed = True
        self.live.stop_timer()
        self.bridge.cancel()
        self.session.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Closing the window stops the run and joins everything before it goes."""
        self.shutdown()
        super().closeEvent(event)
