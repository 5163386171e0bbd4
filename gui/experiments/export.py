"""Where to save an experiment's table: the file dialog (the writing is the engine's).

The table is written by :func:`engine.claims.export.write` (CSV with numeric columns, or
Markdown with the claim and the verdict), the same exporter the command line uses.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

FORMATS = ("csv", "md")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ExperimentExport", text)


def ask_table_path(parent: QWidget | None, suggested: str, fmt: str) -> str:
    """Ask where to save the table as ``fmt`` (``"csv"`` or ``"md"``); ``""``: cancelled.

    Tests replace this function to avoid the modal dialog.
    """
    filters = {"csv": _tr("CSV table (*.csv)"), "md": _tr("Markdown (*.md)")}
    path, _ = QFileDialog.getSaveFileName(
        parent, _tr("Export the experiment's table"), suggested, filters[fmt]
    )
    if path and not path.lower().endswith("." + fmt):
        path += "." + fmt
    return path
