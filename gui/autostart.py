"""``--autostart``: run a queue of experiments without clicks (demos, screenshots)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer

from engine.core.catalog import CATALOG
from gui.main_window import MainWindow

GAP_MS = 700
"""Pause between queued runs, so the last plot of a run stays visible a moment."""


def parse_specs(text: str) -> list[tuple[str, str]]:
    """``"mlp:train,mlp:infer"`` -> ``[("mlp", "train"), ("mlp", "infer")]``.

    A spec without ``:MODE`` means training.

    Raises:
        ValueError: An unknown model or mode, with the allowed values.
    """
    specs = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        model, _, mode = part.partition(":")
        mode = mode or "train"
        if model not in CATALOG:
            raise ValueError(f"unknown model {model!r}; choose one of: {', '.join(CATALOG)}")
        if mode not in ("train", "infer"):
            raise ValueError(f"unknown mode {mode!r} in {part!r}; use train or infer")
        specs.append((model, mode))
    return specs


class AutoStarter(QObject):
    """Sets the panel to each spec in turn and presses Start after the previous run ends.

    Args:
        window: The main window to drive.
        specs: ``(model, mode)`` pairs, run in order.
        seconds: Measured duration of each run (s); ``None`` keeps the panel's value.
        device: Device for every run (``"cpu"``, ``"cuda:0"``...); ``None`` keeps the panel's.
        complete: After the last run, complete the Compare tab's table (as its *Complete
            the table* button does).
    """

    def __init__(
        self,
        window: MainWindow,
        specs: Sequence[tuple[str, str]],
        seconds: float | None = None,
        device: str | None = None,
        complete: bool = False,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._queue = list(specs)
        self._seconds = seconds
        self._device = device
        self._complete = complete
        window.run_finished.connect(self._after_run)

    def begin(self, delay_ms: int = 300) -> None:
        """Start the first run after ``delay_ms`` (once the event loop runs)."""
        QTimer.singleShot(delay_ms, self._next)

    def _after_run(self) -> None:
        if self._window.state not in ("done", "stopped"):
            return
        if self._queue:
            QTimer.singleShot(GAP_MS, self._next)
        elif self._complete:
            self._complete = False
            QTimer.singleShot(GAP_MS, self._window.compare.complete_button.click)

    def _next(self) -> None:
        if not self._queue:
            return
        model, mode = self._queue.pop(0)
        panel = self._window.panel
        panel.set_model(model)
        panel.set_mode(mode)
        if self._device:
            panel.set_device(self._device)
        if self._seconds is not None:
            panel.set_duration(self._seconds, "seconds")
        self._window.start_run()
