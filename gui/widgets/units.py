"""Number formatting for labels and cards: units in the text, ``N/A`` for ``None``."""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication

from engine.core.format import fmt_bytes

GIB = float(1 << 30)
"""Bytes per GiB."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("Units", text)


def not_available() -> str:
    """The text shown for a reading the device does not support (translated ``N/A``)."""
    return _tr("N/A")


def _ok(value: float | None) -> bool:
    """A finite number (a damaged record's text or ``None`` is not)."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def fmt_rate(value: float | None, unit: str) -> str:
    """``1234.5, "samples/s"`` -> ``"1,234 samples/s"``; three significant digits below 100."""
    if not _ok(value):
        return not_available()
    assert value is not None
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return f"{text} {unit}"


def fmt_ms(value: float | None) -> str:
    """Milliseconds with three significant digits (``"12.3 ms"``)."""
    if not _ok(value):
        return not_available()
    assert value is not None
    return f"{value:,.0f} ms" if abs(value) >= 1000 else f"{value:.3g} ms"


def fmt_mem(n_bytes: float | None) -> str:
    """Bytes with the binary prefix that suits them: ``"1.65 GiB"``, ``"80.50 MiB"``.

    As the engine's tables and the memory chart write them.
    """
    if not _ok(n_bytes):
        return not_available()
    return fmt_bytes(n_bytes)


def fmt_joules(value: float | None) -> str:
    """Joules with three significant digits (``"0.137 J"``, ``"1,234 J"``)."""
    if not _ok(value):
        return not_available()
    assert value is not None
    return f"{value:,.0f} J" if abs(value) >= 1000 else f"{value:.3g} J"


def fmt_watts(value: float | None) -> str:
    """Watts without decimals (``"624 W"``)."""
    if not _ok(value):
        return not_available()
    assert value is not None
    return f"{value:.0f} W"


def fmt_pct(value: float | None) -> str:
    """A percentage with one decimal (``"99.8%"``)."""
    if not _ok(value):
        return not_available()
    assert value is not None
    return f"{value:.1f}%"
