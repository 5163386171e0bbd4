"""The status bar: the device in use, the run state and a live readout."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget
from superqt import QElidingLabel

from engine.core.events import StepStats
from engine.core.progress import step_parts
from gui.run_controller import ACTIVE_STATES
from gui.widgets import theme
from gui.widgets.words import words


class RunStatusBar(QStatusBar):
    """Device, state (idle / building / warm-up / measuring / done / failed) and readout."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.device_label = QLabel()
        self.device_label.setObjectName("status_device")
        # The state and readout are cut with "…" where the window is narrow (text() keeps
        # all of it): at full length they made the window wider than a 1280 px screen
        # ("measured · held-out check and saving (not timed)" beside a step readout).
        self.state_label = QElidingLabel()
        self.state_label.setObjectName("status_state")
        self.readout_label = QElidingLabel()
        self.readout_label.setObjectName("status_readout")
        for label in (self.state_label, self.readout_label):  # share the width 3:2
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.addWidget(self.state_label, 3)
        self.addWidget(self.readout_label, 2)
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
            "finishing": self.tr("measured · held-out check and saving (not timed)"),
            "stopping": self.tr("stopping…"),
            "done": self.tr("done"),
            "stopped": self.tr("stopped"),
            "failed": self.tr("failed"),
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
            "finishing": "#495057",
            "done": "#2B8A3E",
            "stopped": "#495057",
            "failed": theme.ERROR_BORDER,
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

    def show_step(self, step: StepStats, unit: str) -> None:
        """Show the latest step: which, throughput, step time and loss (the one readout)."""
        self.readout_label.setText("   ·   ".join(words(p) for p in step_parts(step, unit)))
