"""Export of plots as PNG and SVG: the function, the header buttons, the context menu."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from engine.core.events import Sample
from gui.live import dashboard_export
from gui.live.live_plots import LivePlots
from gui.widgets import plot_export, png_size_dialog, theme
from gui.widgets.plot_export import export_plot

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


@pytest.fixture(autouse=True)
def default_png_width(monkeypatch):
    """The PNG size dialog answers with the width it offers (tests replace it as needed)."""
    monkeypatch.setattr(png_size_dialog, "ask_png_width", lambda _p, width, _a: width)


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
    png_action, svg_action, copy_action, *slides = panel.export_actions
    assert {png_action, svg_action, copy_action, *slides} <= set(menu_actions)
    assert [a.objectName() for a in slides] == ["export_slide_1080", "export_slide_720"]
    targets = {"png": tmp_path / "tp.png", "svg": tmp_path / "tp.svg"}
    monkeypatch.setattr(plot_export, "ask_export_path", lambda _p, _t, fmt: str(targets[fmt]))
    png_action.trigger()
    svg_action.trigger()
    _check_png(targets["png"])
    _check_svg(targets["svg"])


def test_export_failure_goes_to_the_error_handler(live, tmp_path, monkeypatch, reported):
    panel = live.panel("cpu_util")
    bad = tmp_path / "missing-dir" / "x.png"
    monkeypatch.setattr(plot_export, "ask_export_path", lambda *_a: str(bad))
    result = plot_export.export_with_dialog(panel, panel.plot_item, "CPU", "png")
    assert result is None and reported and "export" in reported[0][0].lower()


def test_cancelled_dialog_writes_nothing(live, monkeypatch):
    monkeypatch.setattr(plot_export, "ask_export_path", lambda *_a: "")
    panel = live.panel("cpu_util")
    assert plot_export.export_with_dialog(panel, panel.plot_item, "CPU", "png") is None


def plot_export_button():
    from PySide6.QtCore import Qt

    return Qt.LeftButton


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC
    return struct.unpack(">II", data[16:24])


def test_png_at_a_chosen_width(live, tmp_path, qtbot, monkeypatch):
    panel = live.panel("cpu_util")
    target = tmp_path / "cpu.png"
    asked = []

    def ask(_parent, width, aspect):
        asked.append((width, aspect))
        return 1234

    monkeypatch.setattr(png_size_dialog, "ask_png_width", ask)
    monkeypatch.setattr(plot_export, "ask_export_path", lambda *_a: str(target))
    qtbot.mouseClick(panel.png_button, plot_export_button())
    width, height = png_size(target)
    assert width == 1234
    rect = panel.plot_item.sceneBoundingRect()
    assert height == pytest.approx(1234 * rect.height() / rect.width(), abs=40)  # + title
    assert asked and 0.1 < asked[0][1] < 2
    assert plot_export.last_png_width() == 1234  # offered next time


def test_png_size_dialog_presets_and_height(qtbot):
    dialog = png_size_dialog.PngSizeDialog(1000, 0.5)
    qtbot.addWidget(dialog)
    assert dialog.value() == 1000 and "500 px" in dialog.height_label.text()
    dialog.presets.setCurrentIndex(dialog.presets.findData(1920))
    assert dialog.value() == 1920 and "960 px" in dialog.height_label.text()


def test_cancelled_size_dialog_writes_nothing(live, tmp_path, monkeypatch):
    monkeypatch.setattr(png_size_dialog, "ask_png_width", lambda *_a: None)
    asked = []
    monkeypatch.setattr(plot_export, "ask_export_path", lambda *_a: asked.append(1) or "")
    panel = live.panel("cpu_util")
    assert plot_export.export_with_dialog(panel, panel.plot_item, "CPU", "png") is None
    assert not asked


def test_copy_a_chart_to_the_clipboard(live, qapp):
    clipboard = qapp.clipboard()
    clipboard.clear()
    panel = live.panel("rss")
    copy_action = panel.export_actions[2]
    assert copy_action.text() == "Copy to clipboard"
    copy_action.trigger()
    image = clipboard.image()
    assert not image.isNull() and image.width() == plot_export.last_png_width()
    clipboard.clear()
    panel.copy_button.click()
    assert not clipboard.image().isNull()


def test_dashboard_png_holds_every_plot_at_the_requested_width(live, tmp_path, monkeypatch):
    target = tmp_path / "dash.png"
    monkeypatch.setattr(png_size_dialog, "ask_png_width", lambda *_a: 1800)
    monkeypatch.setattr(dashboard_export, "ask_dashboard_path", lambda _p: str(target))
    live.source_banner.show_replay("mlp · train · cpu — training on cpu, ran 2025-01-01 10:00")
    live.dashboard_button.click()
    width, height = png_size(target)
    assert width == 1800
    assert height > 1800 // 3  # three rows of plots under a header
    image = QImage(str(target))
    # the cpu plot (first row without a GPU) is drawn: some pixels of the training colour
    colors = {image.pixelColor(x, y).name() for x in range(0, 1800, 3)
              for y in range(0, height, 7)}
    assert theme.TRAIN_COLOR.lower() in colors


def test_dashboard_rejects_other_suffixes_and_tiny_widths(live, tmp_path):
    with pytest.raises(ValueError, match="png"):
        live.export_dashboard(str(tmp_path / "d.jpg"), 1600)
    with pytest.raises(ValueError, match="at least"):
        live.export_dashboard(str(tmp_path / "d.png"), 50)


HIDPI_CHECK = """
import struct, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from engine.core.events import Sample
from gui.live.live_plots import LivePlots
from gui.widgets.plot_export import export_plot
live = LivePlots()
live.resize(1200, 800)
live.show()
live.begin_run("train", "mlp", False, 0.0)
for i in range(20):
    live.add_sample(Sample(i * 0.1, cpu_util_pct=30 + i, process_rss_bytes=1 << 30))
live.refresh()
app.processEvents()
out = sys.argv[1]
export_plot(live.panel("cpu_util").plot_item, out + "/plot.png", width=1000)
live.export_dashboard(out + "/dash.png", 1200)
for name in ("plot", "dash"):
    data = open(out + "/" + name + ".png", "rb").read()
    print(name, struct.unpack(">II", data[16:24])[0])
print("ratio", live.devicePixelRatioF())
"""


def test_png_sizes_ignore_the_screen_scale_factor(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="2")
    proc = subprocess.run([sys.executable, "-c", HIDPI_CHECK, str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=90,
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ratio 2.0" in proc.stdout  # the offscreen screen really was scaled
    assert "plot 1000" in proc.stdout and "dash 1200" in proc.stdout, proc.stdout
