"""Events to stored rows and back.

A stored event is ``(t_s, kind, json)``: ``kind`` is the event's class name and the JSON
holds its fields (NaN as ``null``). Decoding ignores fields it does not know, so a
recording from a newer Trainfer with extra fields still loads.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from engine import events as ev
from engine.store.db import plain_json

KINDS: dict[str, type] = {
    cls.__name__: cls
    for cls in (ev.Started, ev.Phase, ev.StepStats, ev.Sample, ev.TelemetryStatus, ev.Summary,
                ev.Failed, ev.Notice)
}


def event_time(event: Any) -> float:
    """The event's monotonic time (a Summary's is the end of its measured phase)."""
    if isinstance(event, ev.Summary):
        return event.measure_end_t_s
    return float(event.t_s)


def encode(event: Any) -> tuple[float, str, str]:
    """``(t_s, kind, json)`` for one event."""
    return event_time(event), type(event).__name__, plain_json(dataclasses.asdict(event))


def decode(kind: str, fields: dict[str, Any]) -> Any:
    """The event of ``kind`` from its stored fields.

    Raises:
        KeyError: ``kind`` is not an event Trainfer knows.
        TypeError: A required field is missing.
    """
    cls = KINDS[kind]
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in fields.items() if k in names})
