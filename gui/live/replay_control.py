"""Replays in the window: recorded runs played again through the live view.

A :class:`engine.session.store.replay.Replay` has the same ``events()`` as a live session, so the
window's one bridge reads it and the same slots fill the plots, the status bar and the
Compare tab. :class:`ReplayControl` keeps the queue of runs (a recording holds several,
played one after another), the speed, and the Live tab's REPLAY strip; reading a
recording or stored runs happens on the window's loader thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from engine.core.catalog import CATALOG
from engine.session.store.recording import RecordingError
from engine.session.store.replay import Replay, ReplaySource
from gui.history.run_loader import load_recording, load_sources
from gui.run_status import ACTIVE_STATES
from gui.widgets import file_dialogs
from gui.widgets.run_text import device_text, run_description

if TYPE_CHECKING:
    from gui.main_window import MainWindow

log = logging.getLogger(__name__)
GAP_MS = 700
"""Pause between replayed runs, so the last plot of a run stays visible a moment."""


def retime(replay: Replay, speed: float) -> None:
    """Change a running replay's speed without a jump (see :meth:`Replay.set_speed`)."""
    replay.set_speed(speed)


def _language_model(source: ReplaySource) -> bool:
    info = CATALOG.get(source.model)
    if info is not None:
        return info.is_language_model
    return any(kind == "StepStats" and fields.get("tokens_per_s") is not None
               for _t, kind, fields in source.events)


class ReplayControl(QObject):
    """The replay queue, speed and strip of one window.

    Signals:
        started(): A replayed run began (one per run of the queue).
        finished(): The replay ended: its last run played, or it was stopped.
        speed_changed(float): The replay speed changed.
    """

    started = Signal()
    finished = Signal()
    speed_changed = Signal(float)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._w = window
        self.current: Replay | None = None
        self._queue: list[ReplaySource] = []
        self._total = 0
        self._index = 0
        self._stopped = False
        self._speed = 1.0

    # -- state -----------------------------------------------------------------------
    @property
    def active(self) -> bool:
        """True from the start of a replay until its last run has played or it is stopped."""
        return self.current is not None or bool(self._queue)

    def speed(self) -> float:
        """The replay speed (× real time)."""
        return self._speed

    def set_speed(self, speed: float) -> None:
        """Replay at ``speed`` × real time, the current run too, from where it is."""
        speed = float(speed)
        if speed <= 0 or speed == self._speed:
            return
        self._speed = speed
        self._w.live.source_banner.set_speed(speed)
        if self.current is not None:
            retime(self.current, speed)
        self.speed_changed.emit(speed)

    # -- starting --------------------------------------------------------------------
    def play_file_with_dialog(self) -> asyncio.Task[None] | None:
        """Ask for a recording, then replay its runs one after another."""
        path = file_dialogs.ask_open_recording(self._w, self.tr("Open recording for replay"))
        return self.play_recording(path) if path else None

    def play_recording(self, path: str | Path, speed: float | None = None) -> asyncio.Task[None]:
        """Replay the runs of recording ``path`` one after another (read off the GUI thread)."""
        return self._w.spawn(self._load_and_play(load_recording, (Path(path),), speed))

    def play_runs(self, run_ids: list[int], speed: float | None = None) -> asyncio.Task[None]:
        """Replay stored runs ``run_ids``, oldest first."""
        return self._w.spawn(
            self._load_and_play(load_sources, (self._w.store, list(run_ids)), speed))

    async def _load_and_play(
        self, loader: Callable[..., list[ReplaySource]], args: tuple[Any, ...],
        speed: float | None,
    ) -> None:
        w = self._w
        try:
            sources = await w.loader.run(loader, *args)
        except (RecordingError, OSError) as exc:
            w.report_error(
                self.tr("Could not open the recording: {0}").format(exc),
                self.tr("Choose a .trainfer file saved by Trainfer (File → Export runs as "
                        "recording…)."),
            )
            return
        except KeyError as exc:
            w.report_error(
                self.tr("Run {0} is no longer in the store.").format(exc.args[0]),
                self.tr("It was deleted, perhaps from the command line."),
            )
            return
        except Exception as exc:  # noqa: BLE001 - any read failure goes to the one handler
            log.exception("could not read the runs to replay")
            w.report_error(
                self.tr("Could not read the runs to replay: {0}").format(exc),
                self.tr("The store may be damaged; `trainfer runs list` shows what it holds."),
            )
            return
        self.play(sources, speed)

    def play(self, sources: list[ReplaySource], speed: float | None = None) -> bool:
        """Play ``sources`` in the live view one after another, as they were recorded.

        Args:
            sources: The runs.
            speed: × real time; ``None`` keeps the selected speed.

        Returns:
            False (and reports why) while a live run is in progress or with no runs.
        """
        w = self._w
        if not sources:
            w.report_error(self.tr("There is nothing to replay: no runs were found."),
                           self.tr("Choose a recording or runs that hold events."))
            return False
        if w.running and not self.active:
            w.report_error(self.tr("A run is in progress."),
                           self.tr("Stop it or wait for it to end, then replay."))
            return False
        if self.active:
            self._stop_quietly()
        w.cancel_other_tasks()
        if speed is not None:
            self.set_speed(speed)
        self._queue = list(sources)
        self._total = len(sources)
        self._index = 0
        self._stopped = False
        w.banner.clear()
        w.live.clear()
        w.panel.set_running(True)
        w.tabs.setCurrentWidget(w.live)
        self._next()
        return True

    def _next(self) -> None:
        w = self._w
        if w.closed or not self._queue or self._stopped:
            return
        source = self._queue.pop(0)
        self._index += 1
        self.current = Replay(source, self._speed)
        w.begin_stream(source.mode, source.model)
        w.live.begin_run(source.mode, source.model, _language_model(source), time.monotonic())
        w.live.set_x_note(self.tr("x: seconds since the recorded run started"))
        w.compare.set_model(source.model)
        position = (self.tr("{0} of {1}").format(self._index, self._total)
                    if self._total > 1 else "")
        strip = w.live.source_banner
        strip.set_speed(self._speed)
        strip.show_replay(
            run_description(source.title, source.mode, source.device, source.device_name,
                            source.started_unix_s),
            position,
        )
        w.status.set_device(device_text(source.device, source.device_name))
        w.set_state("building")
        w.bridge.watch(self.current)
        self.started.emit()

    # -- ending ----------------------------------------------------------------------
    def stream_ended(self) -> bool:
        """The bridge finished a stream: go on to the next run; False if it was not a replay."""
        if self.current is None:
            return False
        self.current = None
        if self._queue and not self._stopped and not self._w.closed:
            QTimer.singleShot(GAP_MS, self._next)
        else:
            self._done(self._stopped)
        return True

    def stop(self) -> None:
        """End the replay now; the plots keep what was played, marked as a replay."""
        if not self.active:
            return
        self._stop_quietly()
        self._done(stopped=True)

    def _stop_quietly(self) -> None:
        self._stopped = True
        self._queue.clear()
        if self.current is not None:
            self.current.stop()
            self._w.bridge.cancel()  # at once, even during a long pause between events
            self.current = None
            if self._w.state in ACTIVE_STATES:
                self._w.set_state("stopped")

    def _done(self, stopped: bool) -> None:
        self._queue.clear()
        self._w.live.source_banner.replay_ended(stopped)
        self._w.panel.set_running(False)
        self._w.show_planned_device()
        self.finished.emit()

    def shutdown(self) -> None:
        """The window is closing: drop the queue and stop the current run's events."""
        self._queue.clear()
        if self.current is not None:
            self.current.stop()
