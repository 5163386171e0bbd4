"""File dialogs for recordings and run data, one function each so tests can replace them.

Every function returns the chosen path, or ``""`` when the user cancels; save dialogs add
the suffix when the name lacks it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QWidget

from gui.translation import Context

RECORDING_SUFFIX = ".trainfer"


FileDialogs = Context("FileDialogs")
"""Translation context of this module's texts outside a QObject."""


def _with_suffix(path: str, suffix: str) -> str:
    return path if not path or path.lower().endswith(suffix) else path + suffix


def ask_open_recording(parent: QWidget | None, title: str = "") -> str:
    """Ask for a ``.trainfer`` recording to open."""
    path, _ = QFileDialog.getOpenFileName(
        parent, title or FileDialogs.tr("Open recording"), "",
        FileDialogs.tr("Trainfer recordings (*.trainfer);;All files (*)"),
    )
    return path


def ask_save_recording(parent: QWidget | None, suggested: str) -> str:
    """Ask where to save a recording (``suggested`` is the proposed file name)."""
    path, _ = QFileDialog.getSaveFileName(
        parent, FileDialogs.tr("Export runs as recording"), suggested,
        FileDialogs.tr("Trainfer recordings (*.trainfer)"),
    )
    return _with_suffix(path, RECORDING_SUFFIX)


def ask_save_run_data(parent: QWidget | None, fmt: str, suggested: str) -> str:
    """Ask where to save one run's data as ``"csv"`` or ``"json"``."""
    filters = {"csv": FileDialogs.tr("CSV table (*.csv)"), "json": FileDialogs.tr("JSON (*.json)")}
    path, _ = QFileDialog.getSaveFileName(
        parent, FileDialogs.tr("Export run data"), suggested, filters[fmt]
    )
    return _with_suffix(path, "." + fmt)
