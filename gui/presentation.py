"""Presentation mode: the window as a talk shows it on a projector (issue #12).

F11 or View ▸ Presentation enters it, Escape (or F11 again) leaves it. In it the window is
full screen, the side panel is hidden, every text and line is larger by the presentation
scale (a setting, :data:`DEFAULT_SCALE`), plot text and axes are drawn in black for
contrast, and a strip of big cards above the tabs holds the key numbers of the current
training and inference runs (throughput, step time, peak memory, power, energy per
sample; ``N/A`` with the reason where a reading was not measured). Page Up / Page Down,
what presentation clickers send, step through Live, Compare and Experiments.

While presenting, Escape leaves the mode and never stops a run: a speaker who leaves
full screen must not end the demonstration (Shift+F5 still stops).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.core.catalog import CATALOG
from engine.core.events import Summary
from engine.core.values import millis, nbytes, watts
from gui.compare.summary_card import throughput_text
from gui.translation import Context
from gui.widgets import theme
from gui.widgets.run_text import energy_value
from gui.widgets.words import words

if TYPE_CHECKING:
    from gui.main_window import MainWindow

DEFAULT_SCALE = 1.6
"""How much larger text and lines are while presenting (issue #12: "about 1.6×")."""
MIN_SCALE, MAX_SCALE = 1.0, 3.0

Present = Context("Present")
"""Translation context of this module's texts outside a QObject."""


def clamp_scale(value: object) -> float:
    """``value`` as a presentation scale within [:data:`MIN_SCALE`, :data:`MAX_SCALE`].

    Anything that is not a finite number (a damaged setting) gives :data:`DEFAULT_SCALE`.
    """
    try:
        scale = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return DEFAULT_SCALE
    if scale != scale or scale in (float("inf"), float("-inf")):
        return DEFAULT_SCALE
    return min(MAX_SCALE, max(MIN_SCALE, scale))


def _not_measured(summary: Summary) -> str:
    """Why a GPU reading of ``summary`` is missing, for a card's ``N/A``."""
    if summary.device == "cpu":
        return Present.tr("N/A (run on the CPU)")
    note = summary.telemetry_note_msg
    if note is not None:
        return Present.tr("N/A ({0})").format(words(note))
    return Present.tr("N/A (not measured)")


def card_rows(summary: Summary) -> list[tuple[str, str]]:
    """The key numbers of one run: (label, value) for the presentation cards."""
    energy = energy_value(summary)
    return [
        (Present.tr("Throughput"), throughput_text(summary)),
        (Present.tr("Step time"), words(millis(summary.step_ms_median))),
        (Present.tr("Peak memory"), words(nbytes(summary.peak_mem_bytes))),
        (Present.tr("Power"), words(watts(summary.mean_power_w))
         if summary.mean_power_w is not None else _not_measured(summary)),
        (Present.tr("Energy"), words(energy) if summary.energy_per_unit_j is not None
         else _not_measured(summary)),
    ]


def _relayout(window: QWidget) -> None:
    """Recompute ``window``'s layout now, with the fonts just set.

    Without it the window keeps the minimum size its layout computed while the old fonts
    were still in place (after leaving: 1,839 px wide instead of 1,357).
    """
    QApplication.sendPostedEvents()  # the font changes reach every widget
    layout = window.layout()
    if layout is not None:
        layout.invalidate()
        layout.activate()


class BigCard(QFrame):
    """One mode's key numbers in large type, in the mode's colour."""

    def __init__(self, mode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = mode
        self.setObjectName(f"big_card_{mode}")
        color, tint = theme.mode_color(mode), theme.mode_tint(mode)
        self.setStyleSheet(
            f"#big_card_{mode} {{ background: {tint}; border: 2px solid {color};"
            f" border-left: 10px solid {color}; border-radius: 6px; }}"
            f" #big_card_{mode} QLabel {{ background: transparent; border: none;"
            f" color: #000000; }}")
        self.heading = QLabel()
        self.body = QLabel()
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self.heading)
        layout.addWidget(self.body)
        self.set_scale(DEFAULT_SCALE)
        self.set_summary(None)

    def set_scale(self, scale: float) -> None:
        """Type sizes for ``scale`` (heading 14 pt and numbers 12 pt at 1×)."""
        color = theme.mode_color(self.mode)
        self.heading.setStyleSheet(
            f"color: {color}; font-weight: bold; font-size: {round(14 * scale)}pt;")
        self.body.setStyleSheet(f"color: #000000; font-size: {round(12 * scale)}pt;")

    def _mode_name(self) -> str:
        return self.tr("Training") if self.mode == "train" else self.tr("Inference")

    def set_summary(self, summary: Summary | None) -> None:
        """Show ``summary``'s key numbers (``None``: this mode has not run yet)."""
        self.summary = summary
        if summary is None:
            self.heading.setText(self._mode_name())
            self.body.setText(escape(self.tr("Not run yet")))
            return
        title = CATALOG[summary.model].title if summary.model in CATALOG else summary.model
        self.heading.setText(f"{self._mode_name()} — {title}")
        self.body.setText(" &nbsp;·&nbsp; ".join(
            f"{escape(label)} <b>{escape(value)}</b>" for label, value in card_rows(summary)))

    def text(self) -> str:
        """The card's heading and numbers as plain text (tests, accessibility)."""
        body = self.body.text().replace("&nbsp;", " ").replace("<b>", "").replace("</b>", "")
        return f"{self.heading.text()}\n{body}"


class Cards(QWidget):
    """The strip of the two big cards shown above the tabs while presenting."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presentation_cards")
        self.train = BigCard("train")
        self.infer = BigCard("infer")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addWidget(self.train, 1)
        layout.addWidget(self.infer, 1)


class Presentation(QObject):
    """Enters and leaves presentation mode for ``window``; remembers what it changed.

    Args:
        window: The main window; its ``side_panel``, ``tabs``, ``live``, ``compare`` and
            ``actions_by_name`` are used.
        scale: Text and line scale while presenting (clamped, see :func:`clamp_scale`).
    """

    changed = Signal(bool)
    """Emitted with ``True`` on entering, ``False`` on leaving."""

    TAB_CYCLE = ("live", "compare", "experiments")
    """The tabs Page Up / Page Down step through (History is for the desk, not the stage)."""

    def __init__(self, window: MainWindow, scale: float = DEFAULT_SCALE) -> None:
        super().__init__(window)
        self.window = window
        self.scale = clamp_scale(scale)
        self.active = False
        self.cards = Cards()
        self.cards.setVisible(False)
        self._saved: dict[str, Any] = {}
        self._keys: list[QShortcut] = []
        for key, slot in ((Qt.Key.Key_Escape, self.leave), (Qt.Key.Key_PageDown, self.next_tab),
                          (Qt.Key.Key_PageUp, self.previous_tab)):
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
            shortcut.activated.connect(slot)
            shortcut.setEnabled(False)
            self._keys.append(shortcut)

    def key_rows(self) -> list[tuple[str, str]]:
        """The keys that work only while presenting, for Help ▸ Keyboard shortcuts."""
        def name(key: Qt.Key) -> str:
            return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)

        return [
            (self.tr("Leave presentation mode"), name(Qt.Key.Key_Escape)),
            (self.tr("Next tab while presenting (Live, Compare, Experiments)"),
             name(Qt.Key.Key_PageDown)),
            (self.tr("Previous tab while presenting"), name(Qt.Key.Key_PageUp)),
        ]

    def toggle(self) -> None:
        """Enter presentation mode, or leave it."""
        if self.active:
            self.leave()
        else:
            self.enter()

    def enter(self) -> None:
        """Full screen, side panel hidden, everything larger, the big cards shown."""
        if self.active:
            return
        w = self.window
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        stop = w.actions_by_name.get("stop_run")
        self._saved = {
            "state": w.windowState(),
            "panel": w.side_panel.isVisible(),
            "font": QFont(app.font()),
            "stop_keys": stop.shortcuts() if stop is not None else [],
            "status": w.statusBar().isVisible(),
            "geometry": w.geometry(),
        }
        if stop is not None:  # Escape leaves the mode instead (module docstring)
            stop.setShortcuts([k for k in stop.shortcuts()
                               if k != QKeySequence(Qt.Key.Key_Escape)])
        font = QFont(app.font())
        font.setPointSizeF(font.pointSizeF() * self.scale)
        app.setFont(font)
        w.side_panel.setVisible(False)
        w.statusBar().setVisible(False)  # the cards and the Live strip say what runs
        w.live.set_presentation(self.scale)
        self.cards.train.set_scale(self.scale)
        self.cards.infer.set_scale(self.scale)
        self.refresh()
        self.cards.setVisible(True)
        for shortcut in self._keys:
            shortcut.setEnabled(True)
        self.active = True
        _relayout(w)
        screen = w.screen()
        if screen is not None:  # also without a window manager to honour full screen
            w.setGeometry(screen.geometry())
        w.showFullScreen()
        self.changed.emit(True)

    def leave(self) -> None:
        """Back to the window as it was before :meth:`enter`."""
        if not self.active:
            return
        w = self.window
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        for shortcut in self._keys:
            shortcut.setEnabled(False)
        self.cards.setVisible(False)
        w.live.set_presentation(None)
        app.setFont(self._saved["font"])
        w.side_panel.setVisible(self._saved["panel"])
        w.statusBar().setVisible(self._saved["status"])
        stop = w.actions_by_name.get("stop_run")
        if stop is not None:
            stop.setShortcuts(self._saved["stop_keys"])
        self.active = False
        _relayout(w)
        state = self._saved["state"]
        if state & Qt.WindowState.WindowMaximized:
            w.showMaximized()
        elif not state & Qt.WindowState.WindowFullScreen:
            w.showNormal()
            w.setGeometry(self._saved["geometry"])
        self.changed.emit(False)

    def refresh(self) -> None:
        """Fill the big cards with the Compare tab's current training and inference runs."""
        self.cards.train.set_summary(self.window.compare.train_card.summary)
        self.cards.infer.set_summary(self.window.compare.infer_card.summary)

    def _step(self, by: int) -> None:
        tabs = self.window.tabs
        pages = [self.window.tab_widget(name) for name in self.TAB_CYCLE]
        current = tabs.currentWidget()
        at = pages.index(current) if current in pages else -1
        tabs.setCurrentWidget(pages[(at + by) % len(pages)])

    def next_tab(self) -> None:
        """Page Down: Live → Compare → Experiments → Live."""
        self._step(1)

    def previous_tab(self) -> None:
        """Page Up: the other way round."""
        self._step(-1)
