"""Replay a stored or recorded run through the same event interface as a live run.

:class:`Replay` has the ``events()`` async iterator of :class:`engine.session.session.Session`, so
the GUI's bridge, live plots and comparison view take a replay like a live run. Events
come at their original pace divided by ``speed``; every time field (``t_s`` and the
``*_t_s`` fields) is shifted onto this process's monotonic clock, keeping each event's
distance from the run's start, so plots show the original seconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from engine.core.events import Failed, Summary
from engine.session.store.codec import decode, shift_times
from engine.session.store.db import Store


@dataclass(frozen=True)
class ReplaySource:
    """What is replayed.

    Attributes:
        title: ``model · mode · device`` or the run's name.
        model, mode, device, device_name: What ran where.
        started_unix_s: When it originally ran (Unix seconds).
        events: ``(seconds since the run's start, kind, fields)`` in order; the times
            inside the fields are on the clock of ``t0_s``.
        config: The run's configuration as a dict.
        t0_s: The run's start on the clock of its fields' times: the original monotonic
            time for a run stored here, 0 for a recording's (whose times are seconds
            since the start) and for a run imported from one.
    """

    title: str
    model: str
    mode: str
    device: str
    device_name: str
    started_unix_s: float
    events: list[tuple[float, str, dict[str, Any]]]
    config: dict[str, Any]
    t0_s: float

    @classmethod
    def from_store(cls, store: Store, run_id: int) -> ReplaySource:
        """A stored run.

        Raises:
            KeyError: No such run.
        """
        rec = store.get(run_id)
        events = [(t - rec.t0_s, k, f) for t, k, f in store.events(run_id)]
        return cls(rec.title, rec.model, rec.mode, rec.device, rec.device_name,
                   rec.started_unix_s, events, rec.config, rec.t0_s)

    @classmethod
    def from_recording(cls, run: dict[str, Any]) -> ReplaySource:
        """One run of :func:`engine.session.store.recording.read_recording`.

        Its times are seconds since its start, whatever version the file is
        (``read_recording`` moves a version 1 run's onto that clock).
        """
        title = run.get("name") or f"{run['model']} · {run['mode']} · {run.get('device', '')}"
        return cls(title, run["model"], run["mode"], run.get("device", ""),
                   run.get("device_name", ""), float(run.get("started_unix_s", 0.0)),
                   [(float(t), k, f) for t, k, f in run["events"]], run["config"], 0.0)


class Replay:
    """Plays one :class:`ReplaySource`.

    Args:
        source: The run.
        speed: 1 for real time, 10 for ten times faster (> 0).
    """

    is_replay = True

    def __init__(self, source: ReplaySource, speed: float = 1.0,
                 t0_s: float | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.source = source
        self.speed = speed
        self._stopped = False
        self.running = False
        self.t0_s: float | None = t0_s  # None: the time events() starts

    def set_speed(self, speed: float) -> None:
        """Change the speed mid-replay without a jump.

        The original seconds played so far stay where they are.

        Raises:
            ValueError: ``speed`` is not positive.
        """
        if speed <= 0:
            raise ValueError("speed must be positive")
        if self.t0_s is not None and self.running:
            now = time.monotonic()
            played_s = (now - self.t0_s) * self.speed
            self.t0_s = now - played_s / speed
        self.speed = speed

    def stop(self) -> None:
        """End the replay at the next event."""
        self._stopped = True

    def decoded(self, t0_s: float) -> Iterator[tuple[float, Any]]:
        """``(seconds since start, event)``, times shifted so the run starts at ``t0_s``.

        Events of unknown kinds are skipped.
        """
        for rel, kind, fields in self.source.events:
            try:
                yield rel, decode(kind, shift_times(fields, t0_s - self.source.t0_s))
            except (KeyError, TypeError):
                continue

    async def events(self) -> AsyncIterator[Any]:
        """Yield the run's events at their original pace divided by ``speed``.

        Ends after the terminal event, or on :meth:`stop`.
        """
        self.running = True
        if self.t0_s is None:
            self.t0_s = time.monotonic()
        try:
            for rel, event in self.decoded(self.t0_s):
                if self._stopped:
                    return
                wait = self.t0_s + rel / self.speed - time.monotonic()
                if wait > 0.002:  # shorter waits cost an event-loop round trip per event
                    await asyncio.sleep(wait)
                yield event
                if isinstance(event, (Summary, Failed)):
                    return
        finally:
            self.running = False
