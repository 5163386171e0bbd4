"""Replays: recorded runs played again through the same bridge as a live run.

A :class:`engine.session.store.replay.Replay` has the same ``events()`` as a live session,
so the bridge reads it and the same slots fill the plots, the status bar and the Compare
tab. :class:`ReplayControl` keeps the queue of runs (a recording holds several, played one
after another) and the speed; reading a recording or stored runs happens on the loader
thread. It touches no widget: the run controller and the window follow its signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from engine.core.catalog import CATALOG
from engine.session.store.recording import RecordingError
from engine.session.store.replay import Replay, ReplaySource
from gui import errors
from gui.bridge import EventBridge
from gui.history.run_loader import RunLoader, load_recording, load_sources
from gui.tasks import Tasks

log = logging.getLogger(__name__)
GAP_MS = 700
"""Pause between replayed runs, so the last plot of a run stays visible a moment."""


def language_model(source: ReplaySource) -> bool:
    """Whether ``source`` counts tokens (the catalog says; else its steps carry tokens/s)."""
    info = CATALOG.get(source.model)
    if info is not None:
        return info.is_language_model
    return any(kind == "StepStats" and fields.get("tokens_per_s") is not None
               for _t, kind, fields in source.events)


class ReplayControl(QObject):
    """The replay queue and speed.

    Args:
        bridge: Reads each replayed run.
        loader: Reads recordings and stored runs off the GUI thread.
        tasks: Where its asyncio tasks live.
        busy: Whether a live run or an experiment is in progress (a replay waits).

    Signals:
        began(int): A replay of that many runs starts.
        run_started(object, str): A run of it starts: ``(ReplaySource, "2 of 3")``.
        finished(bool): The replay ended (``True``: it was stopped).
        speed_changed(float): The replay speed changed.
    """

    began = Signal(int)
    run_started = Signal(object, str)
    finished = Signal(bool)
    speed_changed = Signal(float)

    def __init__(self, bridge: EventBridge, loader: RunLoader, tasks: Tasks,
                 busy: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._loader = loader
        self._tasks = tasks
        self._busy = busy
        self.current: Replay | None = None
        self._queue: list[ReplaySource] = []
        self._total = 0
        self._index = 0
        self._stopped = False
        self._closed = False
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
        if self.current is not None:
            self.current.set_speed(speed)
        self.speed_changed.emit(speed)

    # -- starting --------------------------------------------------------------------
    def play_recording(self, path: str | Path, speed: float | None = None) -> Any:
        """Replay the runs of recording ``path`` one after another (read off the GUI thread)."""
        return self._tasks.spawn(self._load_and_play(load_recording, (Path(path),), speed))

    def play_runs(self, store: Any, run_ids: list[int], speed: float | None = None) -> Any:
        """Replay stored runs ``run_ids``, oldest first."""
        return self._tasks.spawn(self._load_and_play(load_sources, (store, list(run_ids)),
                                                     speed))

    async def _load_and_play(self, loader: Callable[..., list[ReplaySource]],
                             args: tuple[Any, ...], speed: float | None) -> None:
        try:
            sources = await self._loader.run(loader, *args)
        except RecordingError as exc:
            errors.report(exc.msg, self.tr("Choose a .trainfer file saved by Trainfer (File → "
                                           "Export runs as recording…)."))
            return
        except OSError as exc:
            errors.report(self.tr("Could not open the recording: {0}").format(exc),
                          self.tr("Choose a .trainfer file saved by Trainfer (File → Export "
                                  "runs as recording…)."))
            return
        except KeyError as exc:
            errors.report(self.tr("Run {0} is no longer in the store.").format(exc.args[0]),
                          self.tr("It was deleted, perhaps from the command line."))
            return
        except Exception as exc:  # noqa: BLE001 - any read failure goes to the one sink
            log.exception("could not read the runs to replay")
            errors.report(self.tr("Could not read the runs to replay: {0}").format(exc),
                          self.tr("The store may be damaged; `trainfer runs list` shows what "
                                  "it holds."))
            return
        self.play(sources, speed)

    def play(self, sources: list[ReplaySource], speed: float | None = None) -> bool:
        """Play ``sources`` one after another, as they were recorded.

        Args:
            sources: The runs.
            speed: × real time; ``None`` keeps the selected speed.

        Returns:
            False (and reports why) while a live run is in progress or with no runs.
        """
        if not sources:
            errors.report(self.tr("There is nothing to replay: no runs were found."),
                          self.tr("Choose a recording or runs that hold events."))
            return False
        if self._busy() and not self.active:
            errors.report(self.tr("A run is in progress."),
                          self.tr("Stop it or wait for it to end, then replay."))
            return False
        if self.active:
            self._stop_quietly()
        self._tasks.cancel_others()
        if speed is not None:
            self.set_speed(speed)
        self._queue = list(sources)
        self._total = len(sources)
        self._index = 0
        self._stopped = False
        self.began.emit(self._total)
        self._next()
        return True

    def _next(self) -> None:
        if self._closed or not self._queue or self._stopped:
            return
        source = self._queue.pop(0)
        self._index += 1
        self.current = Replay(source, self._speed)
        position = (self.tr("{0} of {1}").format(self._index, self._total)
                    if self._total > 1 else "")
        self.run_started.emit(source, position)
        self._bridge.watch(self.current)

    # -- ending ----------------------------------------------------------------------
    def stream_ended(self) -> bool:
        """The bridge finished a stream: go on to the next run; False if it was not a replay."""
        if self.current is None:
            return False
        self.current = None
        if self._queue and not self._stopped and not self._closed:
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
            self._bridge.cancel()  # at once, even during a long pause between events
            self.current = None

    def _done(self, stopped: bool) -> None:
        self._queue.clear()
        self.finished.emit(stopped)

    def shutdown(self) -> None:
        """The window is closing: drop the queue and stop the current run's events."""
        self._closed = True
        self._queue.clear()
        if self.current is not None:
            self.current.stop()
