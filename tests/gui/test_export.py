"""Export of plots as PNG and SVG: the function, the header buttons, the context menu."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from engine.events import Sample
from gui import plot_export
from gui.live_plots import LivePlots
from gui.plot_export import export_plot

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def live(qtbot):
    widget = LivePlots()
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    widget.begin_run("train", "mlp", False, t0_s=0.0)
    for i in range(50):
        widget.add_sample(Sample(i * 0.05, cpu_util_pct=30 + i, process_rss_bytes=(1 << 29) + i))
    widget.refresh()
    yield widget
    widget.close()


def _check_png(path):
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC and len(data) > 1000


def _check_svg(path):
    root = ET.parse(path).getroot()
    assert root.tag.rsplit("}", 1)[-1] == "svg"


def test_export_plot_png_and_svg(live, tmp_path):
    item = live.panel("cpu_util").plot_item
    _check_png(export_plot(item, tmp_path / "cpu.png"))
    _check_svg(export_plot(item, tmp_path / "cpu.SVG"))


def test_export_plot_rejects_other_suffixes(live, tmp_path):
    with pytest.raises(ValueError, match="png"):
        export_plot(live.panel("cpu_util").plot_item, tmp_path / "cpu.jpg")


def test_export_buttons_near_the_plot(live, tmp_path, qtbot, monkeypatch):
    panel = live.panel("rss")
    targets = {"png": tmp_path / "rss.png", "svg": tmp_path / "rss.svg"}
    monkeypatch.setattr(plot_export, "ask_export_path", lambda _p, _t, fmt: str(targets[fmt]))
    qtbot.mouseClick(panel.png_button, plot_export_button())
    qtbot.mouseClick(panel.svg_button, plot_export_button())
    _check_png(targets["png"])
    _check_svg(targets["svg"])
    assert "Run process memory" in targets["svg"].read_text()  # the title is in the file


def test_export_actions_in_the_plot_context_menu(live, tmp_path, monkeypatch):
    panel = live.panel("throughput")
    menu_actions = panel.plot_item.getViewBox().menu.actions()
    png_action, svg_action = panel.export_actions
    assert png_action in menu_actions and svg_action in menu_actions
    targets = {"png": tmp_path / "tp.png", "svg": tmp_path / "tp.svg"}
    monkeypatch.setattr(plot_export, "ask_export_path", lambda _p, _t, fmt: str(targets[fmt]))
    png_action.trigger()
    svg_action.trigger()
    _check_png(targets["png"])
    _check_svg(targets["svg"])


def test_export_failure_goes_to_the_error_handler(live, tmp_path, monkeypatch):
    errors = []
    panel = live.panel("cpu_util")
    bad = tmp_path / "missing-dir" / "x.png"
    monkeypatch.setattr(plot_export, "ask_export_path", lambda *_a: str(bad))
    result = plot_export.export_with_dialog(
        panel, panel.plot_item, "CPU", "png", lambda m, h: errors.append((m, h))
    )
    assert result is None and errors and "export" in errors[0][0].lower()


def test_cancelled_dialog_writes_nothing(live, monkeypatch):
    monkeypatch.setattr(plot_export, "ask_export_path", lambda *_a: "")
    panel = live.panel("cpu_util")
    assert plot_export.export_with_dialog(panel, panel.plot_item, "CPU", "png") is None


def plot_export_button():
    from PySide6.QtCore import Qt

    return Qt.LeftButton
