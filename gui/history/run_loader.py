"""Reading stored runs and recordings off the GUI thread.

Why a thread: a stored run of an hour holds some 70,000 events, and decoding them (JSON,
then dataclasses) takes about a second; a recording file is gzip JSON of the same size.
:class:`RunLoader` runs such reads on one worker thread and hands the result back to the
asyncio loop (the Qt main thread under qasync), so the window keeps painting. The
functions it runs use no Qt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from engine.core.catalog import CATALOG
from engine.core.events import StepStats
from engine.session.store.db import RunRecord, Store
from engine.session.store.recording import read_recording
from engine.session.store.replay import Replay, ReplaySource
from gui.live.overlay import OverlayRun, overlay_series

T = TypeVar("T")


@dataclass(frozen=True)
class LoadedRun:
    """A stored run read whole.

    Attributes:
        record: Its row in the store.
        source: The same run as a replay source (title, device, events as stored).
        events: ``(seconds since start, event)``, with every time field in seconds since
            the run's start (``Replay.decoded(0.0)``).
    """

    record: RunRecord
    source: ReplaySource
    events: list[tuple[float, Any]]


def is_language_model(model: str, events: Sequence[tuple[float, Any]] = ()) -> bool:
    """Whether ``model`` counts tokens (the catalog says; else its steps carry tokens/s)."""
    info = CATALOG.get(model)
    if info is not None:
        return info.is_language_model
    return any(isinstance(ev, StepStats) and ev.tokens_per_s is not None for _t, ev in events)


def load_stored(store: Store, run_ids: Sequence[int]) -> list[LoadedRun]:
    """Read runs ``run_ids`` whole, oldest first.

    Raises:
        KeyError: A run does not exist (or was deleted).
    """
    runs = []
    for run_id in run_ids:
        record = store.get(run_id)
        source = ReplaySource.from_store(store, run_id)
        runs.append(LoadedRun(record, source, list(Replay(source).decoded(0.0))))
    runs.sort(key=lambda r: (r.record.started_unix_s, r.record.id))
    return runs


def load_sources(store: Store, run_ids: Sequence[int]) -> list[ReplaySource]:
    """Replay sources of stored runs, oldest first (for a replay, one after another).

    Raises:
        KeyError: A run does not exist (or was deleted).
    """
    records = sorted((store.get(i) for i in run_ids), key=lambda r: (r.started_unix_s, r.id))
    return [ReplaySource.from_store(store, r.id) for r in records]


def load_recording(path: str | Path) -> list[ReplaySource]:
    """The runs of a ``.trainfer`` recording as replay sources, in the file's order.

    Raises:
        RecordingError: Not a readable recording (the message says why).
        OSError: The file cannot be read.
    """
    return [ReplaySource.from_recording(run) for run in read_recording(path)]


def load_overlay(
    store: Store,
    run_ids: Sequence[int],
    label: Callable[[RunRecord], str],
    short_label: Callable[[RunRecord], str] | None = None,
) -> list[OverlayRun]:
    """Plot arrays of runs ``run_ids`` for an overlay, oldest first.

    Args:
        store: Where the runs are.
        run_ids: Which runs.
        label: The full name of a run (legend above the plots).
        short_label: Its name inside each plot's legend; ``None`` uses ``label``.

    Raises:
        KeyError: A run does not exist (or was deleted).
    """
    out = []
    for run in load_stored(store, run_ids):
        lm = is_language_model(run.record.model, run.events)
        series = overlay_series((ev for _t, ev in run.events), lm)
        short = short_label(run.record) if short_label is not None else ""
        out.append(OverlayRun(label(run.record), lm, series, short))
    return out


class RunLoader:
    """One worker thread (made on first use) for slow reads; results come back awaited."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on the worker thread and return its result (or raise its error)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="trainfer-loader")
        return await asyncio.wrap_future(self._executor.submit(fn, *args))

    def shutdown(self) -> None:
        """Drop queued work, wait for the current read, and end the thread."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
