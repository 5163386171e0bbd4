"""How a stored run is named on screen: mode, device, date, and its headline numbers.

Shared by the History table, the Live tab's source strip, the Compare tab's title and the
dashboard export, so a run reads the same everywhere. Numbers come from a stored summary
dict (``RunRecord.summary``); a missing reading is ``N/A``, a run without a summary ``—``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from gui.widgets.units import fmt_joules, fmt_mem, fmt_ms, fmt_rate, not_available

NO_SUMMARY = "—"
"""Shown for a number of a run that has no summary (failed, interrupted, running)."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("RunText", text)


def when_text(unix_s: float) -> str:
    """Local date and time of a run's start, ``"2025-03-01 14:05"``."""
    try:
        return datetime.fromtimestamp(unix_s).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, OSError, ValueError):
        return "?"


def mode_text(mode: str) -> str:
    """``"training"`` or ``"inference"``, translated."""
    return _tr("training") if mode == "train" else _tr("inference")


def device_text(device: str, device_name: str) -> str:
    """``"cuda:0 (NVIDIA H200)"``, or the device alone when its name is unknown."""
    if device_name and device_name != device:
        return f"{device} ({device_name})"
    return device or "?"


def run_description(
    title: str, mode: str, device: str, device_name: str, started_unix_s: float
) -> str:
    """``"mlp · train · cpu — training on cpu (AMD EPYC), ran 2025-03-01 14:05"``."""
    return _tr("{0} — {1} on {2}, ran {3}").format(
        title, mode_text(mode), device_text(device, device_name), when_text(started_unix_s)
    )


def throughput_cell(summary: dict[str, Any] | None) -> str:
    """tokens/s for language models, else samples/s in the run's sample unit."""
    if not summary:
        return NO_SUMMARY
    if summary.get("tokens_per_s") is not None:
        return fmt_rate(summary["tokens_per_s"], "tokens/s")
    unit = summary.get("sample_unit") or "samples"
    return fmt_rate(summary.get("samples_per_s"), f"{unit}/s")


def step_cell(summary: dict[str, Any] | None) -> str:
    """Median step time."""
    return fmt_ms(summary.get("step_ms_median")) if summary else NO_SUMMARY


def memory_cell(summary: dict[str, Any] | None) -> str:
    """Peak memory (allocated on a GPU, resident on a CPU)."""
    return fmt_mem(summary.get("peak_mem_bytes")) if summary else NO_SUMMARY


def energy_cell(summary: dict[str, Any] | None) -> str:
    """Energy per token (language models) or per sample; ``N/A`` without NVML."""
    if not summary:
        return NO_SUMMARY
    if summary.get("energy_per_token_j") is not None:
        return f"{fmt_joules(summary['energy_per_token_j'])}/token"
    if summary.get("energy_per_sample_j") is not None:
        return f"{fmt_joules(summary['energy_per_sample_j'])}/sample"
    return not_available()
