"""Export one plot as PNG or SVG: a function for code and tests, a file dialog for people.

:func:`export_plot` picks the format from the file suffix. :func:`add_export_actions`
adds "Export as PNG…" and "Export as SVG…" to a plot's right-click (ViewBox) menu;
the plot header's buttons call :func:`export_with_dialog` too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter, SVGExporter
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QWidget

from gui import svg_compat

FORMATS = ("png", "svg")
DEFAULT_PNG_WIDTH = 1600
"""Pixel width of exported PNGs (ImageExporter needs an int)."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("PlotExport", text)


def export_plot(
    plot_item: pg.PlotItem,
    path: str | Path,
    width: int = DEFAULT_PNG_WIDTH,
    title: str | None = None,
) -> Path:
    """Write ``plot_item`` to ``path`` as PNG or SVG, chosen by the suffix.

    Args:
        plot_item: The plot (axes, curves, phase marks and labels are included).
        path: Destination ending in ``.png`` or ``.svg`` (any case).
        width: PNG width in pixels; the height keeps the plot's aspect ratio.
        title: Shown above the plot in the file only (the window shows titles in the
            plot's header instead); ``None`` exports the plot as it is.

    Returns:
        The path written.

    Raises:
        ValueError: If the suffix is neither ``.png`` nor ``.svg``.
        OSError: If the file cannot be written.
    """
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError(f"cannot export {path.name!r}: use a .png or .svg file name")
    if title:
        plot_item.setTitle(title)
    try:
        if suffix == "png":
            exporter = ImageExporter(plot_item)
            exporter.parameters()["width"] = int(width)
            exporter.export(str(path))
        else:
            svg_compat.install()
            SVGExporter(plot_item).export(str(path))
    finally:
        if title:
            plot_item.setTitle(None)
    if not path.exists():
        raise OSError(f"could not write {path}")
    return path


def suggested_name(title: str, fmt: str) -> str:
    """A file name from a plot title: ``"GPU memory (GiB)", "png"`` -> ``"gpu-memory-gib.png"``."""
    stem = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "plot"
    return f"trainfer-{stem}.{fmt}"


def ask_export_path(parent: QWidget | None, title: str, fmt: str) -> str:
    """Ask for a destination with a save dialog; ``""`` when the user cancels.

    Tests replace this function to avoid the modal dialog.
    """
    filters = {"png": _tr("PNG image (*.png)"), "svg": _tr("SVG vector image (*.svg)")}
    path, _ = QFileDialog.getSaveFileName(
        parent, _tr("Export plot"), suggested_name(title, fmt), filters[fmt]
    )
    if path and not path.lower().endswith("." + fmt):
        path += "." + fmt
    return path


def export_with_dialog(
    parent: QWidget | None,
    plot_item: pg.PlotItem,
    title: str,
    fmt: str,
    on_error: Callable[[str, str], None] | None = None,
) -> Path | None:
    """Ask where to save, then export; errors go to ``on_error(message, hint)``.

    Returns:
        The path written, or ``None`` when cancelled or failed.
    """
    path = ask_export_path(parent, title, fmt)
    if not path:
        return None
    try:
        return export_plot(plot_item, path, title=title)
    except (OSError, ValueError) as exc:
        if on_error is None:
            raise
        on_error(
            _tr("Could not export the plot: {0}").format(exc),
            _tr("Choose a folder you can write to and a .png or .svg name."),
        )
        return None


def add_export_actions(
    parent: QWidget,
    plot_item: pg.PlotItem,
    title: str | Callable[[], str],
    on_error: Callable[[str, str], None] | None = None,
) -> list[QAction]:
    """Add "Export as PNG…" and "Export as SVG…" to the plot's right-click menu.

    ``title`` may be a function, read when the action runs (titles can change).

    Returns:
        The actions added (PNG first), so callers and tests can trigger them.
    """
    menu = plot_item.getViewBox().menu
    menu.addSeparator()
    labels = {"png": _tr("Export as PNG…"), "svg": _tr("Export as SVG…")}
    actions = []
    for fmt in FORMATS:
        action = QAction(labels[fmt], menu)
        action.setObjectName(f"export_{fmt}")
        action.triggered.connect(
            lambda _checked=False, f=fmt: export_with_dialog(
                parent, plot_item, title() if callable(title) else title, f, on_error
            )
        )
        menu.addAction(action)
        actions.append(action)
    return actions
