"""Events to stored rows and back.

A stored event is ``(t_s, kind, json)``: ``kind`` is the event's class name and the JSON
holds its fields (NaN as ``null``; messages and quantities in their tagged form,
:func:`engine.core.values.to_plain`). Decoding ignores fields it does not know, so a
recording from a newer Trainfer with extra fields still loads.

Time fields (``t_s`` and every ``*_t_s``, :func:`is_time_field`) are stored on the clock of
the run's ``t0_s`` (``time.monotonic()`` of the machine that ran it); exports and
recordings move them to seconds since the run started with :func:`shift_times`.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from typing import Any

from engine.core import events as ev
from engine.core.values import Msg, from_plain, plain_json

KINDS: dict[str, type] = {
    cls.__name__: cls
    for cls in (ev.Started, ev.Phase, ev.StepStats, ev.Sample, ev.TelemetryStatus, ev.Summary,
                ev.Failed, ev.Notice, ev.GpuSample)
}


def event_time(event: Any) -> float:
    """The event's monotonic time (a Summary's is the end of its measured phase)."""
    if isinstance(event, ev.Summary):
        return event.measure_end_t_s
    return float(event.t_s)


def is_time_field(name: str) -> bool:
    """Whether the field ``name`` is a time on a run's clock (``t_s``, ``measure_end_t_s``)."""
    return name == "t_s" or name.endswith("_t_s")


def shift_times(fields: dict[str, Any], offset_s: float) -> dict[str, Any]:
    """``fields`` with ``offset_s`` added to every numeric time field (:func:`is_time_field`).

    ``shift_times(fields, -t0_s)`` gives seconds since a run that started at ``t0_s``;
    other fields (``started_unix_s``, durations such as ``measured_s``) are kept as they are.
    """
    return {
        k: (v + offset_s if is_time_field(k) and isinstance(v, (int, float))
            and not isinstance(v, bool) else v)
        for k, v in fields.items()
    }


def encode(event: Any) -> tuple[float, str, str]:
    """``(t_s, kind, json)`` for one event."""
    return event_time(event), type(event).__name__, plain_json(event)


def decode(kind: str, fields: dict[str, Any]) -> Any:
    """The event of ``kind`` from its stored fields.

    Raises:
        KeyError: ``kind`` is not an event Trainfer knows.
        TypeError: A required field is missing.
        ValueError: A message or quantity field is malformed.
    """
    cls = KINDS[kind]
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: from_plain(v) for k, v in fields.items() if k in names})


def field_problem(kind: str, fields: dict[str, Any]) -> str:
    """What makes ``fields`` unfit for an event of ``kind``, or ``""``.

    A stored or imported event is trusted by every view (plots, tables, History), so a
    value of the wrong type (a text where a number belongs), a missing required field or
    a negative byte count is a damaged record, and so is a number no measurement gives
    (``1e400`` read as infinity, a NaN that plain JSON never holds, an integer beyond 64
    bits). Fields this version does not know pass.
    """
    cls = KINDS.get(kind)
    if cls is None:
        return f"unknown kind {kind!r}"
    hints = _hints(cls)
    for f in dataclasses.fields(cls):
        if f.name not in fields:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                return f"{kind} has no {f.name}"
            continue
        problem = _value_problem(fields[f.name], hints[f.name])
        if problem:
            return f"{kind}.{f.name} {problem}"
        if f.name.endswith("_bytes") and isinstance(fields[f.name], (int, float)) and (
                fields[f.name] < 0):
            return f"{kind}.{f.name} is negative"
    return ""


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


INT_LIMIT = 2**63
"""Integers at or beyond this size fit no counter Trainfer stores (SQLite's own limit)."""


def number_problem(value: Any) -> str:
    """``""`` for a number a measurement can give, else what is wrong with it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"is {type(value).__name__}, not a number"
    if isinstance(value, int):
        return "" if -INT_LIMIT < value < INT_LIMIT else "is out of range (too large an integer)"
    return "" if math.isfinite(value) else f"is out of range ({value!r})"


def _value_problem(value: Any, hint: Any) -> str:
    """``""`` when ``value`` fits the annotation ``hint`` (JSON's view of it)."""
    if hint is float and type(value) is float and math.isfinite(value):
        return ""  # the common case first: one event holds some twenty such fields
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if value is None:  # a float field's NaN is stored as null too
        return "" if type(None) in args or hint is float or float in args else "is missing"
    if origin in (typing.Union, types.UnionType):
        allowed = [a for a in args if a is not type(None)]
        problems = [_value_problem(value, a) for a in allowed]
        if not all(problems):
            return ""
        if len(problems) == 1:
            return problems[0]
        return f"is {type(value).__name__}, not {' or '.join(_name(a) for a in allowed)}"
    if hint is float or hint is int:
        return number_problem(value)  # NaN travels as null: a stored NaN is damage too
    if hint is Msg:
        ok = isinstance(value, dict) and value.get("type") == "message" and isinstance(
            value.get("id"), str)
        return "" if ok else f"is {type(value).__name__}, not a message"
    if hint is bool:
        return "" if isinstance(value, bool) else f"is {type(value).__name__}, not true/false"
    if hint is str:
        return "" if isinstance(value, str) else f"is {type(value).__name__}, not text"
    if origin in (list, tuple) or hint in (list, tuple):
        return "" if isinstance(value, (list, tuple)) else f"is {type(value).__name__}, not a list"
    if origin is dict or hint is dict:
        return "" if isinstance(value, dict) else f"is {type(value).__name__}, not a mapping"
    return ""


def _name(hint: Any) -> str:
    return {float: "a number", int: "a number", str: "text", bool: "true/false"}.get(
        hint, getattr(hint, "__name__", str(hint)))
