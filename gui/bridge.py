"""The one place in the GUI that turns engine events into Qt signals.

:class:`EventBridge` runs ``async for ev in session.events()`` as an asyncio task on the
qasync loop (the Qt main thread) and re-emits each event as a Qt signal of its type; an
experiment's cases, driven from a worker thread, come through :meth:`EventBridge.dispatch`
on the GUI thread, so the same signals carry every run, live, replayed or an experiment's.
Widgets connect to the signals and never see the session's queue (DESIGN.md, data flow).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal

from engine.core.events import (
    Failed,
    GpuSample,
    Notice,
    Phase,
    Sample,
    Started,
    StepStats,
    Summary,
    TelemetryStatus,
)

log = logging.getLogger(__name__)
YIELD_EVERY = 200
"""Events handled before the bridge returns to the event loop even when more are ready
(a fast replay or a backlog): the window keeps painting and taking clicks."""


class EventSource(Protocol):
    """What the bridge needs from :class:`engine.session.session.Session` (or a replay)."""

    def events(self) -> Any:
        """Async iterator of one run's events, ending after its Summary or Failed."""
        ...


class EventBridge(QObject):
    """Turns one run's engine events into Qt signals, one signal per event type.

    Signals:
        started(Started), phase(Phase), step(StepStats), sample(Sample),
        gpu_sample(GpuSample): a reading of another GPU of the machine,
        telemetry(TelemetryStatus), summary(Summary), failed(Failed): one per event.
        notice(Notice): something to know that is not a failure (e.g. the run could not
            be saved); the run goes on.
        finished(): the run's event stream ended (after its Summary or Failed, or when
            it ended without one).
    """

    started = Signal(object)
    phase = Signal(object)
    step = Signal(object)
    sample = Signal(object)
    gpu_sample = Signal(object)
    telemetry = Signal(object)
    summary = Signal(object)
    failed = Signal(object)
    notice = Signal(object)
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._task: asyncio.Task[None] | None = None
        self._routes = {
            Started: self.started,
            Phase: self.phase,
            StepStats: self.step,
            Sample: self.sample,
            GpuSample: self.gpu_sample,
            TelemetryStatus: self.telemetry,
            Summary: self.summary,
            Failed: self.failed,
            Notice: self.notice,
        }

    @property
    def active(self) -> bool:
        """True while a run's events are being read."""
        return self._task is not None and not self._task.done()

    def watch(self, source: EventSource) -> asyncio.Task[None]:
        """Read ``source.events()`` until it ends, emitting signals; returns the task.

        Call it right after ``Session.start``; the previous run's task must have ended.

        Raises:
            RuntimeError: A run is already being watched.
        """
        if self.active:
            raise RuntimeError("the bridge is already reading a run's events")
        self._task = asyncio.ensure_future(self._pump(source))
        return self._task

    def dispatch(self, event: Any) -> bool:
        """Emit ``event``'s signal now (GUI thread); returns False for an unknown kind."""
        signal = self._routes.get(type(event))
        if signal is None:
            log.warning("ignoring unknown event %r", event)
            return False
        signal.emit(event)
        return True

    async def _pump(self, source: EventSource) -> None:
        try:
            handled = 0
            async for event in source.events():
                if not self.dispatch(event):
                    continue
                handled += 1
                if handled % YIELD_EVERY == 0:
                    await asyncio.sleep(0)
        except asyncio.CancelledError:
            raise  # cancel(): the window is closing, nobody is listening
        except Exception as exc:  # noqa: BLE001 - a broken stream is reported, not lost
            log.exception("reading the run's events failed")
            self.failed.emit(Failed(
                time.monotonic(), "error",
                self.tr("Lost the run's events: {0}: {1}").format(type(exc).__name__, exc),
                self.tr("This looks like a bug in Trainfer; the details are in the log.")))
        self.finished.emit()

    def cancel(self) -> None:
        """Stop reading events (the window is closing); emits nothing more."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None
