"""One live plot with its header: title, PNG / SVG export and copy buttons, a note overlay.

The note (e.g. "N/A — no NVIDIA driver found") is drawn inside the plot's view box in
pixel coordinates, so it stays centred whatever the axis ranges are and appears in
exported images too.

The title's tooltip says what the plot shows, where the numbers come from and their unit
(:meth:`PlotPanel.set_help`). Hovering the plot shows the value under the cursor: a
vertical line at the mouse's x and, in the plot's top-left corner, the nearest point of
each visible named curve there, with its unit (pyqtgraph's ``examples/crosshair.py`` way:
the scene's ``sigMouseMoved``, which fires only while the mouse is over the plot).
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPen
from PySide6.QtWidgets import (
    QGraphicsRectItem,
    QGraphicsTextItem,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.core.format import localized, number
from gui.widgets import plot_export, theme
from gui.widgets.words import language


def set_legend_size(legend: pg.LegendItem | None, size: str | None) -> None:
    """Set ``legend``'s text size (CSS, ``"9pt"``) and redraw the labels it already has."""
    if legend is None or size is None:
        return
    legend.setLabelTextSize(size)
    for _sample, label in legend.items:
        label.setText(label.text)


class LocaleAxis(pg.AxisItem):
    """An axis whose tick numbers use the interface language's separators (``0,5``)."""

    def tickStrings(self, values: list[float], scale: float,  # noqa: N802 (pyqtgraph's)
                    spacing: float) -> list[str]:
        """The tick texts pyqtgraph writes, localized (fixed ``setTicks`` texts are not)."""
        lang = language()
        return [localized(t, lang) for t in super().tickStrings(values, scale, spacing)]


DOWNSAMPLE_FACTOR = 1.0
"""Samples drawn per pixel column before peak downsampling (which keeps each column's
minimum and maximum, so nothing visible is lost); pyqtgraph's default of 5 makes a
20-minute run's curves slow to paint."""
HOVER_NAME = "hover_name"
"""The Qt property that names a curve in the hover readout (curves without one are left out)."""
HOVER_REACH = 0.03
"""A curve's nearest point is shown only when it lies within this fraction of the visible
x range from the mouse (another run that ended earlier says nothing there)."""


class PlotPanel(QWidget):
    """A titled plot of one quantity against seconds since the run started.

    Args:
        key: Stable identifier (``"gpu_util"``), used for object names and tests.
        title: Translated title shown in the header and in exported files.
        unit: Translated unit shown on the left axis (``"%"``, ``"GiB"``).

    An export that fails goes to the error sink (:mod:`gui.errors`).
    """

    def __init__(
        self,
        key: str,
        title: str,
        unit: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.title = title
        self.setObjectName(f"plot_{key}")
        self._phase_items: list[pg.GraphicsObject] = []
        self._pens: dict[pg.PlotDataItem, tuple[QPen, QPen]] = {}
        self._presented: dict[str, Any] | None = None  # what set_presentation changed
        self.hover_unit: str | None = None
        """The unit the hover readout writes after a value; ``None``: the y axis's label."""

        self._title_label = QLabel(title)
        bold = QFont(self._title_label.font())
        bold.setBold(True)
        self._title_label.setFont(bold)
        # a long title ("Memória do processo da execução (RSS)") wraps rather than setting
        # the width of its column, and with it the window's (issue #12: fit 1280x720)
        self._title_label.setWordWrap(True)

        self.png_button = self._tool_button(
            self.tr("PNG"), self.tr("Export this plot as a PNG image"), "png"
        )
        self.svg_button = self._tool_button(
            self.tr("SVG"), self.tr("Export this plot as an SVG image"), "svg"
        )
        self.copy_button = QToolButton(self)
        self.copy_button.setText(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy this plot to the clipboard as an image"))
        self.copy_button.setAutoRaise(True)
        self.copy_button.setObjectName("copy_button")
        self.copy_button.clicked.connect(self.copy_to_clipboard)

        header = QHBoxLayout()
        header.setContentsMargins(4, 0, 4, 0)
        header.setSpacing(2)
        header.addWidget(self._title_label)
        header.addStretch(1)
        header.addWidget(self.png_button)
        header.addWidget(self.svg_button)
        header.addWidget(self.copy_button)

        self.plot_widget = pg.PlotWidget(
            background=theme.PLOT_BACKGROUND,
            axisItems={side: LocaleAxis(side) for side in ("left", "bottom")})
        self.plot_widget.setMinimumHeight(140)
        self.plot_widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        item = self.plot_item
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        theme.show_grid(item)
        item.setLabel("left", unit)
        item.setLabel("bottom", self.tr("s since start"))
        item.setMenuEnabled(True)
        item.hideButtons()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.enableAutoSIPrefix(False)  # "GiB (x0.001)" would confuse; units are fixed
            axis.label.setFont(QFont(self.font().family(), 8))
        self.export_actions = plot_export.add_export_actions(
            self, item, lambda: self.title)

        self._note = QGraphicsTextItem(item.getViewBox())
        self._note.setDefaultTextColor(QColor(theme.NA_TEXT))
        note_font = QFont(self.font())
        note_font.setPointSizeF(max(9.0, note_font.pointSizeF()))
        self._note.setFont(note_font)
        self._note.setZValue(1000)
        self._note.setVisible(False)
        self._note_bg = QGraphicsRectItem(item.getViewBox())  # keeps the note legible
        self._note_bg.setBrush(QBrush(QColor(255, 255, 255, 235)))
        self._note_bg.setPen(QPen(Qt.PenStyle.NoPen))
        self._note_bg.setZValue(999)
        self._note_bg.setVisible(False)
        item.getViewBox().sigResized.connect(self._place_note)

        self._hover_line = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(theme.PHASE_LINE, width=1))
        self._hover_line.setZValue(900)
        self._hover_line.setVisible(False)
        item.addItem(self._hover_line, ignoreBounds=True)
        self._hover_text = QGraphicsTextItem(item.getViewBox())
        self._hover_text.setObjectName("hover_text")
        self._hover_text.setZValue(1002)
        self._hover_bg = QGraphicsRectItem(item.getViewBox())
        self._hover_bg.setBrush(QBrush(QColor(255, 255, 255, 220)))
        self._hover_bg.setPen(QPen(QColor(theme.PHASE_LINE)))
        self._hover_bg.setZValue(1001)
        self.hide_hover()
        self.plot_widget.scene().sigMouseMoved.connect(self._hover)
        self.plot_widget.viewport().installEventFilter(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.plot_widget, 1)

    def set_title(self, title: str) -> None:
        """Change the title shown in the header and written into exported files."""
        self.title = title
        self._title_label.setText(title)

    def set_help(self, text: str) -> None:
        """The title's tooltip: what the plot shows, its source and its unit."""
        self._title_label.setToolTip(text)

    def help(self) -> str:
        """The title's tooltip (``""`` when none)."""
        return self._title_label.toolTip()

    # -- the value under the cursor --------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's
        """Hide the hover readout when the mouse leaves the plot or presses a button."""
        if event.type() in (QEvent.Type.Leave, QEvent.Type.MouseButtonPress):
            self.hide_hover()
        return super().eventFilter(watched, event)

    def hide_hover(self) -> None:
        """Hide the hover readout (the mouse left; an export is about to draw the plot)."""
        self._hover_line.setVisible(False)
        self._hover_text.setVisible(False)
        self._hover_bg.setVisible(False)

    def hover_text(self) -> str:
        """The hover readout as shown (plain text), ``""`` when hidden."""
        return self._hover_text.toPlainText() if self._hover_text.isVisible() else ""

    def hover_at(self, x: float) -> list[tuple[str, str, float]]:
        """``(name, #RRGGBB, y)`` of each visible named curve's point nearest to ``x`` s.

        A point farther than :data:`HOVER_REACH` of the visible x range, or a gap, is
        left out.
        """
        x0, x1 = self.plot_item.getViewBox().viewRange()[0]
        reach = HOVER_REACH * max(x1 - x0, 1e-9)
        found = []
        for curve in self.plot_item.listDataItems():
            name = curve.property(HOVER_NAME)
            xs, ys = curve.xData, curve.yData
            if not name or not curve.isVisible() or xs is None or ys is None or not len(xs):
                continue
            i = int(np.searchsorted(xs, x))
            near = [j for j in (i - 1, i) if 0 <= j < len(xs)]
            j = min(near, key=lambda k: abs(float(xs[k]) - x))
            y = float(ys[j])
            if abs(float(xs[j]) - x) > reach or not math.isfinite(y):
                continue
            pen = curve.opts.get("pen")
            color = pg.mkPen(pen).color().name() if pen is not None else theme.PHASE_LINE
            found.append((str(name), color, y))
        return found

    def _hover(self, pos: QPointF) -> None:
        """The mouse moved over the plot's scene: show the values at its x."""
        view = self.plot_item.getViewBox()
        if not view.sceneBoundingRect().contains(pos):
            self.hide_hover()
            return
        x = view.mapSceneToView(pos).x()
        found = self.hover_at(x)
        if not found:
            self.hide_hover()
            return
        lang = language()
        unit = (self.plot_item.getAxis("left").labelText if self.hover_unit is None
                else self.hover_unit)
        rows = [escape(self.tr("{0} s").format(number(x, lang, digits=3)))] + [
            f"<span style='color:{color}'>■</span> {escape(name)}: "
            f"<b>{escape(f'{number(y, lang, digits=3)} {unit}'.strip())}</b>"
            for name, color, y in found]
        self._hover_text.setHtml("<br>".join(rows))
        self._hover_line.setPos(x)
        rect = view.boundingRect()
        self._hover_text.setPos(rect.left() + 6, rect.top() + 4)
        box = self._hover_text.boundingRect()
        self._hover_bg.setRect(QRectF(rect.left() + 6, rect.top() + 4, box.width(),
                                      box.height()))
        for part in (self._hover_line, self._hover_text, self._hover_bg):
            part.setVisible(True)

    @property
    def plot_item(self) -> pg.PlotItem:
        """The pyqtgraph plot (pass it to :func:`gui.widgets.plot_export.export_plot`)."""
        return self.plot_widget.getPlotItem()

    def add_curve(
        self, pen: object, ignore_bounds: bool = False, hover_name: str = "",
        **kwargs: object
    ) -> pg.PlotDataItem:
        """Add an empty curve with ``pen`` (and symbol options) that draws NaN as a gap.

        ``ignore_bounds`` keeps the curve out of the automatic axis range; ``hover_name``
        names it in the hover readout (``""``: left out).

        Solid, opaque lines are drawn as separate segments: antialiased wide polylines
        through noisy data take Qt's raster engine twenty times longer to stroke.
        """
        curve = pg.PlotDataItem(
            [], [], pen=pen, connect="finite", autoDownsampleFactor=DOWNSAMPLE_FACTOR, **kwargs
        )
        qpen = pg.mkPen(pen)
        if qpen.widthF() > 1.0:
            thin = QPen(qpen)
            thin.setWidthF(1.0)
            self._pens[curve] = (qpen, thin)
        if qpen.style() == Qt.PenStyle.SolidLine and qpen.color().alpha() == 255:
            curve.curve.setSegmentedLineMode("on")
        if hover_name:
            curve.setProperty(HOVER_NAME, hover_name)
        self.plot_item.addItem(curve, ignoreBounds=ignore_bounds)
        return curve

    def set_presentation(self, scale: float | None) -> None:
        """Text and lines ``scale`` times larger, axes and their text black.

        For presentation mode (:mod:`gui.presentation`); ``None`` puts back what was
        there before.
        """
        item = self.plot_item
        axes = [item.getAxis(name) for name in ("left", "bottom")]
        hover = QFont(self.font())
        hover.setPointSizeF(hover.pointSizeF() * (scale or 1.0))
        self._hover_text.setFont(hover)  # read from the back of the room too
        for button in (self.png_button, self.svg_button, self.copy_button):
            button.setVisible(scale is None)  # on stage nothing is exported
        for mark in self._phase_items:  # large labels of phases a second apart overlap;
            label = getattr(mark, "label", None)  # the strip's legend names the lines
            if label is not None:
                label.setVisible(scale is None)
        # three rows of plots under the cards fit 720 px only a little lower than usual
        self.plot_widget.setMinimumHeight(140 if scale is None else 110)
        if scale is None:
            saved = self._presented
            if saved is None:
                return
            self._title_label.setFont(saved["title"])
            for axis, (label, tick, pen, text_pen) in zip(axes, saved["axes"]):
                axis.label.setFont(label)
                axis.setStyle(tickFont=tick)
                axis.setPen(pen)
                axis.setTextPen(text_pen)
            for curve, pen in saved["curves"].items():
                curve.setPen(pen)
            self._pens = saved["pens"]
            self._note.setFont(saved["note"])
            set_legend_size(item.legend, saved["legend"])
            self._presented = None
            return
        if self._presented is not None:
            self.set_presentation(None)
        curves = {c: QPen(c.opts["pen"]) for c in item.listDataItems()
                  if c.opts.get("pen") is not None}
        self._presented = {
            "title": QFont(self._title_label.font()),
            "axes": [(QFont(a.label.font()), a.style.get("tickFont"), QPen(a.pen()),
                      QPen(a.textPen())) for a in axes],
            "curves": curves, "pens": dict(self._pens), "note": QFont(self._note.font()),
            "legend": item.legend.labelTextSize() if item.legend is not None else None}
        if item.legend is not None:
            size = str(item.legend.labelTextSize() or "9pt")
            points = float(size[:-2]) if size.endswith("pt") else 9.0
            set_legend_size(item.legend, f"{round(points * scale)}pt")
        note = QFont(self._note.font())
        note.setPointSizeF(note.pointSizeF() * scale)
        self._note.setFont(note)
        title = QFont(self._title_label.font())
        title.setPointSizeF(title.pointSizeF() * scale)
        self._title_label.setFont(title)
        for axis in axes:
            axis.label.setFont(QFont(self.font().family(), round(8 * scale)))
            axis.setStyle(tickFont=QFont(self.font().family(), round(9 * scale)))
            axis.setPen(pg.mkPen("#000000"))
            axis.setTextPen(pg.mkPen("#000000"))

        def wider(pen: QPen) -> QPen:
            out = QPen(pen)
            out.setWidthF(max(1.0, pen.widthF()) * scale)
            return out

        for curve, pen in curves.items():
            curve.setPen(wider(pen))
        self._pens = {c: (wider(wide), wider(thin)) for c, (wide, thin) in self._pens.items()}

    def include_zero(self) -> None:
        """Keep y = 0 inside the automatic y range (an invisible point at (0, 0)).

        For rates and durations, whose size is the message: autoscaled to its data alone,
        a throughput that varies by 0.5% (GPT-2 training on an H200, 146,300 to 147,300
        tokens/s) fills the plot from top to bottom and reads as a collapse.
        """
        anchor = pg.PlotCurveItem([0.0], [0.0], pen=pg.mkPen(QColor(0, 0, 0, 0)))
        self.plot_item.addItem(anchor)
        self._zero_anchor = anchor

    def show_x(self, x0: float, x1: float) -> None:
        """Show ``x0`` .. ``x1`` seconds; from ``x0`` > 0 on, y fits what is visible.

        A window over the newest seconds of a run (the Preferences' plot history) sizes
        y by the points in it, with y = 0 kept in where :meth:`include_zero` asked.
        """
        item = self.plot_item
        windowed = x0 > 0
        if windowed != bool(item.getViewBox().state["autoVisibleOnly"][1]):
            item.setAutoVisible(y=windowed)
        anchor = getattr(self, "_zero_anchor", None)
        if anchor is not None:  # in the window too, or the y range would drop zero
            anchor.setData([x0, x1] if windowed else [0.0], [0.0, 0.0] if windowed else [0.0])
        item.setXRange(x0, x1, padding=0.02)

    def fit_pen(self, curve: pg.PlotDataItem, n_points: int) -> None:
        """Draw ``curve`` 1 px wide while it has more points than the plot has pixels.

        Downsampled (``"peak"``), such a curve is a column of vertical strokes, one per
        pixel, which a 1 px pen fills exactly; a 2 px pen looks the same and takes Qt's
        raster engine about 20 times longer (27 ms against 1.3 ms for a noisy hour of
        step times on 400 px). Curves added with a 1 px pen are left alone.
        """
        pens = self._pens.get(curve)
        if pens is None:
            return
        wide, thin = pens
        pen = thin if n_points > self.plot_item.getViewBox().width() else wide
        if curve.opts["pen"].widthF() != pen.widthF():
            curve.setPen(pen)

    # -- note overlay ----------------------------------------------------------------
    def set_note(self, text: str | None) -> None:
        """Show ``text`` centred in the plot (``None`` hides it)."""
        if not text:
            self.plot_item.getAxis("left").setStyle(showValues=True)
            self._note.setVisible(False)
            self._note_bg.setVisible(False)
            self._note.setPlainText("")
            return
        self._note.setHtml(f"<div align='center'>{escape(text)}</div>")
        self._note.setVisible(True)
        self.plot_item.getAxis("left").setStyle(showValues=False)  # no numbers without data
        self._note_bg.setVisible(True)
        self._place_note()

    def note(self) -> str:
        """The note shown in the plot, ``""`` when none."""
        return self._note.toPlainText() if self._note.isVisible() else ""

    def _place_note(self, *_args: object) -> None:
        if not self._note.isVisible():
            return
        rect = self.plot_item.getViewBox().boundingRect()
        width = max(60.0, rect.width() - 16.0)
        self._note.setTextWidth(width)
        height = self._note.boundingRect().height()
        self._note.setPos(rect.left() + 8.0, rect.top() + max(0.0, (rect.height() - height) / 2))
        text_width = self._note.document().idealWidth()
        self._note_bg.setRect(
            QRectF(
                self._note.pos().x() + (width - text_width) / 2 - 6,
                self._note.pos().y(),
                text_width + 12,
                height,
            )
        )

    # -- phase marks -----------------------------------------------------------------
    def add_phase_line(self, x: float, label: str) -> pg.InfiniteLine:
        """A vertical labelled line at ``x`` seconds (a phase change)."""
        line = pg.InfiniteLine(
            pos=x,
            angle=90,
            movable=False,
            pen=pg.mkPen(theme.PHASE_LINE, width=1, style=Qt.PenStyle.DashLine),
            label=label,
            labelOpts={
                "position": 0.92,
                "color": theme.PHASE_LINE,
                "anchors": [(0, 0.5), (0, 0.5)],
            },
        )
        line.label.setVisible(self._presented is None)
        self.plot_item.addItem(line, ignoreBounds=True)
        self._phase_items.append(line)
        return line

    def add_region(self, x0: float, x1: float) -> pg.LinearRegionItem:
        """A shaded, fixed region from ``x0`` to ``x1`` seconds (the warm-up)."""
        region = pg.LinearRegionItem(
            values=(x0, x1),
            orientation="vertical",
            brush=pg.mkBrush(*theme.WARMUP_REGION),
            pen=pg.mkPen(None),
            movable=False,
        )
        region.setZValue(-10)
        self.plot_item.addItem(region, ignoreBounds=True)
        self._phase_items.append(region)
        return region

    def clear_phase_marks(self) -> None:
        """Remove every phase line and region (a new run starts)."""
        for item in self._phase_items:
            self.plot_item.removeItem(item)
        self._phase_items.clear()

    def phase_items(self) -> list[pg.GraphicsObject]:
        """Phase lines and regions currently shown."""
        return list(self._phase_items)

    # -- export ----------------------------------------------------------------------
    def export_to(self, path: str, width: int = plot_export.DEFAULT_PNG_WIDTH) -> None:
        """Export this plot (with its title) to ``path`` (``.png`` ``width`` px, or ``.svg``)."""
        plot_export.export_plot(self.plot_item, path, width=width, title=self.title)

    def copy_to_clipboard(self) -> None:
        """Put this plot (with its title) on the clipboard as an image."""
        plot_export.copy_with_feedback(self.plot_item, self.title)

    def _tool_button(self, text: str, tip: str, fmt: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setObjectName(f"export_{fmt}_button")
        button.clicked.connect(
            lambda: plot_export.export_with_dialog(
                self, self.plot_item, self.title, fmt
            )
        )
        return button
