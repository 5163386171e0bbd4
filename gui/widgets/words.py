"""The interface language, and the engine's typed values in its words.

The engine hands the GUI numbers with units and message ids with parameters
(:mod:`engine.core.values`); :func:`words` renders them with the engine's one formatter
(:func:`engine.core.format.text`) in the interface language. Widgets' own texts go through
Qt's ``tr()`` as usual; this module is for what comes from the engine. The language is
set once, at start (:func:`set_language`, from ``--lang`` or the system locale); a
language without a catalogue reads in English.
"""

from __future__ import annotations

from typing import Any

from engine.core.format import DEFAULT_LANG, has_translation, text

_state = {"lang": DEFAULT_LANG}

GIB = float(1 << 30)
"""Bytes per GiB (the memory plots' unit)."""


def set_language(lang: str | None) -> str:
    """Use ``lang`` (``"pt_BR"``, ``"en"``) when the engine has its catalogue, else English.

    Returns:
        The language now in use.
    """
    chosen = lang if lang and has_translation(lang) else DEFAULT_LANG
    _state["lang"] = chosen
    return chosen


def language() -> str:
    """The interface language in use (``"en"`` unless a translation was chosen)."""
    return _state["lang"]


def words(value: Any, doc: str | None = None) -> str:
    """``value`` (a message, a quantity, a number, ``None`` …) in the interface language.

    Args:
        value: What the engine handed out (see :func:`engine.core.format.text`).
        doc: The document's language (``"pt"``/``"en"``) where the user chose it.
    """
    return text(value, _state["lang"], doc)


def said(msg_value: Any, fallback: str = "") -> str:
    """A message field in words, or its English ``fallback`` for runs recorded before ids.

    ``said(ev.msg, ev.message)``: events from older recordings have only the text.
    """
    return words(msg_value) if msg_value is not None else fallback
