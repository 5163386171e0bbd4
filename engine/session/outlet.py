"""The one way a session hands a run's events out: a queue the consumers read.

A :class:`~engine.session.session.Session` (a run here) and a
:class:`~engine.session.remote.session.RemoteSession` (a run on another host) both put
each event in a queue, and into the store's recorder, as it happens; the GUI reads them
with :meth:`EventOutlet.events` (async), the command line with
:meth:`EventOutlet.iter_events`. The run's last item is :data:`END`.
"""

from __future__ import annotations

import asyncio
import queue
from collections.abc import AsyncIterator, Iterator
from typing import Any

END = object()
"""Put after a run's terminal event: the consumers' loops end there."""


class EventOutlet:
    """A run's event queue and recorder, and the two ways to read the queue.

    Subclasses set :attr:`_out` (a fresh queue per run), :attr:`_recorder` (or ``None``)
    and :attr:`_pump` (the thread that feeds the queue; ``None`` before the first run).
    """

    _out: queue.Queue[Any]
    _recorder: Any
    _pump: Any

    async def events(self) -> AsyncIterator[Any]:
        """Yield every event of the current run; ends after its Summary or Failed."""
        if self._pump is None:
            return
        while True:
            try:
                ev = self._out.get_nowait()
            except queue.Empty:
                await asyncio.sleep(0.02)
                continue
            if ev is END:
                return
            yield ev

    def iter_events(self) -> Iterator[Any]:
        """Blocking form of :meth:`events` for the command line."""
        if self._pump is None:
            return
        while True:
            ev = self._out.get()
            if ev is END:
                return
            yield ev

    def _emit(self, ev: Any) -> None:
        """Hand one event to the consumers and to the recorder."""
        self._out.put(ev)
        if self._recorder is not None:
            self._recorder.add(ev)
