"""The status bar: the device in use, the run state and a live readout."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from engine.core.events import StepStats
from gui.widgets import theme
from gui.widgets.units import fmt_ms, fmt_rate

STATES = ("idle", "building", "warmup", "measuring", "stopping", "done", "stopped", "failed",
          "experiment")
"""Run states, in the order a run goes through them; ``experiment``: an experiment of the
Experiments tab is running its own runs (not a run of the Live tab)."""
ACTIVE_STATES = ("building", "warmup", "measuring", "stopping")
"""States in which a run is in progress."""


class RunStatusBar(QStatusBar):
    """Device, state (idle / building / warm-up / measuring / done / failed) and readout."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.device_label = QLabel()
        self.device_label.setObjectName("status_device")
        self.state_label = QLabel()
        self.state_label.setObjectName("status_state")
        self.readout_label = QLabel()
        self.readout_label.setObjectName("status_readout")
        self.addWidget(self.state_label)
        self.addWidget(self.readout_label, 1)
        self.addPermanentWidget(self.device_label)
        self.state = "idle"
        self.set_state("idle")

    def state_text(self, state: str) -> str:
        """The translated name of ``state``."""
        names = {
            "idle": self.tr("idle"),
            "building": self.tr("building"),
            "warmup": self.tr("warm-up"),
            "measuring": self.tr("measuring"),
            "stopping": self.tr("stopping…"),
            "done": self.tr("done"),
            "stopped": self.tr("stopped"),
            "failed": self.tr("failed"),
            "experiment": self.tr("experiment running"),
        }
        return names[state]

    def set_state(self, state: str, mode: str | None = None, detail: str = "") -> None:
        """Show ``state`` (one of :data:`STATES`), coloured by ``mode`` while measuring."""
        self.state = state
        colors = {
            "idle": "#495057",
            "building": "#495057",
            "warmup": "#F08C00",
            "stopping": "#495057",
            "done": "#2B8A3E",
            "stopped": "#495057",
            "failed": theme.ERROR_BORDER,
            "experiment": "#1971C2",
        }
        color = (
            theme.mode_color(mode)
            if state == "measuring" and mode
            else colors.get(state, "#495057")
        )
        mode_name = ""
        if mode:
            mode_name = self.tr("training") if mode == "train" else self.tr("inference")
        text = self.state_text(state)
        if mode_name and state in ACTIVE_STATES:
            text = f"{mode_name}: {text}"
        if detail:
            text = f"{text} ({detail})"
        self.state_label.setText(self.tr("Run: {0}").format(text))
        self.state_label.setStyleSheet(f"color: {color}; font-weight: bold; padding: 0 8px;")
        if state not in ACTIVE_STATES:
            self.readout_label.setText("")

    def set_device(self, text: str) -> None:
        """Show the device the run uses (or will use)."""
        self.device_label.setText(self.tr("Device: {0}").format(text))

    def show_step(self, step: StepStats, unit: str, language_model: bool) -> None:
        """Show the latest step: index, throughput, step time and loss."""
        rate = (
            fmt_rate(step.tokens_per_s, self.tr("tokens/s"))
            if language_model
            else fmt_rate(step.samples_per_s, f"{unit}/s")
        )
        phase = self.tr("warm-up step") if step.phase == "warmup" else self.tr("step")
        parts = [f"{phase} {step.step}", rate, fmt_ms(step.step_ms)]
        if step.loss is not None:
            parts.append(self.tr("loss {0:.4f}").format(step.loss))
        self.readout_label.setText("   ·   ".join(parts))
