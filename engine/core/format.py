"""Human-readable quantities with their units (for the command line and the GUI)."""

from __future__ import annotations

import math

NA = "N/A"


def _ok(value: float | None) -> bool:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)


def fmt_bytes(n: float | None) -> str:
    """``1.65 GiB``; binary prefixes (IEC 80000-13)."""
    if not _ok(n):
        return NA
    assert n is not None
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.2f} {unit}"
        n /= 1024
    return NA  # unreachable


def fmt_num(value: float | None, unit: str = "", digits: int = 3) -> str:
    """A number with ``digits`` significant digits and thousands separators, plus unit."""
    if not _ok(value):
        return NA
    assert value is not None
    if value == 0:
        text = "0"
    else:
        mag = math.floor(math.log10(abs(value)))
        decimals = max(0, digits - 1 - mag)
        text = f"{value:,.{decimals}f}"
    return f"{text} {unit}".strip()


def fmt_ratio(value: float | None) -> str:
    """``3.2×``."""
    if not _ok(value):
        return NA
    assert value is not None
    return f"{value:.2f}×" if value < 10 else f"{value:.1f}×"


def fmt_energy(joules: float | None) -> str:
    """Joules with a prefix that keeps three significant digits."""
    if not _ok(joules):
        return NA
    assert joules is not None
    if abs(joules) >= 1e3:
        return fmt_num(joules / 1e3, "kJ")
    if abs(joules) >= 1 or joules == 0:
        return fmt_num(joules, "J")
    if abs(joules) >= 1e-3:
        return fmt_num(joules * 1e3, "mJ")
    return fmt_num(joules * 1e6, "µJ")


def fmt_share(share: float | None) -> str:
    """A 0-1 share as a percentage: ``0.473`` → ``47%``, ``0.00098`` → ``0.098%``."""
    if not _ok(share):
        return NA
    assert share is not None
    pct = 100.0 * share
    return f"{pct:.0f}%" if pct >= 10 or pct == 0 else f"{pct:.2g}%"


def fmt_count(n: int, noun: str) -> str:
    """``n`` and an English noun, plural unless ``n`` is 1.

    ``(1, "step")`` → ``1 step``; ``(1200, "linear layer")`` → ``1,200 linear layers``.
    """
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
