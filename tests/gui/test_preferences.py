"""File ▸ Preferences: the dialog, what it keeps between starts, and where each one acts."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from gui.main_window import MainWindow
from gui.preferences import Preferences
from gui.widgets import plot_export, png_size_dialog

from .conftest import no_driver_nvml
from .test_window import RUN_TIMEOUT_MS, configure

OK = QDialogButtonBox.StandardButton.Ok
CANCEL = QDialogButtonBox.StandardButton.Cancel
DEFAULTS = QDialogButtonBox.StandardButton.RestoreDefaults


@pytest.fixture
def settings(tmp_path):
    """Settings in a file of this test's (what the app reads from ~/.config/Trainfer)."""
    return QSettings(str(tmp_path / "Trainfer.conf"), QSettings.Format.IniFormat)


@pytest.fixture(autouse=True)
def export_defaults(monkeypatch):
    """The export defaults are the module's: put them back after each test."""
    monkeypatch.setattr(plot_export, "_last_width", plot_export.DEFAULT_PNG_WIDTH)
    monkeypatch.setattr(plot_export, "_default_format", "png")


def open_window(qtbot, settings, store) -> MainWindow:
    win = MainWindow(nvml=no_driver_nvml(), store=store, settings=settings)
    qtbot.addWidget(win)
    win.show()
    return win


def choose(qtbot, win, tmp_path):
    """Open File ▸ Preferences, as a user, change every setting and press OK."""
    win.actions_by_name["preferences"].trigger()
    dialog = _dialog(win)
    dialog.language.setCurrentIndex(dialog.language.findData("pt_BR"))
    dialog.device.setCurrentIndex(dialog.device.findData("cpu"))
    dialog.sample_hz.setValue(10)
    dialog.history.setValue(30)
    dialog.png_width.setValue(1234)
    dialog.export_format.setCurrentIndex(dialog.export_format.findData("svg"))
    dialog.data_dir.setText(str(tmp_path / "runs"))
    qtbot.mouseClick(dialog.button(OK), Qt.MouseButton.LeftButton)
    return dialog


def _dialog(win):
    from gui.preferences_dialog import PreferencesDialog

    found = [d for d in win.findChildren(PreferencesDialog) if d.isVisible()]
    assert len(found) == 1
    return found[0]


CHOSEN = dict(language="pt_BR", device="cpu", sample_hz=10, history_s=30, png_width=1234,
              export_format="svg")


def test_the_preferences_survive_closing_and_opening_the_window(qtbot, qloop, store,
                                                                 settings, tmp_path):
    win = open_window(qtbot, settings, store)
    assert win.actions_by_name["preferences"].shortcuts()[0].toString() in ("Ctrl+,",
                                                                           "Ctrl+Comma")
    choose(qtbot, win, tmp_path)
    assert win.preferences == Preferences(**CHOSEN, data_dir=str(tmp_path / "runs"))
    assert "next start" in win.banner.message()  # the language and the folder said so
    win.panel.set_device("auto")  # the last one used; the preference wins at the next start
    win.close()

    again = open_window(qtbot, QSettings(settings.fileName(), QSettings.Format.IniFormat),
                        store)
    try:
        assert again.preferences == Preferences(**CHOSEN, data_dir=str(tmp_path / "runs"))
        assert again.session.sample_hz == 10 and again.live.history_window() == 30
        assert again.panel.device == "cpu"
        assert plot_export.last_png_width() == 1234 and plot_export.default_format() == "svg"
        dialog = again.show_preferences()
        assert dialog.sample_hz.value() == 10 and dialog.history.text() == "30 s"
        assert dialog.language.currentData() == "pt_BR"
        # Restore defaults fills the form; Cancel keeps what was there
        qtbot.mouseClick(dialog.button(DEFAULTS), Qt.MouseButton.LeftButton)
        assert dialog.preferences() == Preferences()
        assert dialog.history.text() == "Whole run"
        qtbot.mouseClick(dialog.button(CANCEL), Qt.MouseButton.LeftButton)
        assert again.preferences.sample_hz == 10
    finally:
        again.close()


DAMAGED = """[preferences]
language=klingon
device=cuda:9
sample_hz=abc
history_s=-3
png_width=5
export_format=gif
data_dir=relative/runs
"""


def test_without_settings_the_dialog_says_nothing_is_saved(qtbot, qloop, store,
                                                            private_settings):
    win = open_window(qtbot, None, store)
    try:
        dialog = win.show_preferences()
        assert "--no-settings" in dialog.unsaved_note.text()
        dialog.sample_hz.setValue(7)
        qtbot.mouseClick(dialog.button(OK), Qt.MouseButton.LeftButton)
        assert win.session.sample_hz == 7  # for this session
    finally:
        win.close()
    assert not any(private_settings.rglob("*.conf"))


def test_a_damaged_preference_is_reported_and_the_default_used(qtbot, qloop, store,
                                                               tmp_path, caplog):
    path = tmp_path / "damaged.conf"
    path.write_text(DAMAGED)
    with caplog.at_level(logging.WARNING):
        win = open_window(qtbot, QSettings(str(path), QSettings.Format.IniFormat), store)
    try:
        assert win.preferences == Preferences()
        assert win.session.sample_hz == 20
        for key in ("language", "device", "sample_hz", "history_s", "png_width",
                    "export_format", "data_dir"):
            assert f"preferences/{key}" in caplog.text, key
    finally:
        win.close()


def test_the_sampling_rate_preference_reaches_a_new_runs_session(qtbot, qloop, store,
                                                                 settings, tmp_path):
    win = open_window(qtbot, settings, store)
    try:
        choose(qtbot, win, tmp_path)
        configure(win, "train", seconds=60.0)
        assert win.start_run()
        sampler = win.session._sampler
        assert sampler is not None and sampler.period_s == pytest.approx(0.1)  # 10 Hz
        qtbot.waitUntil(lambda: win.live.panel("cpu_util").plot_item.listDataItems()[0]
                        .xData is not None, timeout=RUN_TIMEOUT_MS)
        win.stop_run()
        qtbot.waitUntil(lambda: not win.running, timeout=RUN_TIMEOUT_MS)
    finally:
        win.close()


def test_the_export_defaults_reach_the_export_dialogs(qtbot, qloop, store, settings,
                                                      tmp_path, monkeypatch):
    win = open_window(qtbot, settings, store)
    try:
        choose(qtbot, win, tmp_path)
        offered, asked = [], []
        monkeypatch.setattr(png_size_dialog, "ask_png_width",
                            lambda _p, width, _a: offered.append(width) or width)
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            lambda *a: asked.append(a) or ("", ""))
        panel = win.live.panel("cpu_util")
        qtbot.mouseClick(panel.png_button, Qt.MouseButton.LeftButton)
        assert offered == [1234]
        _parent, _caption, name, filters, selected = asked[0]
        assert filters.split(";;")[0].startswith("SVG")  # the default format first
        assert selected.startswith("PNG") and name.endswith(".png")  # the button's
    finally:
        win.close()


def test_the_command_line_and_the_environment_win_over_the_data_folder(monkeypatch, tmp_path):
    from gui.preferences import choose_data_dir

    prefs = Preferences(data_dir=str(tmp_path / "preferred"))
    monkeypatch.delenv("TRAINFER_DATA_DIR")
    assert choose_data_dir(None, prefs) == (str(tmp_path / "preferred"), "")
    assert choose_data_dir(None, Preferences()) == (None, "")  # the user data folder
    assert choose_data_dir("/cli", prefs) == ("/cli", "--data-dir")
    monkeypatch.setenv("TRAINFER_DATA_DIR", str(tmp_path / "env"))
    assert choose_data_dir(None, prefs) == (None, "TRAINFER_DATA_DIR")
