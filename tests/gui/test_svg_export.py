"""SVG exports drawn by real renderers put the data where the PNG export of the same plot does.

Each plot gets distinctive data in a known colour (a curve with one peak, bars of known
heights); its SVG is exported first (so a stale view transform would show), then its PNG;
the SVG is rendered with Qt's ``QSvgRenderer`` and, when installed, librsvg's
``rsvg-convert`` at the PNG's width, and the marks of each colour are found by pixel.
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from PySide6.QtCore import QByteArray, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from gui.compare.objective_chart import ObjectiveChart
from gui.experiments.charts import BarChart, SweepChart
from gui.widgets import plot_export, theme
from gui.widgets.memory_chart import PARTS, MemoryChart
from gui.widgets.plot_panel import PlotPanel

RSVG = shutil.which("rsvg-convert")
RENDERERS = [
    "qt",
    pytest.param("rsvg", marks=pytest.mark.skipif(
        RSVG is None, reason="rsvg-convert (librsvg) is not installed: apt install librsvg2-bin")),
]
TOLERANCE_PX = 3


def _array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine() // 4, 4)
    return rows[:, :image.width(), 2::-1].astype(int)  # BGRA in memory -> RGB


def render_svg(data: bytes, width: int, height: int, renderer: str, tmp_path) -> np.ndarray:
    """The SVG drawn by ``renderer`` into ``width`` x ``height`` pixels on white."""
    if renderer == "rsvg":
        source, target = tmp_path / "in.svg", tmp_path / "out.png"
        source.write_bytes(data)
        subprocess.run([RSVG, "-w", str(width), "-h", str(height), "-b", "white",
                        "-o", str(target), str(source)], check=True, timeout=30)
        return _array(QImage(str(target)))
    svg = QSvgRenderer(QByteArray(data))
    assert svg.isValid()
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    svg.render(painter, QRectF(0, 0, width, height))
    painter.end()
    return _array(image)


def mask(pixels: np.ndarray, color: str, tol: int = 60) -> np.ndarray:
    """Pixels within ``tol`` (sum of |ΔR|+|ΔG|+|ΔB|) of ``color``."""
    c = QColor(color)
    return np.abs(pixels - [c.red(), c.green(), c.blue()]).sum(axis=2) < tol


def peak(pixels: np.ndarray, color: str) -> tuple[int, int]:
    """(x, y) of the topmost pixel of ``color``."""
    ys, xs = np.nonzero(mask(pixels, color))
    assert len(ys), f"no pixel of {color}"
    return int(xs[ys.argmin()]), int(ys.min())


def column_runs(pixels: np.ndarray, color: str, min_px: int = 4) -> list[tuple[int, ...]]:
    """Bars (and legend swatches) of ``color``: runs of columns holding it, each as
    (left, right, top, bottom) in pixels."""
    m = mask(pixels, color, tol=30)
    columns = m.sum(axis=0) >= min_px
    runs, start = [], None
    for x, on in enumerate([*columns, False]):
        if on and start is None:
            start = x
        elif not on and start is not None:
            ys = np.nonzero(m[:, start:x].any(axis=1))[0]
            runs.append((start, x - 1, int(ys.min()), int(ys.max())))
            start = None
    return runs


def wide_runs(pixels: np.ndarray, color: str, min_width: int = 4) -> list[tuple[int, ...]]:
    """:func:`column_runs` at least ``min_width`` columns wide (bars and swatches, not
    text), each (left, right, top, bottom) with top and bottom taken from the rows that the
    colour fills at least half across (a label above a bar does not lift its top)."""
    m = mask(pixels, color, tol=30)
    runs = []
    for left, right, _top, _bottom in column_runs(pixels, color):
        if right - left + 1 < min_width:
            continue
        rows = np.nonzero(m[:, left:right + 1].mean(axis=1) >= 0.5)[0]
        if len(rows):
            runs.append((left, right, int(rows.min()), int(rows.max())))
    return runs


def exports(panel: PlotPanel, renderer: str, tmp_path, scale: float = 1.0):
    """(PNG pixels, SVG pixels rendered at the PNG's size), the SVG exported first."""
    svg_path, png_path = tmp_path / "plot.svg", tmp_path / "plot.png"
    panel.export_to(str(svg_path))
    width = round(panel.plot_item.sceneBoundingRect().width() * scale)
    panel.export_to(str(png_path), width=width)
    png = _array(QImage(str(png_path)))
    height, width = png.shape[:2]
    return png, render_svg(svg_path.read_bytes(), width, height, renderer, tmp_path)


def assert_same_marks(png: np.ndarray, svg: np.ndarray, color: str) -> None:
    """Nearly every pixel of ``color`` in one image has one within a few pixels in the other."""
    a, b = mask(png, color), mask(svg, color)
    assert a.sum() > 20 and b.sum() > 20, f"{color}: PNG {a.sum()} px, SVG {b.sum()} px"

    def grown(m: np.ndarray) -> np.ndarray:
        out = np.zeros_like(m)
        r = TOLERANCE_PX
        padded = np.pad(m, r)
        for dy in range(2 * r + 1):
            for dx in range(2 * r + 1):
                out |= padded[dy:dy + m.shape[0], dx:dx + m.shape[1]]
        return out

    assert (a & grown(b)).sum() >= 0.95 * a.sum(), f"{color}: PNG marks missing in the SVG"
    assert (b & grown(a)).sum() >= 0.95 * b.sum(), f"{color}: SVG marks off the PNG's"


def close(p: tuple[int, ...], q: tuple[int, ...], tol: int = TOLERANCE_PX) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(p, q))


@pytest.fixture
def curves(qtbot):
    """A plot with a training curve peaking at (25, 300) and a flat inference curve at 60."""
    panel = PlotPanel("probe", "Probe throughput", "tokens/s")
    qtbot.addWidget(panel)
    panel.resize(640, 360)
    panel.show()
    xs = np.arange(41, dtype=float)
    train = np.full(41, 170.0)
    train[25] = 300.0
    panel.add_curve(pg_pen("train")).setData(xs, train)
    panel.add_curve(pg_pen("infer")).setData(xs, np.full(41, 60.0))
    panel.add_region(2.0, 6.0)
    qtbot.waitExposed(panel)
    yield panel
    panel.close()


def pg_pen(mode: str):
    import pyqtgraph as pg

    return pg.mkPen(theme.mode_color(mode), width=2)


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_curves_sit_where_the_png_puts_them(curves, renderer, scale, tmp_path):
    png, svg = exports(curves, renderer, tmp_path, scale)
    tol = round(TOLERANCE_PX * scale)
    assert close(peak(svg, theme.TRAIN_COLOR), peak(png, theme.TRAIN_COLOR), tol)
    # the flat inference line sits at the same height (60, far below the peak) and spans
    # the same x range; its "peak" has no meaningful x (antialiasing picks the pixel)
    svg_ys, svg_xs = np.nonzero(mask(svg, theme.INFER_COLOR))
    png_ys, png_xs = np.nonzero(mask(png, theme.INFER_COLOR))
    assert abs(np.median(svg_ys) - np.median(png_ys)) <= 2 * scale
    assert abs(int(svg_xs.min()) - int(png_xs.min())) <= tol
    assert abs(int(svg_xs.max()) - int(png_xs.max())) <= tol
    if scale == 1.0:
        for mode in ("train", "infer"):
            assert_same_marks(png, svg, theme.mode_color(mode))


@pytest.mark.parametrize("renderer", RENDERERS)
def test_data_outside_the_view_is_clipped(curves, renderer, tmp_path):
    curves.plot_item.setXRange(10, 30, padding=0)
    curves.plot_item.setYRange(0, 400, padding=0)
    png, svg = exports(curves, renderer, tmp_path)
    xs = np.nonzero(mask(svg, theme.TRAIN_COLOR))[1]
    png_xs = np.nonzero(mask(png, theme.TRAIN_COLOR))[1]
    assert xs.min() >= png_xs.min() - TOLERANCE_PX and xs.max() <= png_xs.max() + TOLERANCE_PX


GIB = 1 << 30


@pytest.fixture
def memory_chart(qtbot, summary_factory):
    chart = MemoryChart()
    qtbot.addWidget(chart)
    chart.resize(560, 420)
    chart.show()
    train = summary_factory("train", "mlp", mem_params_bytes=2 * GIB, mem_grads_bytes=2 * GIB,
                            mem_optimizer_bytes=4 * GIB, mem_inputs_bytes=1 * GIB,
                            mem_activations_bytes=3 * GIB, mem_other_bytes=0)
    infer = summary_factory("infer", "mlp", mem_params_bytes=2 * GIB, mem_grads_bytes=0,
                            mem_optimizer_bytes=0, mem_inputs_bytes=1 * GIB,
                            mem_activations_bytes=1 * GIB, mem_other_bytes=0)
    chart.set_summaries(train, infer)
    qtbot.waitExposed(chart)
    yield chart
    chart.close()


@pytest.mark.parametrize("renderer", RENDERERS)
def test_every_memory_bar_is_drawn_where_the_png_draws_it(memory_chart, renderer, tmp_path):
    png, svg = exports(memory_chart, renderer, tmp_path)
    item = memory_chart.plot_item  # the left axis's numbers are in the foreground too
    left = round(item.vb.sceneBoundingRect().left() - item.sceneBoundingRect().left())
    png, svg = png[:, left:], svg[:, left:]
    drawn = {"mem_params_bytes": 2, "mem_grads_bytes": 1, "mem_optimizer_bytes": 1,
             "mem_inputs_bytes": 2, "mem_activations_bytes": 2}  # bars of each part
    for field, color in PARTS:
        if field not in drawn:
            continue
        # bars and swatches are several pixels wide; the axes' and legend's text, in the
        # plot foreground, blends through the parameters' grey in 1-2 px strokes
        png_runs, svg_runs = wide_runs(png, color), wide_runs(svg, color)
        assert len(png_runs) == drawn[field] + 1, (field, png_runs)  # + its legend swatch
        assert len(svg_runs) == len(png_runs), (field, svg_runs, png_runs)
        for got, want in zip(svg_runs, png_runs):
            assert close(got, want), (field, got, want)


@pytest.mark.parametrize("renderer", RENDERERS)
def test_experiment_bars_keep_their_heights(qtbot, renderer, tmp_path):
    chart = BarChart("probe_bars", "Throughput per case")
    qtbot.addWidget(chart)
    chart.resize(600, 380)
    chart.show()
    chart.set_bars(["a", "b", "c"], {"train": [(-0.2, 100.0), (0.8, 300.0), (1.8, 200.0)],
                                     "infer": [(0.2, 150.0), (1.2, 450.0), (2.2, 50.0)]},
                   "tokens/s", width=0.38)
    qtbot.waitExposed(chart)
    png, svg = exports(chart, renderer, tmp_path)
    for mode in ("train", "infer"):
        color = theme.mode_color(mode)
        png_runs, svg_runs = column_runs(png, color), column_runs(svg, color)
        assert len(png_runs) >= 3, png_runs  # three bars (and the legend's swatch)
        assert len(svg_runs) == len(png_runs), (mode, svg_runs, png_runs)
        for got, want in zip(svg_runs, png_runs):
            assert close(got, want), (mode, got, want)
    chart.close()


@pytest.mark.parametrize("renderer", RENDERERS)
def test_compare_and_sweep_charts_match_their_png(qtbot, summary_factory, renderer, tmp_path):
    objective = ObjectiveChart()
    sweep = SweepChart("probe_sweep", "Latency vs batch size", "ms", log_y=True)
    for chart in (objective, sweep):
        qtbot.addWidget(chart)
        chart.resize(600, 360)
        chart.show()
    curve = tuple((float(i), 2.5 - 2.0 * i / 30 + (0.8 if i == 12 else 0.0)) for i in range(31))
    objective.set_summaries(summary_factory("train", "mlp", loss_curve=curve), None)
    sweep.set_points({"train": [(1, 4.0), (8, 9.0), (64, 60.0)],
                      "infer": [(1, 1.0), (8, 2.0), (64, 11.0)]})
    qtbot.waitExposed(sweep)
    png, svg = exports(objective, renderer, tmp_path)
    assert close(peak(svg, theme.TRAIN_COLOR), peak(png, theme.TRAIN_COLOR))
    assert_same_marks(png, svg, theme.TRAIN_COLOR)
    png, svg = exports(sweep, renderer, tmp_path)
    for mode in ("train", "infer"):
        assert_same_marks(png, svg, theme.mode_color(mode))
    for chart in (objective, sweep):
        chart.close()


def test_svg_has_no_constructs_that_renderers_disagree_on(curves, memory_chart):
    for item in (curves.plot_item, memory_chart.plot_item):
        text = plot_export.plot_svg(item, "Title").decode()
        assert "non-scaling-stroke" not in text
        assert "<rect" not in text.split("</defs>", 1)[-1]  # bars are paths in pixels
        assert 'viewBox="0 0 ' in text


@pytest.mark.parametrize("width", [1920, 1280, 1001, 777])
def test_png_is_exactly_the_width_asked_for(curves, memory_chart, qapp, tmp_path, width):
    curves.resize(700, 333)  # pyqtgraph's ImageExporter made this plot 1281 px for 1280
    qapp.processEvents()
    for panel in (curves, memory_chart):
        image = plot_export.render_plot(panel.plot_item, width, title=panel.title)
        assert image.width() == width
        path = tmp_path / "p.png"
        panel.export_to(str(path), width=width)
        assert QImage(str(path)).width() == width
