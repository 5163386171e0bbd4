"""A plot as a slide (issue #12): 16:9 PNG, thick lines, large type, title and units.

The plot on screen is drawn for a desk: thin lines, 9 pt ticks, export buttons. A slide
needs the same data legible from the back of a room, so :func:`slide_image` builds a
separate plot for it, never touching the one on screen: the same curves (their colours,
the fixed training and inference ones included), phase lines, shaded regions, axis
labels and ranges, with the title on top, lines about 2.5 px and text at 24 px or more
at 1920x1080, and no buttons. The image is exactly the size asked for.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QApplication

from gui.translation import Context
from gui.widgets import plot_export, theme
from gui.widgets.plot_panel import set_legend_size

Slide = Context("Slide")
"""Translation context of this module's texts."""

SLIDE_SIZES: dict[str, tuple[int, int]] = {"1920x1080": (1920, 1080), "1280x720": (1280, 720)}
"""The slide sizes offered: full HD and 720p projectors, both 16:9."""
LOGICAL = (960, 540)
"""The slide plot's layout size; it is drawn at 2x (1920x1080) or 1.33x (1280x720)."""
TITLE_PT, LABEL_PT, TICK_PT = 18, 14, 13
"""Type sizes at the logical size (at 1920x1080, 13 pt at 2x is about 35 px)."""


def _copy_items(source: pg.PlotItem, target: pg.PlotItem) -> None:
    """The curves, phase lines and shaded regions of ``source``, thicker, into ``target``."""
    for item in source.listDataItems():
        if not item.isVisible():
            continue
        x, y = item.getData()
        if x is None or y is None or len(x) == 0:
            continue
        pen = item.opts.get("pen")
        copy_pen = QPen(pg.mkPen(pen)) if pen is not None else None
        if copy_pen is not None:
            copy_pen.setWidthF(max(2.5, 1.5 * copy_pen.widthF()))
        symbol = item.opts.get("symbol")
        target.addItem(pg.PlotDataItem(
            x, y, pen=copy_pen, connect="finite", symbol=symbol,
            symbolSize=(item.opts.get("symbolSize") or 6) * 1.5 if symbol else None,
            symbolPen=item.opts.get("symbolPen"), symbolBrush=item.opts.get("symbolBrush")))
    for item in source.items:
        if isinstance(item, pg.InfiniteLine) and item.isVisible():
            line_pen = QPen(item.pen)
            line_pen.setWidthF(max(1.5, line_pen.widthF()))
            target.addItem(pg.InfiniteLine(pos=item.value(), angle=item.angle, pen=line_pen),
                           ignoreBounds=True)
        elif isinstance(item, pg.LinearRegionItem) and item.isVisible():
            region = pg.LinearRegionItem(values=item.getRegion(), movable=False,
                                         brush=item.brush, pen=pg.mkPen(None))
            target.addItem(region, ignoreBounds=True)


def _mode_legend(item: pg.PlotItem, scale: float) -> None:
    """A legend naming the training and inference colours that the slide's curves use.

    pyqtgraph draws a legend at its own pixel size whatever the export's resolution, so its
    text is ``scale`` (image width / layout width) times larger to match the rest.
    """
    colors = {pg.mkPen(c.opts["pen"]).color().name().upper()
              for c in item.listDataItems() if c.opts.get("pen") is not None}
    modes = [(theme.TRAIN_COLOR, Slide.tr("training")),
             (theme.INFER_COLOR, Slide.tr("inference"))]
    present = [(color, name) for color, name in modes if color.upper() in colors]
    if not present:
        return
    legend = item.addLegend(offset=(-10, -10), brush=pg.mkBrush(255, 255, 255, 220))
    for color, name in present:
        legend.addItem(pg.PlotDataItem(pen=pg.mkPen(color, width=4)), name)
    set_legend_size(legend, f"{round(LABEL_PT * scale)}pt")


def slide_image(plot_item: pg.PlotItem, title: str,
                size: tuple[int, int] = SLIDE_SIZES["1920x1080"]) -> QImage:
    """``plot_item`` drawn as a slide of exactly ``size`` pixels (width, height).

    Raises:
        ValueError: ``size`` is not positive.
    """
    width, height = size
    if width < 1 or height < 1:
        raise ValueError(f"a slide must be at least 1x1 pixels, not {width}x{height}")
    widget = pg.PlotWidget(background=theme.PLOT_BACKGROUND)
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    widget.resize(*LOGICAL)
    item = widget.getPlotItem()
    try:
        theme.show_grid(item)
        item.setTitle(title, size=f"{TITLE_PT}pt", bold=True, color="#000000")
        family = QApplication.font().family()
        for side in ("left", "bottom"):
            axis, shown = item.getAxis(side), plot_item.getAxis(side)
            axis.enableAutoSIPrefix(False)
            item.setLabel(side, shown.labelText, units=shown.labelUnits or None,
                          **{"font-size": f"{LABEL_PT}pt", "color": "#000000"})
            axis.setStyle(tickFont=QFont(family, TICK_PT))
            axis.setPen(pg.mkPen("#000000"))
            axis.setTextPen(pg.mkPen("#000000"))
        _copy_items(plot_item, item)
        _mode_legend(item, width / LOGICAL[0])
        (x0, x1), (y0, y1) = plot_item.getViewBox().viewRange()
        item.setXRange(x0, x1, padding=0)
        item.setYRange(y0, y1, padding=0)
        item.hideButtons()
        widget.show()
        QApplication.processEvents()  # lay the slide's plot out at its size
        drawn = plot_export.render_plot(item, width)
    finally:
        widget.close()
        widget.deleteLater()
    if drawn.height() == height:
        return drawn
    # the layout's aspect can differ from 16:9 by a pixel or two: centre it on the slide
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(plot_export.background(plot_item))
    painter = QPainter(image)
    painter.drawImage(QPoint(0, (height - drawn.height()) // 2), drawn)
    painter.end()
    return image


def export_slide(plot_item: pg.PlotItem, path: str | Path, title: str,
                 size: tuple[int, int] = SLIDE_SIZES["1920x1080"]) -> Path:
    """Write :func:`slide_image` to ``path`` as PNG.

    Raises:
        OSError: The file cannot be written.
        ValueError: See :func:`slide_image`.
    """
    path = Path(path)
    if not slide_image(plot_item, title, size).save(str(path), "PNG"):  # type: ignore[call-overload]
        raise OSError(f"could not write {path}")
    return path
