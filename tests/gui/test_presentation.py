"""Presentation mode (issue #12): F11 in and Escape out, larger everything, the big cards,
Page Up / Page Down through Live, Compare and Experiments, a 1280x720 projector."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from gui.main_window import MainWindow
from gui.presentation import DEFAULT_SCALE, clamp_scale
from gui.translation import install_translators
from gui.widgets.words import language, set_language

from .conftest import no_driver_nvml


@pytest.fixture
def portuguese_ui(qapp):
    """The interface in pt_BR, as ``trainfer gui --lang pt_BR`` sets it (see test_translation)."""
    before_lang, before_locale = language(), QLocale()
    translators = install_translators(qapp, "pt_BR")
    set_language("pt_BR")
    yield
    for t in translators:
        qapp.removeTranslator(t)
    set_language(before_lang)
    QLocale.setDefault(before_locale)


def press(qtbot, window, key):
    qtbot.keyClick(window, key)
    QApplication.processEvents()


def test_f11_enters_and_escape_leaves_putting_everything_back(window, qtbot):
    app = QApplication.instance()
    font_before = app.font().pointSizeF()
    stop_keys = window.actions_by_name["stop_run"].shortcuts()
    assert QKeySequence(Qt.Key.Key_Escape) in stop_keys
    window.actions_by_name["presentation"].trigger()  # View ▸ Presentation, F11
    p = window.presentation
    assert p.active and window.actions_by_name["presentation"].isChecked()
    assert window.isFullScreen() or window.windowState() & Qt.WindowState.WindowFullScreen
    assert not window.side_panel.isVisible() and not window.statusBar().isVisible()
    assert p.cards.isVisible()
    assert app.font().pointSizeF() == pytest.approx(font_before * DEFAULT_SCALE)
    throughput = window.live.panel("throughput")
    assert not throughput.png_button.isVisible()  # on stage nothing is exported
    # Escape leaves presentation mode and never stops a run while presenting
    assert QKeySequence(Qt.Key.Key_Escape) not in window.actions_by_name["stop_run"].shortcuts()
    press(qtbot, window, Qt.Key.Key_Escape)
    assert not p.active and not window.actions_by_name["presentation"].isChecked()
    assert window.side_panel.isVisible() and window.statusBar().isVisible()
    assert not p.cards.isVisible() and throughput.png_button.isVisible()
    assert app.font().pointSizeF() == pytest.approx(font_before)
    assert window.actions_by_name["stop_run"].shortcuts() == stop_keys


def test_lines_and_plot_text_grow_and_shrink_back(window):
    curve = window.live.curve("throughput", "train")
    width = curve.opts["pen"].widthF()
    axis = window.live.panel("throughput").plot_item.getAxis("left")
    window.presentation.scale = 2.0
    window.presentation.enter()
    assert curve.opts["pen"].widthF() == pytest.approx(2.0 * width)
    assert axis.style["tickFont"].pointSize() == 18
    assert axis.pen().color().name() == "#000000"  # high contrast
    window.presentation.leave()
    assert curve.opts["pen"].widthF() == pytest.approx(width)
    assert axis.pen().color().name() != "#000000"


def test_page_down_and_up_step_through_live_compare_and_experiments(window, qtbot):
    window.presentation.enter()
    names = []
    for _ in range(4):
        press(qtbot, window, Qt.Key.Key_PageDown)
        names.append(window.tabs.tabText(window.tabs.currentIndex()))
    assert names == ["Compare", "Experiments", "Live", "Compare"]
    press(qtbot, window, Qt.Key.Key_PageUp)
    assert window.tabs.currentWidget() is window.live
    window.presentation.leave()
    window.tabs.setCurrentWidget(window.compare)
    press(qtbot, window, Qt.Key.Key_PageDown)  # outside presentation: not the tab keys
    assert window.tabs.currentWidget() is window.compare


def test_the_cards_hold_the_key_numbers_and_say_why_one_is_missing(window, summary_factory):
    window.compare.set_model("mlp")
    window.compare.add_summary(summary_factory("train", "mlp"))
    window.presentation.enter()
    train = window.presentation.cards.train.text()
    assert train.startswith("Training — ") and "Throughput" in train
    assert "Power N/A (run on the CPU)" in train  # no NVIDIA GPU: said, not blank
    assert "Not run yet" in window.presentation.cards.infer.text()
    window.compare.add_summary(summary_factory("infer", "mlp"))
    window._on_summary(summary_factory("infer", "mlp"))  # a run that ends updates them
    assert "Not run yet" not in window.presentation.cards.infer.text()
    window.presentation.leave()


@pytest.fixture(params=["en", "pt_BR"])
def window_in_each_language(request, qtbot, qloop, store):
    """``(language, main window)`` in English, then in Brazilian Portuguese."""
    if request.param == "pt_BR":
        request.getfixturevalue("portuguese_ui")
    win = MainWindow(nvml=no_driver_nvml(), store=store)
    qtbot.addWidget(win)
    win.show()
    yield request.param, win
    win.close()


def test_presentation_fits_a_1280_by_720_projector(window_in_each_language):
    lang, win = window_in_each_language
    win.presentation.enter()
    hint = win.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720, (lang, hint.toTuple())
    win.presentation.leave()


def test_a_damaged_scale_setting_gives_the_default():
    assert clamp_scale("1.8") == pytest.approx(1.8)
    assert clamp_scale("big") == DEFAULT_SCALE and clamp_scale(float("nan")) == DEFAULT_SCALE
    assert clamp_scale(10) == 3.0 and clamp_scale(0.2) == 1.0


def test_two_rows_of_larger_plots_without_phase_labels(window):
    live = window.live
    live.begin_run("train", "mlp", False, t0_s=0.0)
    from engine.core.events import Phase

    live.add_phase(Phase(0.5, "build"))
    window.presentation.enter()
    shown = [k for k, p in live.panels().items() if p.isVisible()]
    assert len(shown) == 6 and {"throughput", "step_time", "loss"} <= set(shown)
    marks = live.panel("throughput")._phase_items
    assert marks and not any(m.label.isVisible() for m in marks if hasattr(m, "label"))
    live.add_phase(Phase(1.0, "warmup"))  # a phase that starts while presenting
    assert not any(m.label.isVisible() for m in live.panel("throughput")._phase_items
                   if hasattr(m, "label"))
    window.presentation.leave()
    assert all(p.isVisible() for p in live.panels().values())
    assert all(m.label.isVisible() for m in live.panel("throughput")._phase_items
               if hasattr(m, "label"))


def test_a_legend_that_appears_while_presenting_is_large_too(window):
    from engine.core.events import Sample

    live = window.live
    live.begin_run("train", "resnet50", False, t0_s=0.0)
    window.presentation.enter()
    live.add_sample(Sample(0.5, gpu_util_pct=90.0, sm_activity_pct=80.0,
                           tensor_activity_pct=10.0, power_w=500.0,
                           power_instant_w=520.0))
    live.refresh()
    legend = live.panel("gpu_util").plot_item.legend
    assert legend is not None and legend.labelTextSize() == f"{round(8 * DEFAULT_SCALE)}pt"
    window.presentation.leave()
    assert legend.labelTextSize() == "8pt"


def test_the_window_fits_a_1280_by_720_projector_in_every_tab(window_in_each_language):
    lang, win = window_in_each_language
    for i in range(win.tabs.count()):
        win.tabs.setCurrentIndex(i)
        QApplication.processEvents()
        hint = win.minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 720, (lang, i, hint.toTuple())
        if lang == "en":  # the minimum; Portuguese labels need 1,112 px today
            assert hint.width() <= 1024 and hint.height() <= 640, (i, hint.toTuple())


def test_the_first_size_fits_the_screen():
    from PySide6.QtCore import QSize

    from gui.main_window import initial_size

    assert initial_size(QSize(1280, 690)) == (1280, 690)  # a projector, minus a panel
    assert initial_size(QSize(2560, 1440)) == (1600, 1000)
    assert initial_size(None) == (1600, 1000)


def test_a_long_status_line_is_cut_short_not_widening_the_window(qtbot):
    from gui.run_status import RunStatusBar

    bar = RunStatusBar()
    qtbot.addWidget(bar)
    bar.state_label.setText("Execução: treinamento: medido · verificação de retenção e "
                            "salvamento (não cronometrado) (reprodução 4×)")
    bar.readout_label.setText("passo 509 · 15.489 imagens/s · 16,5 ms/passo · perda 0,0012")
    bar.device_label.setText("Dispositivo: cuda:0 — NVIDIA H200")
    # on the H200 demo's replay this line made a 1280 px window 1430 px wide
    assert bar.minimumSizeHint().width() < 400
    assert bar.state_label.text().endswith("(reprodução 4×)")  # the whole text is kept
