"""Writes one run's events to the store from a thread of its own.

Why a thread: SQLite commits take milliseconds to tens of milliseconds; the sampler and
the session's pump must never wait for the disk. Events are queued and committed at least
every ``FLUSH_S`` seconds (DESIGN.md: a crash loses at most the last second).

A write the store refuses for a while (another program holding the write lock, a full
disk) is not the end of the run's record: the events stay in memory, the write is tried
again with back-off (``RETRY_FIRST_S`` doubling up to ``RETRY_MAX_S``), and each flush
writes a batch whole or not at all (:meth:`~engine.session.store.db.Store.write_batch`),
so the run's summary is stored with it as soon as the store takes it. A database deleted
or replaced while the run writes is noticed; the run goes on into the file it opened
(still readable through the open connection) and is saved as a ``.trainfer`` recording
beside it when it ends. Each of these says so once, through ``on_notice``.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.core.config import RunConfig
from engine.core.events import Failed, Started, StepStats, Summary
from engine.core.values import Msg, msg
from engine.session.store.codec import encode
from engine.session.store.db import Store, StoreError

FLUSH_S = 0.5
RETRY_FIRST_S = 0.05
RETRY_MAX_S = 2.0
RETRIED = ("locked", "full", "io")
"""Faults that pass (a lock is released, space is freed): the write is tried again."""
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


def hint_for(fault: str) -> Msg:
    """What a user can do about a store ``fault`` (:data:`engine.session.store.db.FAULTS`)."""
    return msg({"locked": "recorder.hint.locked", "full": "recorder.hint.full",
                "read_only": "recorder.hint.read_only", "gone": "recorder.hint.gone"}.get(
        fault, "session.not_recorded.hint"))


class Recorder:
    """Records one run.

    A run refused for a setting before any step (``Failed`` of kind ``"config"``: weights
    that do not fit, a kernel mode the device lacks) is removed once recorded: it measured
    nothing, and History should not fill with attempts. The message reaches the user as
    any failure does.

    Args:
        store: Where to write.
        config: The run's configuration (written at once; while another program holds
            the write lock, with the first events).
        t0_s: Monotonic time of the start.
        on_notice: Called (from the recorder thread) with ``(message, hint)`` when
            writing waits, resumes, is given up or goes to a recording file instead.
        host: The host the run ran on (``USER@HOST`` of a remote run), kept in the
            stored configuration as ``host``; ``""``: this machine (not stored).

    Attributes:
        run_id: The run's row id; ``None`` until the row could be written.
        saved_to: The recording the run was saved to when its store went away, or ``None``.

    Raises:
        StoreError: The store cannot take a run now (read-only, a full disk, damaged):
            said before the run starts; ``fault`` says which.
    """

    def __init__(self, store: Store, config: RunConfig, t0_s: float,
                 on_notice: Callable[[Msg, Msg], None] | None = None,
                 host: str = "") -> None:
        self.store = store
        self._config = config.to_dict() | ({"host": host} if host else {})
        self._t0 = t0_s
        self._on_notice = on_notice
        self.run_id: int | None = None
        self.saved_to: Path | None = None
        try:
            self.run_id = store.create_run(self._config, t0_s)
        except StoreError as exc:
            if exc.fault != "locked":
                raise
            # another program holds the lock: the row is written with the first events
        self._q: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._seq = 0
        self._failed = False
        self._stepped = False
        self._waiting: StoreError | None = None
        self._gone: StoreError | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="trainfer-recorder", daemon=True)
        self._thread.start()

    def add(self, event: Any) -> None:
        """Queue one event (thread-safe, never blocks on the disk)."""
        self._q.put(event)

    def close(self, timeout: float = 5.0) -> bool:
        """Write what is queued and stop the thread; returns whether all of it is stored.

        Waits at most ``timeout`` seconds; a write still waiting for the store goes on in
        the background while this process lives (and says so when it is done).
        """
        self._q.put(_CLOSE)
        self._done.wait(timeout)
        return self._done.is_set() and not self._failed

    def _say(self, what: Msg, hint: Msg) -> None:
        if self._on_notice is not None:
            self._on_notice(what, hint)

    def _run(self) -> None:
        pending: list[Any] = []
        last = time.monotonic()
        closing = False
        backoff = 0.0
        next_try = 0.0
        while True:
            wait = FLUSH_S if not backoff else max(0.0, next_try - time.monotonic())
            try:
                item = self._q.get(timeout=wait)
            except queue.Empty:
                item = None
            if item is _CLOSE:
                closing = True
            elif item is not None:
                pending.append(item)
            now = time.monotonic()
            terminal = any(isinstance(e, (Summary, Failed)) for e in pending)
            due = pending and (closing or terminal or now - last >= FLUSH_S) and now >= next_try
            if due:
                if self._write(pending):
                    pending, last, backoff = [], now, 0.0
                elif self._failed:
                    pending, backoff = [], 0.0
                else:  # kept in memory; tried again later, less often
                    backoff = min(RETRY_MAX_S, max(RETRY_FIRST_S, 2 * backoff))
                    next_try = now + backoff
            if closing and not pending:
                break
        if self._gone is not None and not self._failed:
            self._rescue()
        self._done.set()

    def _write(self, batch: list[Any]) -> bool:
        """Store ``batch`` whole; ``False`` when it must wait (or writing was given up)."""
        if self._failed:
            return False
        if self._gone is None:
            gone = self.store.file_problem()
            if gone is not None:  # go on into the open file; saved as a recording at the end
                self._gone = gone
                log.error("run store gone while recording: %s", gone)
                self._say(msg("recorder.store_gone", problem=gone.msg), hint_for("gone"))
        end = next((e for e in batch if isinstance(e, (Summary, Failed))), None)
        try:
            if self.run_id is None:
                self.run_id = self.store.create_run(self._config, self._t0)
            device = next(((e.device, e.device_name) for e in batch if isinstance(e, Started)),
                          None)
            finish = None if end is None else (
                status_of(end), end.to_dict() if isinstance(end, Summary) else None,
                end.to_dict() if isinstance(end, Failed) else None)
            self.store.write_batch(self.run_id, self._seq, [encode(e) for e in batch],
                                   device=device, finish=finish)
        except StoreError as exc:
            if exc.fault in RETRIED and not self.store.closed:
                if self._waiting is None:
                    log.warning("recording run %s waits: %s", self.run_id, exc)
                    self._say(msg("recorder.waiting", problem=exc.msg), hint_for(exc.fault))
                self._waiting = exc
                return False
            return self._give_up(exc.msg, exc.fault)
        except Exception as exc:  # noqa: BLE001 - an unexpected error must not stop the run
            return self._give_up(str(exc), "io")
        self._seq += len(batch)
        if self._waiting is not None:
            self._waiting = None
            self._say(msg("recorder.saved", path=str(self.store.path)),
                      msg("recorder.hint.saved"))
        self._stepped = self._stepped or any(isinstance(e, StepStats) for e in batch)
        if isinstance(end, Failed) and end.kind == "config" and not self._stepped:
            with contextlib.suppress(StoreError):  # else kept as a failed run: no harm
                self.store.remove(self.run_id)  # a refused setting, nothing measured
        return True

    def _give_up(self, error: Msg | str, fault: str) -> bool:
        self._failed = True
        log.error("recording run %s failed: %s", self.run_id, error)
        if not self.store.closed:
            self._say(msg("recorder.failed", path=str(self.store.path), error=error),
                      hint_for(fault))
        return False

    def _rescue(self) -> None:
        """The store's file went away: save this run from the open file as a recording."""
        from engine.session.store.recording import export_recording

        if self.run_id is None:
            return
        name = f"trainfer-run-{self.run_id}-{time.strftime('%Y%m%d-%H%M%S')}.trainfer"
        for folder in (self.store.data_dir, Path(tempfile.gettempdir())):
            try:
                self.saved_to = export_recording(self.store, [self.run_id], folder / name)
            except (OSError, KeyError, StoreError) as exc:
                log.error("saving run %s to %s failed: %s", self.run_id, folder, exc)
                continue
            self._say(msg("recorder.rescued", file=str(self.saved_to)),
                      msg("recorder.hint.rescued", file=str(self.saved_to)))
            return
        self._give_up(msg("recorder.not_rescued"), "gone")
