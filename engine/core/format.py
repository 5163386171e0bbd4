"""The one formatter: numbers, units, N/A and messages, in the user's language.

Every word a user reads about a measurement is made here, from the engine's typed values
(:mod:`engine.core.values`): the command line, the GUI (which passes its interface
language) and every export call :func:`text`. Templates come from the message catalogue,
``resources/messages/<lang>.json`` (English is complete; another language's file may
leave ids out, which then read in English). Numbers follow the language: ``1,234.5`` in
English, ``1.234,5`` in Portuguese.

Templates are Python format strings with named fields (``"{train} vs {infer}"``); a
template may instead be ``{"one": ..., "other": ...}``, chosen by the parameter ``n``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from engine.core.resources import resources_dir
from engine.core.values import (
    BYTES,
    COUNT,
    FLOP,
    ITEM_COUNT,
    JOULES,
    PER_SECOND,
    PERCENT,
    SHARE,
    TIMES,
    Msg,
    Quantity,
    singular,
)

DEFAULT_LANG = "en"


# ---- the catalogue -------------------------------------------------------------------


def _read(name: str) -> dict[str, Any]:
    path = resources_dir() / "messages" / f"{name}.json"
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return {k: v for k, v in data.items() if not k.startswith("_")}


@lru_cache(maxsize=8)
def catalogue(lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """Message id -> template for ``lang`` (``"en"``, ``"pt_BR"``), English underneath.

    ``pt_BR`` reads ``pt_BR.json``, then ``pt.json``, then English, so a translation may
    leave ids out.

    Raises:
        FileNotFoundError: ``resources/`` is missing (a broken install).
    """
    merged = dict(_read("en"))
    base = lang.split("_")[0]
    for name in dict.fromkeys((base, lang)):
        if name != "en":
            merged.update(_read(name))
    return merged


@lru_cache(maxsize=16)
def has_translation(lang: str) -> bool:
    """Whether ``lang`` is English or has a catalogue (its own or its base language's)."""
    base = lang.split("_")[0]
    return base == "en" or any(
        (resources_dir() / "messages" / f"{n}.json").is_file() for n in {lang, base})


def document_language(lang: str) -> str:
    """The document's language key for ``lang``: ``"pt"`` for Portuguese, else ``"en"``."""
    return "pt" if lang.split("_")[0] == "pt" else "en"


# ---- numbers -------------------------------------------------------------------------


def _finite(value: object) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _localize(text: str, lang: str) -> str:
    """English separators (``1,234.5``) to ``lang``'s (``1.234,5`` in Portuguese).

    A language without a catalogue reads in English, numbers included.
    """
    if lang.split("_")[0] == "pt" and has_translation(lang):
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def localized(text: str, lang: str = DEFAULT_LANG) -> str:
    """A number Python wrote (``"0.25"``, ``"1,000.5"``) with ``lang``'s separators.

    For numbers made elsewhere (a plot's axis ticks) to read as the formatter's do.
    """
    return _localize(text, lang)


def na(lang: str = DEFAULT_LANG) -> str:
    """The text for a value that was not measured: ``N/A``."""
    return str(catalogue(lang).get("value.na", "N/A"))


def number(value: float | None, lang: str = DEFAULT_LANG, digits: int = 3,
           decimals: int | None = None) -> str:
    """``value`` with ``digits`` significant digits (or ``decimals`` decimals), grouped.

    Integers are shown whole (``1,234``); ``None`` and non-finite values are ``N/A``.
    """
    if not _finite(value):
        return na(lang)
    assert value is not None
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
    elif isinstance(value, int) or (value == int(value) and abs(value) >= 10 ** (digits - 1)):
        text = f"{value:,.0f}"
    elif value == 0:
        text = "0"
    else:
        mag = math.floor(math.log10(abs(value)))
        text = f"{value:,.{max(0, digits - 1 - mag)}f}"
    return _localize(text, lang)


def _prefixed(value: float, unit: str, lang: str) -> str:
    """Joules and FLOPs with the SI prefix that keeps three significant digits."""
    scale = abs(value)
    steps: tuple[tuple[float, str], ...]
    if unit == JOULES:
        steps = ((1e3, "kJ"), (1.0, "J"), (1e-3, "mJ"), (1e-6, "µJ"))
    else:
        steps = ((1e12, "TFLOP"), (1e9, "GFLOP"), (1e6, "MFLOP"), (1e3, "kFLOP"), (1.0, "FLOP"))
    if value == 0:
        return f"0 {unit}"
    for factor, name in steps:
        if scale >= factor:
            return f"{number(value / factor, lang)} {name}"
    factor, name = steps[-1]
    return f"{number(value / factor, lang)} {name}"


def _bytes(value: float, lang: str) -> str:
    """``1.65 GiB``: binary prefixes (IEC 80000-13)."""
    n = float(value)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} B" if unit == "B" else _localize(f"{n:.2f} {unit}", lang)
        n /= 1024
    return na(lang)  # unreachable


def _percent(value: float, lang: str) -> str:
    """``99.8%``, ``91%``, ``0.3%``: three significant digits, at most one decimal.

    A whole number drops its ``.0`` (DESIGN.md writes 91% and 6%, and 99.8%).
    """
    if value == 0:
        return "0%"
    mag = math.floor(math.log10(abs(value)))
    body = f"{value:.{min(1, max(0, 2 - mag))}f}"
    if body.endswith(".0"):
        body = body[:-2]
    return _localize(f"{body}%", lang)


def _share(value: float, lang: str) -> str:
    """A 0-1 share as a percentage: ``0.473`` -> ``47%``, ``0.00098`` -> ``0.098%``."""
    pct = 100.0 * value
    text = f"{pct:.0f}%" if pct >= 10 or pct == 0 else f"{pct:.2g}%"
    return _localize(text, lang)


def _times(value: float, lang: str) -> str:
    """``3.20×`` below 10, ``12.3×`` above."""
    return _localize(f"{value:.2f}×" if value < 10 else f"{value:.1f}×", lang)


def item(name: str, lang: str = DEFAULT_LANG) -> str:
    """An item noun in ``lang`` (``"images"``, ``"token"``)."""
    return str(catalogue(lang).get(f"item.{name}", name))


def quantity(value: Quantity, lang: str = DEFAULT_LANG) -> str:
    """``value`` with its unit: ``1.65 GiB``, ``137 mJ/image``, ``4,735 images/s``, ``N/A``."""
    v = value.value
    if not _finite(v):
        return na(lang)
    assert v is not None
    unit = value.unit
    if value.decimals is not None:
        core = number(v, lang, decimals=value.decimals)
        core = f"{core} {unit}".strip() if unit not in (COUNT, PER_SECOND) else core
    elif unit == BYTES:
        core = _bytes(v, lang)
    elif unit in (JOULES, FLOP):
        core = _prefixed(v, unit, lang)
    elif unit == PERCENT:
        core = _percent(v, lang)
    elif unit == SHARE:
        core = _share(v, lang)
    elif unit == TIMES:
        core = _times(v, lang)
    elif unit in (COUNT, ITEM_COUNT) and float(v).is_integer():
        core = _localize(f"{v:,.0f}", lang)  # a count: every digit
    elif unit in (COUNT, PER_SECOND, ITEM_COUNT):
        core = number(v, lang)
    else:  # ms, s, W, TFLOP/s
        core = f"{number(v, lang)} {unit}"
    if unit == PER_SECOND:
        return f"{core} {item(value.per or 'samples', lang)}/s"
    if unit == ITEM_COUNT:
        return f"{core} {item(value.per or 'samples', lang)}"
    if value.per:
        return f"{core}/{item(singular(value.per), lang)}"
    return core


def unit_label(value: Quantity, lang: str = DEFAULT_LANG) -> str:
    """The unit of ``value`` as a column header says it: ``B``, ``images/s``, ``J/image``."""
    if value.unit == PER_SECOND:
        return f"{item(value.per or 'samples', lang)}/s"
    if value.unit == ITEM_COUNT:
        return item(value.per or "samples", lang)
    base = {SHARE: "0-1", TIMES: "×", COUNT: ""}.get(value.unit, value.unit)
    if value.per:
        return f"{base}/{item(singular(value.per), lang)}" if base else item(value.per, lang)
    return base


# ---- messages ------------------------------------------------------------------------


def _template(m: Msg, lang: str) -> str:
    entry = catalogue(lang).get(m.id)
    if entry is None:
        entry = catalogue(DEFAULT_LANG).get(m.id)
    if entry is None:
        raise KeyError(f"message {m.id!r} is not in the catalogue")
    if isinstance(entry, Mapping):
        n = m.args.get("n")
        count = n.value if isinstance(n, Quantity) else n
        one = count == 1 or (lang.split("_")[0] == "pt" and count == 0)
        return str(entry["one"] if one and "one" in entry else entry["other"])
    return str(entry)


def text(value: Any, lang: str = DEFAULT_LANG, doc: str | None = None) -> str:
    """Words for any value the engine hands out.

    A :class:`~engine.core.values.Msg` is rendered from the catalogue (its parameters in
    turn), a :class:`~engine.core.values.Quantity` with its unit, a dict of texts per
    language (the document's) in ``doc`` (default: ``lang``'s), a list joined with
    commas (messages with semicolons), ``None`` as N/A, an ``int`` or ``float`` as a
    number, and a ``str`` as it is.

    Args:
        value: What to render.
        lang: The interface language (``"en"``, ``"pt_BR"``).
        doc: The document's language (``"pt"`` or ``"en"``) when it differs from the
            interface's (the Compare tab and ``compare --lang`` choose it).

    Raises:
        KeyError: A message id that is not in the catalogue (a bug).
    """
    if value is None:
        return na(lang)
    if isinstance(value, Msg):
        template = _template(value, lang)
        return template.format(**{k: text(v, lang, doc) for k, v in value.args.items()})
    if isinstance(value, Quantity):
        return quantity(value, lang)
    if isinstance(value, bool):
        return str(catalogue(lang).get("value.yes" if value else "value.no"))
    if isinstance(value, (int, float)):
        return number(value, lang)
    if isinstance(value, Mapping):
        key = doc or document_language(lang)
        return str(value.get(key, value.get("pt", next(iter(value.values()), ""))))
    if isinstance(value, (list, tuple)):
        sep = "; " if value and all(isinstance(v, Msg) for v in value) else ", "
        return sep.join(text(v, lang, doc) for v in value)
    return str(value)
