"""The JSON-lines event stream of ``trainfer run … --events jsonl`` (format version 1).

One JSON object per line, UTF-8, each line flushed as it is written:

* the first line is the header: ``{"format": "trainfer-events", "version": 1,
  "trainfer": "0.1.0", "host": "gpu-server", "t_s": 81234.5, "started_unix_s":
  1765152000.0}`` (``t_s``: the writer's ``time.monotonic()`` when it wrote the line, s;
  ``host``: its host name);
* then every event of the run in the order :meth:`engine.session.session.Session.iter_events`
  gives them (``Started``, ``Phase``, ``StepStats``, ``Sample``, ``TelemetryStatus``,
  ``Notice``, and last ``Summary`` or ``Failed``), each as its ``to_dict()``: the event's
  class name in ``"event"`` and its fields as the store keeps them
  (:func:`engine.core.values.to_plain`: NaN is ``null``, messages and quantities in their
  tagged form), the same field names as ``run --json``.

Every time field (``t_s``, ``*_t_s``) is on the writer's monotonic clock; the reader moves
them onto its own with the header's ``t_s`` (:meth:`StreamDecoder.clock_offset_s`). A
reader ignores fields it does not know, so a newer writer may add fields within version 1;
removing or renaming one makes version 2.
"""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass
from typing import Any

from engine import __version__
from engine.core.values import to_plain
from engine.session.store.codec import KINDS, decode, field_problem, shift_times

FORMAT = "trainfer-events"
VERSION = 1
"""The stream format's version: a reader refuses a stream of another version."""


class StreamError(ValueError):
    """A line that is not part of a Trainfer event stream (``str(exc)`` says why)."""


@dataclass(frozen=True)
class Header:
    """The first line of a stream.

    Attributes:
        format: :data:`FORMAT` for a Trainfer stream.
        version: The stream format's version (:data:`VERSION` for this Trainfer).
        trainfer: The writer's Trainfer version (``engine.__version__``).
        host: The writer's host name.
        t_s: The writer's ``time.monotonic()`` when it wrote the header (s).
        started_unix_s: The writer's wall clock then (Unix seconds).
    """

    format: str
    version: int
    trainfer: str
    host: str
    t_s: float
    started_unix_s: float


def header_line(t_s: float | None = None, host: str | None = None) -> str:
    """The header line (with its newline) for a stream that starts now.

    Args:
        t_s: The writer's monotonic time (s); ``None``: now.
        host: The writer's host name; ``None``: :func:`socket.gethostname`.
    """
    head = {"format": FORMAT, "version": VERSION, "trainfer": __version__,
            "host": socket.gethostname() if host is None else host,
            "t_s": time.monotonic() if t_s is None else t_s, "started_unix_s": time.time()}
    return json.dumps(head, allow_nan=False, separators=(",", ":")) + "\n"


def event_line(event: Any) -> str:
    """One event as a line (with its newline): its ``to_dict()`` in strict, compact JSON.

    Raises:
        TypeError: ``event`` is not one of the stream's event types.
    """
    kind = type(event).__name__
    if KINDS.get(kind) is not type(event):
        raise TypeError(f"not a Trainfer event: {event!r}")
    fields = to_plain(event)
    return json.dumps({"event": kind, **fields}, allow_nan=False, separators=(",", ":")) + "\n"


def parse_header(line: str | bytes) -> Header:
    """The header of a stream from its first line.

    Raises:
        StreamError: Not JSON, or not a Trainfer stream's header (the format or a field is
            missing). A header of another *version* is returned: the caller says what to
            update (:attr:`Header.version`).
    """
    obj = _object(line)
    if obj.get("format") != FORMAT:
        raise StreamError(f"not a {FORMAT} header")
    try:
        return Header(FORMAT, int(obj["version"]), str(obj.get("trainfer", "")),
                      str(obj.get("host", "")), float(obj.get("t_s", 0.0)),
                      float(obj.get("started_unix_s", 0.0)))
    except (KeyError, TypeError, ValueError) as exc:
        raise StreamError(f"a damaged header: {exc}") from None


class StreamDecoder:
    """Turns the lines after a header into events on this machine's monotonic clock.

    Args:
        header: The stream's header.
        received_t_s: This machine's ``time.monotonic()`` when the header arrived (s);
            ``None``: now. The writer's times are moved by the difference (transport
            delay included: milliseconds over SSH).
    """

    def __init__(self, header: Header, received_t_s: float | None = None) -> None:
        self.header = header
        received = time.monotonic() if received_t_s is None else received_t_s
        self.clock_offset_s = received - header.t_s
        """Added to every time field: this machine's clock minus the writer's (s)."""

    def decode(self, line: str | bytes) -> Any:
        """The event of one line, its times moved onto this machine's clock.

        Raises:
            StreamError: Not JSON, an unknown event, or fields that do not fit it.
        """
        return decode_event(line, self.clock_offset_s)


def decode_event(line: str | bytes, offset_s: float = 0.0) -> Any:
    """The event of one line, ``offset_s`` added to its time fields (s).

    Raises:
        StreamError: Not JSON, an unknown event, or fields that do not fit it.
    """
    obj = _object(line)
    kind = obj.pop("event", None)
    if not isinstance(kind, str) or kind not in KINDS:
        raise StreamError(f"unknown event {kind!r}")
    problem = field_problem(kind, obj)
    if problem:
        raise StreamError(problem)
    try:
        return decode(kind, shift_times(obj, offset_s) if offset_s else obj)
    except (KeyError, TypeError, ValueError) as exc:
        raise StreamError(f"{kind}: {exc}") from None


def _object(line: str | bytes) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        raise StreamError(f"not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise StreamError("not a JSON object")
    return obj
