"""Where to save an experiment's table: the file dialog (the writing is the engine's).

The table is written by :func:`engine.claims.export.write` (CSV with numeric columns, or
Markdown with the claim and the verdict), the same exporter the command line uses.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QWidget

from gui.translation import Context

FORMATS = ("csv", "md")


ExperimentExport = Context("ExperimentExport")
"""Translation context of this module's texts outside a QObject."""


def ask_table_path(parent: QWidget | None, suggested: str, fmt: str) -> str:
    """Ask where to save the table as ``fmt`` (``"csv"`` or ``"md"``); ``""``: cancelled.

    Tests replace this function to avoid the modal dialog.
    """
    filters = {"csv": ExperimentExport.tr("CSV table (*.csv)"),
               "md": ExperimentExport.tr("Markdown (*.md)")}
    path, _ = QFileDialog.getSaveFileName(
        parent, ExperimentExport.tr("Export the experiment's table"), suggested, filters[fmt]
    )
    if path and not path.lower().endswith("." + fmt):
        path += "." + fmt
    return path
