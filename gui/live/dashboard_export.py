"""The whole Live tab as one PNG: a header, the colour legend, every plot in its grid place.

Each plot is drawn from its scene (:func:`gui.widgets.plot_export.render_plot`) at the size its
cell needs, not grabbed from the screen, so the image is sharp at any width and exactly
``width`` pixels wide on any display scale. The header repeats the Live tab's source strip
(REPLAY, STORED RUN, OVERLAY), so an exported stored run never passes for a live one.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QWidget

from gui import errors
from gui.translation import Context
from gui.widgets import plot_export, png_size_dialog, theme

if TYPE_CHECKING:
    from gui.live.live_plots import LivePlots

COLUMNS = 3
MIN_WIDTH = 300


DashboardExport = Context("DashboardExport")
"""Translation context of this module's texts outside a QObject."""


def render_dashboard(live: LivePlots, width: int) -> QImage:
    """Draw every live plot, in grid order, into one image ``width`` pixels wide.

    Raises:
        ValueError: ``width`` is below :data:`MIN_WIDTH`, or the plots have no size yet.
    """
    width = int(width)
    if width < MIN_WIDTH:
        raise ValueError(f"a dashboard needs at least {MIN_WIDTH} pixels of width, not {width}")
    margin = max(4, width // 200)
    cell_w = (width - margin * (COLUMNS + 1)) // COLUMNS
    keys = live.order()
    for key in keys:  # a shortcut pressed while the mouse hovers a plot: not in the image
        live.panel(key).hide_hover()
    cells = [
        plot_export.render_plot(live.panel(k).plot_item, cell_w, title=live.panel(k).title)
        for k in keys
    ]
    rows = math.ceil(len(cells) / COLUMNS)
    row_heights = [
        max(img.height() for img in cells[r * COLUMNS:(r + 1) * COLUMNS]) for r in range(rows)
    ]

    font_px = max(11, width // 100)
    title_font = QFont()
    title_font.setPixelSize(round(font_px * 1.3))
    title_font.setBold(True)
    text_font = QFont()
    text_font.setPixelSize(font_px)
    line = round(font_px * 1.6)
    source = live.source_banner.text()
    header_h = margin + line * (3 if source else 2) + margin

    height = header_h + sum(row_heights) + margin * (rows + 1)
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        y = margin
        painter.setFont(title_font)
        painter.setPen(QColor(theme.PLOT_FOREGROUND))
        painter.drawText(
            QRect(margin, y, width - 2 * margin, line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            DashboardExport.tr("Trainfer — training vs inference"),
        )
        y += line
        painter.setFont(text_font)
        if source:
            painter.setPen(QColor("#5F3DC4" if live.source_banner.kind() == "replay"
                                  else "#0B7285"))
            painter.drawText(QRect(margin, y, width - 2 * margin, line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, source)
            y += line
        x = margin
        metrics = painter.fontMetrics()
        for name, color in live.legend_entries():
            painter.fillRect(QRect(x, y + (line - font_px) // 2, font_px, font_px), QColor(color))
            x += font_px + font_px // 2
            painter.setPen(QColor(theme.PLOT_FOREGROUND))
            painter.drawText(QRect(x, y, width - x, line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
            x += metrics.horizontalAdvance(name) + font_px * 2
        y = header_h
        for r in range(rows):
            for c, img in enumerate(cells[r * COLUMNS:(r + 1) * COLUMNS]):
                painter.drawImage(margin + c * (cell_w + margin), y + margin, img)
            y += row_heights[r] + margin
    finally:
        painter.end()
    return image


def export_dashboard(live: LivePlots, path: str | Path, width: int) -> Path:
    """Write :func:`render_dashboard` to ``path`` (a ``.png`` file).

    Raises:
        ValueError: Not a ``.png`` name, or as :func:`render_dashboard`.
        OSError: The file cannot be written.
    """
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"cannot export {path.name!r}: the dashboard is saved as a .png file")
    image = render_dashboard(live, width)
    if not image.save(str(path), "PNG"):  # type: ignore[call-overload]  # stub: bytes
        raise OSError(f"could not write {path}")
    return path


def ask_dashboard_path(parent: QWidget | None) -> str:
    """Ask where to save the dashboard; ``""`` when the user cancels.

    Tests replace this function to avoid the modal dialog.
    """
    path, _ = QFileDialog.getSaveFileName(
        parent, DashboardExport.tr("Export dashboard"), "trainfer-dashboard.png",
        DashboardExport.tr("PNG image (*.png)")
    )
    if path and not path.lower().endswith(".png"):
        path += ".png"
    return path


def export_dashboard_with_dialog(live: LivePlots) -> Path | None:
    """Ask a width and a file name, then export; errors go to the error sink.

    Returns:
        The path written, or ``None`` when cancelled or failed.
    """
    aspect = live.height() / live.width() if live.width() > 0 else 0.6
    width = png_size_dialog.ask_png_width(live, plot_export.last_png_width(), aspect)
    if width is None:
        return None
    plot_export.remember_png_width(width)
    path = ask_dashboard_path(live)
    if not path:
        return None
    try:
        return export_dashboard(live, path, width)
    except (OSError, ValueError) as exc:
        errors.report(
            DashboardExport.tr("Could not export the dashboard: {0}").format(exc),
            DashboardExport.tr("Choose a folder you can write to and a .png name."),
        )
        return None
