"""The strip above the live plots that says when they show stored data, not a live run.

A replay (coloured, with the replay speed and Stop), an opened stored run, or an overlay
of several runs: each names what is shown, the original device and when it ran, so a
screenshot or an exported dashboard can never pass for a live measurement.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QWidget,
)

SPEEDS = (1.0, 2.0, 5.0, 10.0)
"""Replay speeds offered (× real time)."""
KINDS = ("replay", "stored", "overlay")


def speed_text(speed: float) -> str:
    """``2.0`` -> ``"2×"``, ``2.5`` -> ``"2.5×"``."""
    return f"{speed:g}×"


class SourceBanner(QFrame):
    """A coloured strip: REPLAY / STORED RUN / OVERLAY, what is shown, and its controls.

    Signals:
        stop_clicked(): Stop the replay.
        close_clicked(): Clear the stored data from the plots.
        speed_changed(float): The user picked another replay speed.
    """

    stop_clicked = Signal()
    close_clicked = Signal()
    speed_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("source_banner")
        self._kind = ""
        self._text = ""
        self._label = QLabel()
        self._label.setObjectName("source_text")
        self._label.setTextFormat(Qt.TextFormat.RichText)
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.speed_combo = QComboBox()
        self.speed_combo.setObjectName("replay_speed")
        self.speed_combo.setToolTip(self.tr("Replay speed (× real time)"))
        for speed in SPEEDS:
            self.speed_combo.addItem(speed_text(speed), speed)
        self.speed_combo.currentIndexChanged.connect(
            lambda _i: self.speed_changed.emit(float(self.speed_combo.currentData()))
        )
        self._speed_label = QLabel(self.tr("Speed"))
        self.stop_button = QPushButton(self.tr("Stop replay"))
        self.stop_button.setObjectName("replay_stop")
        self.stop_button.clicked.connect(self.stop_clicked)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(self.tr("Clear the stored data from the plots"))
        self.close_button.clicked.connect(self.close_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._speed_label)
        layout.addWidget(self.speed_combo)
        layout.addWidget(self.stop_button)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.setVisible(False)

    # -- state -----------------------------------------------------------------------
    def kind(self) -> str:
        """``"replay"``, ``"stored"``, ``"overlay"``, or ``""`` when hidden."""
        return self._kind

    def text(self) -> str:
        """What the strip says, as plain text (``""`` when hidden)."""
        return self._text

    def speed(self) -> float:
        """The selected replay speed."""
        return float(self.speed_combo.currentData())

    def set_speed(self, speed: float) -> None:
        """Select ``speed`` (added to the list if it is not offered), without a signal."""
        index = self.speed_combo.findData(float(speed))
        if index < 0:
            self.speed_combo.addItem(speed_text(speed), float(speed))
            index = self.speed_combo.count() - 1
        self.speed_combo.blockSignals(True)
        self.speed_combo.setCurrentIndex(index)
        self.speed_combo.blockSignals(False)

    # -- showing ---------------------------------------------------------------------
    def show_replay(self, what: str, position: str = "") -> None:
        """Mark a replay in progress: ``what`` ran where and when; ``position`` "1 of 3"."""
        head = self.tr("REPLAY")
        if position:
            head = f"{head} ({position})"
        self._show("replay", head, what, "#5F3DC4", "#F3F0FF", replaying=True)

    def replay_ended(self, stopped: bool = False) -> None:
        """The replay ended (or was stopped); the plots keep its data, still marked."""
        if self._kind != "replay":
            return
        head = self.tr("REPLAY stopped") if stopped else self.tr("REPLAY finished")
        what = self._text.split(" — ", 1)[-1]
        self._show("replay", head, what, "#5F3DC4", "#F3F0FF", replaying=False)

    def show_stored(self, what: str) -> None:
        """Mark a stored run opened into the plots."""
        self._show("stored", self.tr("STORED RUN"), what, "#0B7285", "#E3FAFC", False)

    def show_overlay(self, what: str) -> None:
        """Mark an overlay of stored runs."""
        self._show("overlay", self.tr("OVERLAY"), what, "#0B7285", "#E3FAFC", False)

    def hide_banner(self) -> None:
        """Back to a live view: hide the strip."""
        self._kind = ""
        self._text = ""
        self._label.setText("")
        self.setVisible(False)

    def _show(
        self, kind: str, head: str, what: str, color: str, bg: str, replaying: bool
    ) -> None:
        self._kind = kind
        self._text = f"{head} — {what}"
        self.setStyleSheet(
            f"#source_banner {{ background: {bg}; border: 1px solid {color};"
            f" border-left: 6px solid {color}; border-radius: 4px; }}"
            f" #source_banner QLabel {{ background: transparent; border: none; }}"
        )
        self._label.setText(
            f"<span style='color:{color}; font-weight:bold; font-size:12pt'>"
            f"{escape(head)}</span>&nbsp;&nbsp;{escape(what)}"
        )
        for widget in (self._speed_label, self.speed_combo, self.stop_button):
            widget.setVisible(replaying)
        self.close_button.setVisible(not replaying)
        self.setVisible(True)

