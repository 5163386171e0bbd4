"""How a stored run is named on screen: mode, device, date, and its headline numbers.

Shared by the History table, the Live tab's source strip, the Compare tab's title and the
dashboard export, so a run reads the same everywhere. Numbers come from the run's decoded
:class:`~engine.core.events.Summary` through the engine's one formatter; a missing
reading is ``N/A``, a run without a summary ``—``.
"""

from __future__ import annotations

from datetime import datetime

from engine.core.events import Summary
from engine.core.values import Quantity, joules, rate, singular
from gui.translation import Context
from gui.widgets.words import words

NO_SUMMARY = "—"
"""Shown for a number of a run that has no summary (failed, interrupted, running)."""


RunText = Context("RunText")
"""Translation context of this module's texts outside a QObject."""


def when_text(unix_s: float) -> str:
    """Local date and time of a run's start, ``"2025-03-01 14:05"``."""
    try:
        return datetime.fromtimestamp(unix_s).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, OSError, ValueError):
        return "?"


def mode_text(mode: str) -> str:
    """``"training"`` or ``"inference"``, translated."""
    return RunText.tr("training") if mode == "train" else RunText.tr("inference")


def device_text(device: str, device_name: str) -> str:
    """``"cuda:0 (NVIDIA H200)"``, or the device alone when its name is unknown."""
    if device_name and device_name != device:
        return f"{device} ({device_name})"
    return device or "?"


def run_description(
    title: str, mode: str, device: str, device_name: str, started_unix_s: float
) -> str:
    """``"mlp · train · cpu — training on cpu (AMD EPYC), ran 2025-03-01 14:05"``."""
    return RunText.tr("{0} — {1} on {2}, ran {3}").format(
        title, mode_text(mode), device_text(device, device_name), when_text(started_unix_s)
    )


def throughput_value(summary: Summary | None) -> Quantity | None:
    """tokens/s for language models, else samples/s in the run's sample unit."""
    return rate(summary.rate, summary.rate_unit) if summary is not None else None


def energy_value(summary: Summary | None) -> Quantity | None:
    """Energy per token (language models) or per sample; ``None`` value without NVML."""
    if summary is None:
        return None
    item = "token" if summary.is_language_model else singular(summary.sample_unit)
    return joules(summary.energy_per_unit_j, item)


def cell(value: Quantity | None) -> str:
    """A History cell: the quantity in words, ``—`` for a run without a summary."""
    return words(value) if value is not None else NO_SUMMARY
