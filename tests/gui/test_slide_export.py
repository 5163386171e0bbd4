"""A plot as a slide (issue #12): exactly 1920x1080 or 1280x720, the data where the plot
has it, thick lines in the modes' colours, large type, and the plot on screen untouched."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage

from gui.widgets import plot_export, theme
from gui.widgets.plot_panel import PlotPanel
from gui.widgets.slide_export import SLIDE_SIZES, export_slide


@pytest.fixture
def panel(qtbot):
    p = PlotPanel("probe", "Throughput", "samples/s")
    qtbot.addWidget(p)
    p.resize(420, 260)
    p.show()
    qtbot.waitExposed(p)
    xs = np.arange(41, dtype=float)
    p.add_curve(pg.mkPen(theme.TRAIN_COLOR, width=2)).setData(xs, np.full(41, 4600.0))
    p.add_curve(pg.mkPen(theme.INFER_COLOR, width=2)).setData(xs, np.full(41, 15000.0))
    p.add_phase_line(5.0, "measure")
    p.plot_item.setYRange(0, 16000, padding=0)
    p.plot_item.setXRange(0, 40, padding=0)  # fixed: no automatic range left to settle
    yield p
    p.close()


def _pixels(path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine() // 4, 4)
    return rows[:, :image.width(), 2::-1].astype(int)


def _rows_of(pixels: np.ndarray, color: str) -> np.ndarray:
    c = np.array(pg.mkColor(color).getRgb()[:3])
    return np.nonzero((np.abs(pixels - c).sum(axis=2) < 60).any(axis=1))[0]


@pytest.mark.parametrize("name", list(SLIDE_SIZES))
def test_a_slide_is_exactly_its_size_with_thick_lines_in_the_modes_colours(panel, tmp_path,
                                                                          name):
    width, height = SLIDE_SIZES[name]
    path = export_slide(panel.plot_item, tmp_path / f"{name}.png", "Throughput", (width, height))
    pixels = _pixels(path)
    assert pixels.shape[:2] == (height, width)
    train, infer = _rows_of(pixels, theme.TRAIN_COLOR), _rows_of(pixels, theme.INFER_COLOR)
    assert len(train) and len(infer)
    assert infer.mean() < train.mean()  # 15,000 above 4,600, as in the plot
    # about 2.5 px at 960x540 drawn at 2x: the training line is several rows thick
    assert len(train) >= (4 if width == 1920 else 3)


def test_the_plot_on_screen_is_left_as_it_was(panel, tmp_path):
    pens = [c.opts["pen"].widthF() for c in panel.plot_item.listDataItems()]
    view = panel.plot_item.getViewBox().viewRange()
    export_slide(panel.plot_item, tmp_path / "s.png", "Throughput")
    assert [c.opts["pen"].widthF() for c in panel.plot_item.listDataItems()] == pens
    assert panel.plot_item.getViewBox().viewRange() == view
    assert panel.png_button.isVisible()


def test_the_menu_offers_both_slide_sizes(panel, tmp_path, monkeypatch):
    target = tmp_path / "menu.png"
    monkeypatch.setattr(plot_export, "ask_export_path", lambda _p, _t, fmt, **_k: str(target))
    slide_720 = next(a for a in panel.export_actions if a.objectName() == "export_slide_720")
    slide_720.trigger()
    assert _pixels(target).shape[:2] == (720, 1280)


def test_a_slide_that_cannot_be_written_is_reported(panel, tmp_path, monkeypatch, reported):
    bad = tmp_path / "missing" / "x.png"
    monkeypatch.setattr(plot_export, "ask_export_path", lambda *_a, **_k: str(bad))
    assert plot_export.export_slide_with_dialog(panel, panel.plot_item, "T", (1280, 720)) is None
    assert reported and "export" in reported[0][0].lower()


@pytest.mark.parametrize("lang", ["en", "pt_BR"])
def test_the_comparison_slide_has_one_short_line_per_row_in_large_type(summary_factory, lang):
    from engine.claims.compare import build
    from engine.core.format import text
    from gui.compare.table_export import MIN_TEXT_PX, slide_document

    cmp = build(summary_factory("train"), summary_factory("infer"))
    doc, px = slide_document(cmp, lang)
    assert px >= MIN_TEXT_PX  # from the back of a room: 24 px or more at 1920x1080
    assert doc.size().height() <= 1080 - 80  # fits inside the margins, nothing cut
    plain = doc.toPlainText()
    for row in cmp.rows:
        assert text(row.aspect, lang) in plain
        if row.verdict is not None:  # the mark and status, never the whole reasoning
            full = text(row.verdict.message, lang)
            assert full.split(":", 1)[0] in plain
            if ":" in full:
                assert full not in plain
    assert any(mark in plain for mark in ("✔", "✘", "–"))
