"""Export one plot as PNG or SVG, or copy it to the clipboard.

:func:`export_plot` picks the format from the file suffix. :func:`add_export_actions`
adds "Export as PNG…", "Export as SVG…" and "Copy to clipboard" to a plot's right-click
(ViewBox) menu; the plot header's buttons call :func:`export_with_dialog` too.

PNG sizes are image pixels: :func:`render_plot` draws the plot's scene (logical
coordinates) into an image exactly ``width`` pixels wide, with the height from the plot's
logical shape, so a screen's scale factor (high DPI) never changes the file's size.
(pyqtgraph's ``ImageExporter`` rounded the height, then the width again from it: a 1920 px
export could come out 1921 px wide.) SVG files come from :mod:`gui.widgets.svg_export`,
painted the same way, so their data sits where the PNG's does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from pyqtgraph.exporters.Exporter import Exporter
from PySide6.QtCore import QByteArray, QMimeData, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QWidget

from gui import errors
from gui.translation import Context
from gui.widgets import png_size_dialog, svg_export

FORMATS = ("png", "svg")
DEFAULT_PNG_WIDTH = 1600
"""Pixel width of exported PNGs until the user picks another one."""
_last_width = DEFAULT_PNG_WIDTH
_default_format = "png"


PlotExport = Context("PlotExport")
"""Translation context of this module's texts outside a QObject."""


def last_png_width() -> int:
    """The PNG width (px) the user chose last, or :data:`DEFAULT_PNG_WIDTH`."""
    return _last_width


def remember_png_width(width: int) -> None:
    """Offer ``width`` (px) as the default of the next PNG export."""
    global _last_width
    _last_width = int(width)


def default_format() -> str:
    """The format a plot's export dialog offers first (``"png"`` or ``"svg"``)."""
    return _default_format


def set_export_defaults(width: int, fmt: str) -> None:
    """The preferences' PNG width (px) and format (``"png"``, ``"svg"``) of plot exports.

    The width is what the next PNG export offers (the user's later choices follow it,
    as before); the format's file type comes first in the export dialog, and with
    ``"svg"`` Copy puts the SVG on the clipboard beside the image.

    Raises:
        ValueError: ``fmt`` is not one of :data:`FORMATS`.
    """
    global _default_format
    if fmt not in FORMATS:
        raise ValueError(f"export format must be one of {FORMATS}, not {fmt!r}")
    remember_png_width(width)
    _default_format = fmt


def plot_aspect(plot_item: pg.PlotItem) -> float:
    """Height / width of the plot in logical (device-independent) units."""
    rect = plot_item.sceneBoundingRect()
    return rect.height() / rect.width() if rect.width() > 0 else 0.5


def _set_title(plot_item: pg.PlotItem, title: str | None) -> None:
    plot_item.setTitle(title)
    plot_item.layout.activate()  # lay the title out now, not at the next event


def render_plot(plot_item: pg.PlotItem, width: int, title: str | None = None) -> QImage:
    """Draw ``plot_item`` into an image ``width`` pixels wide.

    Args:
        plot_item: The plot (axes, curves, phase marks and labels are included).
        width: Image width in pixels; the height keeps the plot's logical aspect ratio.
        title: Drawn above the plot in the image only; ``None`` draws the plot as it is.

    Returns:
        An ARGB32 image of exactly ``width`` pixels by ``round(width * aspect)``.

    Raises:
        ValueError: ``width`` is below 1, or the plot has no size yet.
    """
    width = int(width)
    if width < 1:
        raise ValueError(f"an image must be at least 1 pixel wide, not {width}")
    if title:
        _set_title(plot_item, title)
    try:
        image = _paint_image(plot_item, width)
    finally:
        if title:
            _set_title(plot_item, None)
    return image


def background(plot_item: pg.PlotItem) -> QColor:
    """The colour behind the plot on screen (its view's background), white without one."""
    views = plot_item.scene().views() if plot_item.scene() is not None else []
    if not views or views[0].backgroundBrush().style() == Qt.BrushStyle.NoBrush:
        return QColor("white")
    return QColor(views[0].backgroundBrush().color())


def _paint_image(plot_item: pg.PlotItem, width: int) -> QImage:
    scene = plot_item.scene()
    source = plot_item.sceneBoundingRect()
    if scene is None or source.width() <= 0 or source.height() <= 0:
        raise ValueError("the plot has no size yet; show it before exporting")
    svg_export.settle(plot_item)  # the axes' widths and the view's transform, as painted
    source = plot_item.sceneBoundingRect()
    height = max(1, round(width * source.height() / source.width()))
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    dots_per_meter = round(svg_export.picture_dpi() / 0.0254)
    image.setDotsPerMeterX(dots_per_meter)  # pictures (axes, bars) replay at their size
    image.setDotsPerMeterY(dots_per_meter)
    image.fill(background(plot_item))
    painter = QPainter(image)
    exporter = Exporter(plot_item)
    try:
        exporter.setExportMode(True, {"antialias": True, "background": background(plot_item),
                                      "painter": painter,
                                      "resolutionScale": width / source.width()})
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        scene.render(painter, QRectF(0, 0, width, height), source)
    finally:
        exporter.setExportMode(False)
        painter.end()
    return image


def copy_plot(plot_item: pg.PlotItem, width: int | None = None, title: str | None = None) -> QImage:
    """Put the plot on the clipboard as an image (``width`` px, default the last PNG width).

    Returns:
        The image placed on the clipboard.
    """
    image = render_plot(plot_item, width or last_png_width(), title)
    data = QMimeData()
    data.setImageData(image)
    if default_format() == "svg":  # vector-aware programs (Inkscape, LibreOffice) take it
        data.setData("image/svg+xml", QByteArray(plot_svg(plot_item, title)))
    QGuiApplication.clipboard().setMimeData(data)
    return image


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
    if suffix == "png":
        image = render_plot(plot_item, width, title)
        if not image.save(str(path), "PNG"):  # type: ignore[call-overload]  # stub: bytes
            raise OSError(f"could not write {path}")
        return path
    path.write_bytes(plot_svg(plot_item, title))
    return path


def plot_svg(plot_item: pg.PlotItem, title: str | None = None) -> bytes:
    """The plot as an SVG document (with ``title`` drawn above it when given).

    Raises:
        ValueError: The plot has no size yet.
    """
    if title:
        _set_title(plot_item, title)
    try:
        return svg_export.plot_svg(plot_item, title, background(plot_item))
    finally:
        if title:
            _set_title(plot_item, None)


def suggested_name(title: str, fmt: str) -> str:
    """A file name from a plot title: ``"GPU memory (GiB)", "png"`` -> ``"gpu-memory-gib.png"``."""
    stem = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "plot"
    return f"trainfer-{stem}.{fmt}"


def ask_export_path(parent: QWidget | None, title: str, fmt: str,
                    formats: tuple[str, ...] = FORMATS) -> str:
    """Ask for a destination with a save dialog; ``""`` when the user cancels.

    The dialog offers ``formats`` (PNG and SVG; a slide only PNG), the preferences'
    default format first, with ``fmt`` (the button pressed) selected; the user may
    switch, and the name's suffix says which was chosen. Tests replace this function to
    avoid the modal dialog.
    """
    filters = {"png": PlotExport.tr("PNG image (*.png)"),
               "svg": PlotExport.tr("SVG vector image (*.svg)")}
    filters = {f: text for f, text in filters.items() if f in formats or f == fmt}
    order = sorted(filters, key=lambda f: f != default_format())
    path, chosen = QFileDialog.getSaveFileName(
        parent, PlotExport.tr("Export plot"), suggested_name(title, fmt),
        ";;".join(filters[f] for f in order), filters[fmt]
    )
    if path and Path(path).suffix.lower().lstrip(".") not in FORMATS:
        picked = next((f for f, text in filters.items() if text == chosen), fmt)
        path += "." + picked
    return path


def export_with_dialog(
    parent: QWidget | None,
    plot_item: pg.PlotItem,
    title: str,
    fmt: str,
) -> Path | None:
    """Ask the size (PNG) and where to save, then export; errors go to the error sink.

    Returns:
        The path written, or ``None`` when cancelled or failed.
    """
    width = last_png_width()
    if fmt == "png":
        chosen = png_size_dialog.ask_png_width(parent, width, plot_aspect(plot_item))
        if chosen is None:
            return None
        width = chosen
        remember_png_width(width)
    path = ask_export_path(parent, title, fmt)
    if not path:
        return None
    try:
        return export_plot(plot_item, path, width=width, title=title)
    except (OSError, ValueError) as exc:
        errors.report(
            PlotExport.tr("Could not export the plot: {0}").format(exc),
            PlotExport.tr("Choose a folder you can write to and a .png or .svg name."),
        )
        return None


def copy_with_feedback(
    plot_item: pg.PlotItem,
    title: str,
) -> QImage | None:
    """Copy the plot to the clipboard; a failure goes to the error sink."""
    try:
        return copy_plot(plot_item, title=title)
    except ValueError as exc:
        errors.report(
            PlotExport.tr("Could not copy the plot: {0}").format(exc),
            PlotExport.tr("Show the plot on screen, then copy it again."),
        )
        return None


def add_export_actions(
    parent: QWidget,
    plot_item: pg.PlotItem,
    title: str | Callable[[], str],
) -> list[QAction]:
    """Add "Export as PNG…", "Export as SVG…", "Copy to clipboard" and the slides to its menu.

    ``title`` may be a function, read when the action runs (titles can change).

    Returns:
        The actions added (PNG, SVG, copy, then the two slide sizes), so callers and
        tests can trigger them.
    """
    menu = plot_item.getViewBox().menu
    menu.addSeparator()
    labels = {"png": PlotExport.tr("Export as PNG…"), "svg": PlotExport.tr("Export as SVG…")}
    actions = []
    for fmt in FORMATS:
        action = QAction(labels[fmt], menu)
        action.setObjectName(f"export_{fmt}")
        action.triggered.connect(
            lambda _checked=False, f=fmt: export_with_dialog(
                parent, plot_item, title() if callable(title) else title, f)
        )
        menu.addAction(action)
        actions.append(action)
    copy = QAction(PlotExport.tr("Copy to clipboard"), menu)
    copy.setObjectName("copy_image")
    copy.triggered.connect(
        lambda _checked=False: copy_with_feedback(
            plot_item, title() if callable(title) else title)
    )
    menu.addAction(copy)
    actions.append(copy)
    for name, size in (("slide_1080", (1920, 1080)), ("slide_720", (1280, 720))):
        slide = QAction(PlotExport.tr("Export as slide ({0}×{1} PNG)…").format(*size), menu)
        slide.setObjectName(f"export_{name}")
        slide.triggered.connect(
            lambda _checked=False, wh=size: export_slide_with_dialog(
                parent, plot_item, title() if callable(title) else title, wh))
        menu.addAction(slide)
        actions.append(slide)
    return actions


def export_slide_with_dialog(parent: QWidget | None, plot_item: pg.PlotItem, title: str,
                             size: tuple[int, int]) -> Path | None:
    """Ask where to save, then write the plot as a slide (:mod:`gui.widgets.slide_export`).

    Returns:
        The path written, or ``None`` when cancelled or failed (said in the error sink).
    """
    from gui.widgets.slide_export import export_slide

    path = ask_export_path(parent, title, "png", formats=("png",))
    if not path:
        return None
    try:
        return export_slide(plot_item, path, title, size)
    except (OSError, ValueError) as exc:
        errors.report(
            PlotExport.tr("Could not export the plot: {0}").format(exc),
            PlotExport.tr("Choose a folder you can write to and a .png or .svg name."),
        )
        return None
