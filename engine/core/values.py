"""Typed values the engine hands to the edge: quantities with units, and messages.

The engine computes numbers and says what they are; the command line, the GUI and the
exports turn them into words with one formatter (:mod:`engine.core.format`), in the
user's language. Two kinds of value cross that boundary:

* :class:`Quantity`: a number (or ``None``: not measured) with its unit, and for rates
  and per-item costs the item it counts (``images``, ``tokens``);
* :class:`Msg`: a message id of the catalogue (``resources/messages/en.json``) with its
  parameters, which may be quantities, other messages or plain values.

Both are frozen, picklable (they travel from the run process) and have a JSON form
(:func:`to_plain` / :func:`from_plain`) that the store, recordings and ``--json`` use.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

# Units (the value is always in the base unit; the formatter picks a prefix).
BYTES = "B"
MS = "ms"
SECONDS = "s"
JOULES = "J"
WATTS = "W"
PERCENT = "%"  # a percentage, 0-100
SHARE = "share"  # a fraction, 0-1, shown as a percentage
TIMES = "×"  # a ratio
FLOP = "FLOP"  # a count of floating-point operations (a multiply-add is 2)
TFLOPS = "TFLOP/s"
PER_SECOND = "/s"  # a rate of ``per`` items (plural noun: images, tokens)
COUNT = ""  # a plain number
ITEM_COUNT = "items"  # a number of ``per`` items (plural noun: 64 images)
UNITS = (BYTES, MS, SECONDS, JOULES, WATTS, PERCENT, SHARE, TIMES, FLOP, TFLOPS, PER_SECOND,
         COUNT, ITEM_COUNT)

ITEMS = ("images", "vectors", "sequences", "samples", "tokens", "steps")
"""Items a rate counts (``per`` of a ``/s`` quantity), plural; a per-item cost (``J`` per
image) names the singular (``image``)."""


@dataclass(frozen=True)
class Quantity:
    """A measured number with its unit.

    Attributes:
        value: In the base unit of ``unit`` (bytes, milliseconds, joules ...); ``None``
            when it was not measured or the device cannot measure it (shown "N/A").
        unit: One of :data:`UNITS`.
        per: The item of a rate (``unit="/s"``, plural: ``"images"``) or of a per-item
            cost (``"image"`` for J/image, ms/image, FLOP/image); ``""``: none.
        decimals: Show exactly this many decimals (a loss: 3); ``None``: three
            significant digits.
    """

    value: float | None
    unit: str = COUNT
    per: str = ""
    decimals: int | None = None

    @property
    def known(self) -> bool:
        """True when :attr:`value` is a finite number."""
        return _finite(self.value)


def _finite(value: object) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def q(value: float | None, unit: str = COUNT, per: str = "",
      decimals: int | None = None) -> Quantity:
    """A :class:`Quantity`; a value that is not a finite number becomes ``None``."""
    return Quantity(float(value) if _finite(value) else None, unit, per, decimals)  # type: ignore[arg-type]


def nbytes(value: float | None) -> Quantity:
    """Bytes (shown with binary prefixes: ``1.65 GiB``)."""
    return q(value, BYTES)


def millis(value: float | None, per: str = "") -> Quantity:
    """Milliseconds (``per``: ms per item, e.g. ``"image"``)."""
    return q(value, MS, per)


def seconds(value: float | None) -> Quantity:
    """Seconds."""
    return q(value, SECONDS)


def joules(value: float | None, per: str = "") -> Quantity:
    """Joules (``per``: energy per item, e.g. ``"token"``)."""
    return q(value, JOULES, per)


def watts(value: float | None) -> Quantity:
    """Watts."""
    return q(value, WATTS)


def percent(value: float | None) -> Quantity:
    """A percentage (0-100)."""
    return q(value, PERCENT)


def share(value: float | None) -> Quantity:
    """A fraction (0-1), shown as a percentage."""
    return q(value, SHARE)


def ratio(value: float | None) -> Quantity:
    """A ratio (``3.20×``)."""
    return q(value, TIMES)


def rate(value: float | None, per: str) -> Quantity:
    """Items per second (``per``: plural, ``"images"``, ``"tokens"``)."""
    return q(value, PER_SECOND, per)


def flop(value: float | None, per: str = "") -> Quantity:
    """Floating-point operations (``per``: FLOPs per item)."""
    return q(value, FLOP, per)


def tflops(value: float | None) -> Quantity:
    """Achieved or peak TFLOP/s."""
    return q(value, TFLOPS)


def count(value: float | None, item: str) -> Quantity:
    """A number of items (``item`` plural: ``"images"``, ``"tokens"``): ``64 images``."""
    return q(value, ITEM_COUNT, item)


def number(value: float | None, decimals: int | None = None) -> Quantity:
    """A plain number (a count, a loss); ``decimals`` fixes the decimals shown."""
    return q(value, COUNT, "", decimals)


def singular(item: str) -> str:
    """The singular of a plural item (``"images"`` -> ``"image"``)."""
    return item[:-1] if item.endswith("s") else item


@dataclass(frozen=True)
class Msg:
    """A message of the catalogue with its parameters.

    Attributes:
        id: The catalogue id (``"verdict.memory.confirmed"``); its templates are in
            ``resources/messages/<lang>.json``.
        args: Parameter name -> value: a :class:`Quantity`, a :class:`Msg`, a text per
            language (``{"pt": ..., "en": ...}``, the document's own), a list of those
            (joined with commas), or a plain ``str`` / ``int`` / ``float`` / ``bool``
            shown as it is (paths, model ids, device names).
    """

    id: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.id, repr(sorted(self.args.items(), key=lambda kv: kv[0]))))


def msg(id: str, /, **args: Any) -> Msg:  # noqa: A002 - "id" is the catalogue's word
    """``Msg(id, args)``: the message ``id`` with parameters ``args``."""
    return Msg(id, args)


# ---- JSON form -----------------------------------------------------------------------


def to_plain(value: Any) -> Any:
    """A JSON-safe copy of ``value``.

    NaN and infinities become ``None``; tuples become lists; a :class:`Quantity` or
    :class:`Msg` becomes a dict tagged with ``"type"`` (``from_plain`` reverses it); any
    other dataclass becomes a dict of its fields.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Quantity):
        out: dict[str, Any] = {"type": "quantity", "value": to_plain(value.value),
                               "unit": value.unit}
        if value.per:
            out["per"] = value.per
        if value.decimals is not None:
            out["decimals"] = value.decimals
        return out
    if isinstance(value, Msg):
        return {"type": "message", "id": value.id,
                "args": {k: to_plain(v) for k, v in value.args.items()}}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


def plain_json(value: Any) -> str:
    """Strict, compact JSON of :func:`to_plain` (NaN is ``null``; ``allow_nan=False`` holds)."""
    return json.dumps(to_plain(value), allow_nan=False, separators=(",", ":"))


def from_plain(value: Any) -> Any:
    """The inverse of :func:`to_plain` for quantities and messages (nested anywhere).

    Raises:
        ValueError: A tagged dict that is not a valid quantity or message.
    """
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("type")
    if kind == "quantity":
        unit = value.get("unit", COUNT)
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}")
        number_ = value.get("value")
        if number_ is not None and not _finite(number_):
            raise ValueError(f"a quantity's value is {number_!r}, not a number")
        decimals = value.get("decimals")
        return Quantity(number_, unit, str(value.get("per", "")),
                        int(decimals) if isinstance(decimals, int) else None)
    if kind == "message":
        if not isinstance(value.get("id"), str) or not isinstance(value.get("args", {}), dict):
            raise ValueError("a message without an id")
        return Msg(value["id"], {k: from_plain(v) for k, v in value.get("args", {}).items()})
    return {k: from_plain(v) for k, v in value.items()}
