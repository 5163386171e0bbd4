"""The bridge: one Qt signal per event type, an end signal, errors reported."""

from __future__ import annotations

import asyncio

from engine.core.events import Phase, Sample, StepStats, TelemetryStatus
from gui.bridge import EventBridge


class FakeSource:
    def __init__(self, events, error=None):
        self._events = events
        self._error = error

    async def events(self):
        for ev in self._events:
            await asyncio.sleep(0.001)
            yield ev
        if self._error:
            raise self._error


def test_events_become_signals_in_order(qtbot, qloop, summary_factory):
    bridge = EventBridge()
    got = []
    for name in ("phase", "step", "sample", "telemetry", "summary", "failed"):
        getattr(bridge, name).connect(lambda ev, n=name: got.append(n))
    events = [
        TelemetryStatus(0.0, False, "no NVIDIA driver found"),
        Phase(0.1, "warmup"),
        Sample(0.2, cpu_util_pct=10.0),
        StepStats(0.3, 1, "warmup", 5.0, 100.0, None, 1.0),
        summary_factory("train"),
    ]
    with qtbot.waitSignal(bridge.finished, timeout=5000):
        bridge.watch(FakeSource(events))
    assert got == ["telemetry", "phase", "sample", "step", "summary"]
    assert not bridge.active


def test_a_broken_stream_becomes_a_failed_signal(qtbot, qloop):
    bridge = EventBridge()
    failures = []
    bridge.failed.connect(failures.append)
    with qtbot.waitSignal(bridge.finished, timeout=5000):
        bridge.watch(FakeSource([Phase(0.0, "build")], error=RuntimeError("queue closed")))
    assert failures and "queue closed" in failures[0].message and failures[0].hint


def test_cancel_stops_reading_without_signals(qtbot, qloop):
    bridge = EventBridge()
    finished = []
    bridge.finished.connect(lambda: finished.append(True))

    class Endless:
        async def events(self):
            while True:
                await asyncio.sleep(0.01)
                yield Sample(0.0)

    task = bridge.watch(Endless())
    qtbot.wait(50)
    bridge.cancel()
    qtbot.waitUntil(task.done, timeout=2000)
    assert task.cancelled() and not finished


def test_a_notice_is_its_own_signal(qtbot, qloop):
    from engine.core.events import Notice

    bridge = EventBridge()
    notices, failures = [], []
    bridge.notice.connect(notices.append)
    bridge.failed.connect(failures.append)
    with qtbot.waitSignal(bridge.finished, timeout=5000):
        bridge.watch(FakeSource([Notice(0.0, "this run could not be saved", "free disk space")]))
    assert [n.message for n in notices] == ["this run could not be saved"] and not failures
