"""Writes one run's events to the store from a thread of its own.

Why a thread: SQLite commits take milliseconds to tens of milliseconds; the sampler and
the session's pump must never wait for the disk. Events are queued and committed at least
every ``FLUSH_S`` seconds (DESIGN.md: a crash loses at most the last second).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from engine.core.config import RunConfig
from engine.core.events import Failed, Started, StepStats, Summary
from engine.core.values import Msg, msg
from engine.session.store.codec import encode
from engine.session.store.db import Store

FLUSH_S = 0.5
log = logging.getLogger(__name__)
_CLOSE = object()


def status_of(event: Any) -> str:
    """The stored status a terminal event gives its run."""
    if isinstance(event, Summary):
        return "stopped" if event.stopped_early else "completed"
    if isinstance(event, Failed):
        if event.kind == "crash":
            return "interrupted"
        return "stopped" if event.kind == "stopped" else "failed"
    raise TypeError(f"not a terminal event: {event!r}")


class Recorder:
    """Records one run.

    A run refused for a setting before any step (``Failed`` of kind ``"config"``: weights
    that do not fit, a kernel mode the device lacks) is removed once recorded: it measured
    nothing, and History should not fill with attempts. The message reaches the user as
    any failure does.

    Args:
        store: Where to write.
        config: The run's configuration (written at once).
        t0_s: Monotonic time of the start.
        on_error: Called (from the recorder thread) with a message if writing fails; the
            run goes on, unrecorded.
    """

    def __init__(self, store: Store, config: RunConfig, t0_s: float,
                 on_error: Callable[[Msg], None] | None = None) -> None:
        self.store = store
        self.run_id = store.create_run(config.to_dict(), t0_s)
        self._on_error = on_error
        self._q: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._seq = 0
        self._failed = False
        self._stepped = False
        self._thread = threading.Thread(target=self._run, name="trainfer-recorder", daemon=True)
        self._thread.start()

    def add(self, event: Any) -> None:
        """Queue one event (thread-safe, never blocks on the disk)."""
        self._q.put(event)

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued and stop the thread."""
        self._q.put(_CLOSE)
        self._thread.join(timeout)

    def _run(self) -> None:
        pending: list[Any] = []
        last = time.monotonic()
        closing = False
        while not closing:
            try:
                item = self._q.get(timeout=FLUSH_S)
            except queue.Empty:
                item = None
            if item is _CLOSE:
                closing = True
            elif item is not None:
                pending.append(item)
            terminal = any(isinstance(e, (Summary, Failed)) for e in pending)
            if pending and (closing or terminal or time.monotonic() - last >= FLUSH_S):
                self._write(pending)
                pending = []
                last = time.monotonic()

    def _write(self, batch: list[Any]) -> None:
        if self._failed:
            return
        try:
            self.store.append_events(self.run_id, self._seq, [encode(e) for e in batch])
            self._seq += len(batch)
            for e in batch:
                if isinstance(e, StepStats):
                    self._stepped = True
                if isinstance(e, Started):
                    self.store.set_device(self.run_id, e.device, e.device_name)
                elif isinstance(e, (Summary, Failed)):
                    self.store.finish_run(
                        self.run_id, status_of(e),
                        summary=e.to_dict() if isinstance(e, Summary) else None,
                        failure=e.to_dict() if isinstance(e, Failed) else None,
                    )
                    if isinstance(e, Failed) and e.kind == "config" and not self._stepped:
                        self.store.remove(self.run_id)  # a refused setting, nothing measured
        except Exception as exc:  # noqa: BLE001 - a full disk must not stop the run
            self._failed = True
            log.error("recording run %s failed: %s", self.run_id, exc)
            if self._on_error is not None:
                self._on_error(msg("recorder.failed", path=str(self.store.path),
                                   error=str(exc)))
