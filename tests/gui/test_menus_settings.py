"""Menus and shortcuts, the settings remembered between starts, Help ▸ About."""

from __future__ import annotations

import importlib.metadata
import logging
import platform

import PySide6
import pytest
from fake_nvml import FakeNvmlLib
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

import engine
from engine.session.telemetry.nvml import Nvml
from gui.main_window import MainWindow

from .conftest import no_driver_nvml
from .test_app import _run
from .test_window import RUN_TIMEOUT_MS, configure

MENUS = ["&File", "&View", "&Run", "&Help"]


def menu(window, title: str) -> list[str]:
    """The names of the actions of the menu titled ``title`` (separators left out)."""
    bar = {a.text(): a.menu() for a in window.menuBar().actions()}
    return [a.objectName() for a in bar[title].actions() if a.objectName()]


def keys(window, name: str) -> list[str]:
    return [k.toString() for k in window.actions_by_name[name].shortcuts()]


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press on the window, as the user makes it (the window is active)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    qtbot.keyClick(window, key, modifier)


@pytest.fixture
def settings(tmp_path):
    """Settings in a file of this test's (what the app reads from ~/.config/Trainfer)."""
    return QSettings(str(tmp_path / "Trainfer.conf"), QSettings.Format.IniFormat)


def open_window(qtbot, settings, store, nvml=None) -> MainWindow:
    win = MainWindow(nvml=nvml or no_driver_nvml(), store=store, settings=settings)
    qtbot.addWidget(win)
    win.show()
    return win


# -- menus and shortcuts -----------------------------------------------------------------
def test_the_menus_are_file_view_run_help_with_their_shortcuts(window):
    assert [a.text() for a in window.menuBar().actions()] == MENUS
    assert menu(window, "&File") == ["open_recording", "import_recording", "export_recording",
                                     "export_dashboard", "preferences", "quit"]
    assert menu(window, "&View") == ["tab_live", "tab_compare", "tab_history",
                                     "tab_experiments", "presentation", "every_gpu"]
    assert keys(window, "presentation") == ["F11"]
    assert menu(window, "&Run") == ["start_run", "stop_run", "run_again", "stop_replay"]
    assert menu(window, "&Help") == ["shortcuts", "about"]
    assert keys(window, "start_run") == ["F5"]
    assert keys(window, "stop_run") == ["Shift+F5", "Esc"]
    assert keys(window, "export_recording") == ["Ctrl+E"]
    assert keys(window, "open_recording")[0] == "Ctrl+O"
    assert "Ctrl+Q" in keys(window, "quit")
    for i, name in enumerate(("live", "compare", "history", "experiments"), start=1):
        assert keys(window, f"tab_{name}") == [f"Ctrl+{i}"]
    # nothing runs yet: Start, not Stop nor Run again
    assert window.actions_by_name["start_run"].isEnabled()
    assert not window.actions_by_name["stop_run"].isEnabled()
    assert not window.actions_by_name["run_again"].isEnabled()


def test_ctrl_and_a_number_shows_that_tab_and_the_view_menu_follows(window, qtbot):
    press(qtbot, window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.history
    assert window.actions_by_name["tab_history"].isChecked()
    press(qtbot, window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.compare
    window.tabs.setCurrentWidget(window.experiments)  # a click on the tab
    assert window.actions_by_name["tab_experiments"].isChecked()
    window.actions_by_name["tab_live"].trigger()
    assert window.tabs.currentWidget() is window.live


def test_escape_does_nothing_while_no_run_is_active(window, qtbot, monkeypatch):
    stops = []
    monkeypatch.setattr(window.controller, "stop", lambda: stops.append(1))
    press(qtbot, window, Qt.Key.Key_Escape)
    press(qtbot, window, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    assert stops == [] and window.state == "idle"


def test_f5_starts_the_run_and_escape_stops_it(window, qtbot):
    configure(window, "train", seconds=120.0)
    press(qtbot, window, Qt.Key.Key_F5)
    assert window.running
    assert window.actions_by_name["stop_run"].isEnabled()
    assert not window.actions_by_name["start_run"].isEnabled()
    qtbot.waitUntil(lambda: window.state == "measuring", timeout=RUN_TIMEOUT_MS)
    press(qtbot, window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.running, timeout=10_000)
    summary = window.compare.latest("mlp", "train")
    assert summary is not None and summary.stopped_early
    assert window.actions_by_name["start_run"].isEnabled()
    assert window.actions_by_name["run_again"].isEnabled()
    assert not window.actions_by_name["stop_run"].isEnabled()


def test_run_again_starts_the_last_runs_settings(window, monkeypatch):
    started = []
    monkeypatch.setattr(window.controller, "start_run",
                        lambda cfg, host="": started.append(cfg) or True)
    assert window.run_again() is False  # nothing ran yet
    configure(window, "infer", seconds=3.0, batch=16)
    window.actions_by_name["start_run"].trigger()
    window._sync_run_actions()
    assert window.actions_by_name["run_again"].isEnabled()
    window.panel.set_model("resnet18")
    window.panel.set_mode("train")
    window.panel.batch_spin.setValue(0)
    window.actions_by_name["run_again"].trigger()
    assert len(started) == 2 and started[1] == started[0]
    assert window.panel.model_id == "mlp" and window.panel.mode == "infer"
    assert started[1].batch_size == 16 and started[1].seconds == 3.0


def test_the_shortcuts_dialog_lists_every_shortcut(window, qtbot):
    dialog = window.show_shortcuts()
    try:
        rows = dict(dialog.rows())
        assert rows["Start"] == "F5"
        assert rows["Stop"] == "Shift+F5, Esc"
        assert rows["Compare"] == "Ctrl+2"
        assert "Ctrl+Q" in rows["Quit"]
        assert rows["Export selected runs as recording"] == "Ctrl+E"
        assert rows["Presentation"] == "F11" and rows["Leave presentation mode"] == "Esc"
        assert rows["Previous tab while presenting"] == "PgUp"
    finally:
        dialog.close()


# -- settings ----------------------------------------------------------------------------
def test_the_settings_survive_closing_and_opening_the_window(qtbot, qloop, store, settings):
    win = open_window(qtbot, settings, store)
    panel = win.panel
    panel.set_model("resnet18")
    panel.set_mode("infer")
    panel.set_device("cpu")
    panel.batch_spin.setValue(7)
    panel.precision_combo.setCurrentIndex(panel.precision_combo.findData("bf16"))
    panel.set_duration(42, "steps")
    panel.set_host("me@gpu-server")
    win.resize(win.minimumSizeHint().width(), 700)  # fits offscreen's 800 × 800 best
    win.tabs.setCurrentWidget(win.experiments)
    splitter = win.experiments.splitter  # the window's width leaves the others no room here
    qtbot.waitUntil(lambda: splitter.height() > 300)
    splitter.setSizes([150, 10_000])
    sizes = splitter.sizes()
    assert sizes[0] < 200  # not the default (330 : 420)
    win.tabs.setCurrentWidget(win.history)
    win.close()

    again = open_window(qtbot, QSettings(settings.fileName(), QSettings.Format.IniFormat),
                        store)
    try:
        p = again.panel
        assert (p.model_id, p.mode, p.device) == ("resnet18", "infer", "cpu")
        assert p.batch_spin.value() == 7
        assert p.precision_combo.currentData() == "bf16"
        assert p.duration_unit.currentData() == "steps" and p.duration_spin.value() == 42
        assert p.host == "me@gpu-server"
        assert again.tabs.currentWidget() is again.history
        assert again.actions_by_name["tab_history"].isChecked()
        # Qt fits a restored window into its screen: offscreen's is 800 × 800, narrower
        # than the window's minimum width, so the height says whether it was restored.
        assert again.height() == 700 and again.width() < 1600
        # the table's share, the part the user dragged (the charts take the rest)
        assert again.experiments.splitter.sizes()[0] == sizes[0]
        for name in ("main_splitter", "compare_splitter", "experiments_splitter"):
            assert settings.value(f"splitters/{name}") is not None, name
        cfg = p.config()
        assert (cfg.model, cfg.batch_size, cfg.precision, cfg.steps) == ("resnet18", 7,
                                                                        "bf16", 42)
    finally:
        again.close()


def test_without_settings_nothing_is_remembered(qtbot, qloop, store, private_settings):
    win = open_window(qtbot, None, store)
    win.panel.set_model("gpt2")
    win.close()
    assert not any(private_settings.rglob("*.conf"))


DAMAGED = """[window]
geometry=@ByteArray(not a geometry)
tab=nowhere
[splitters]
main_splitter=12345
compare_splitter=@ByteArray(\\0\\x1garbage)
[run]
model=no-such-model
mode=sideways
device=cuda:9
batch_size=-5
precision=fp7
duration_unit=seconds
duration=abc
host=-oProxyCommand=nope
"""


@pytest.mark.parametrize("content", [DAMAGED.encode(), b"\x00\xff\xfe[[[=\n\x89PNG\r\n",
                                     b"[run]\nbatch_size=2.5\nduration_unit=steps\n"
                                     b"duration=0\nmodel=@Invalid()\n"])
def test_a_damaged_settings_file_gives_the_defaults(qtbot, qloop, store, tmp_path, caplog,
                                                     content):
    path = tmp_path / "damaged.conf"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="gui.window_settings"):
        win = open_window(qtbot, QSettings(str(path), QSettings.Format.IniFormat), store)
    try:
        p = win.panel
        assert (p.model_id, p.mode, p.device) == ("mlp", "train", "auto")
        assert p.batch_spin.value() == 0 and p.precision_combo.currentData() == "fp32"
        assert p.duration_unit.currentData() == "seconds" and p.duration_spin.value() == 10.0
        assert p.host == ""
        assert win.tabs.currentWidget() is win.live
        fresh = open_window(qtbot, None, store)  # the first size a window without settings gets
        try:
            assert win.size() == fresh.size()
        finally:
            fresh.close()
        if content == DAMAGED.encode():
            logged = caplog.text
            for key in ("window/geometry", "window/tab", "splitters/main_splitter",
                        "run/model", "run/mode", "run/device", "run/batch_size",
                        "run/precision", "run/duration"):
                assert key in logged, key
    finally:
        win.close()
    # closing wrote good values over the damaged ones
    restored = QSettings(str(path), QSettings.Format.IniFormat)
    assert restored.value("run/model") == "mlp"


def test_the_app_remembers_and_the_command_line_wins(tmp_path, private_settings):
    data = tmp_path / "data"
    conf = private_settings / "Trainfer" / "Trainfer.conf"
    conf.parent.mkdir()
    conf.write_text("[window]\ntab=history\n[run]\nmodel=resnet18\nmode=infer\n"
                    f"[preferences]\nlanguage=pt_BR\nsample_hz=10\ndata_dir={tmp_path / 'pref'}\n")
    code = f"""
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        app = QApplication(sys.argv[:1])

        def watch():
            for w in app.topLevelWidgets():
                if type(w).__name__ == "MainWindow" and w.isVisible():
                    print("shown", w.tabs.currentIndex(), w.panel.model_id, w.panel.mode,
                          flush=True)
                    print("prefs", w.session.sample_hz, w.windowTitle(), flush=True)
                    w.panel.set_mode("train")
                    w.close()
                    return
            QTimer.singleShot(20, watch)

        QTimer.singleShot(0, watch)
        from gui.app import main
        if __name__ == "__main__":
            print("exit", main({["--data-dir", str(data), "--tab", "compare"]!r}), flush=True)
        """
    proc = _run(code, 90)
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    # The command line's --tab wins over the remembered History; the panel is restored.
    assert "shown 1 resnet18 infer" in proc.stdout, proc.stdout + proc.stderr[-3000:]
    # the preferences: the language (no --lang) and the sampling rate apply; --data-dir
    # wins over the preferred folder
    assert "prefs 10.0 Trainfer — treinamento vs inferência" in proc.stdout, proc.stdout
    assert data.is_dir() and not (tmp_path / "pref").exists()
    assert "exit 0" in proc.stdout
    assert "mode=train" in conf.read_text()  # saved on close


# -- Help ▸ About ------------------------------------------------------------------------
def test_about_says_the_versions_and_copy_puts_them_on_the_clipboard(window, qtbot, store):
    dialog = window.show_about()
    try:
        text = dialog.view.toPlainText()
        for expected in (engine.__version__, platform.python_version(),
                         importlib.metadata.version("torch"), PySide6.__version__,
                         importlib.metadata.version("pyqtgraph"), str(store.data_dir),
                         "no NVIDIA GPU", "no NVIDIA driver found"):
            assert expected in text, expected
        QApplication.clipboard().clear()
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        assert QApplication.clipboard().text() == text == dialog.text
    finally:
        dialog.close()


def test_about_names_the_gpu_and_the_driver(qtbot, qloop, store):
    win = open_window(qtbot, None, store, nvml=Nvml(lib=FakeNvmlLib()))
    try:
        from gui.help.about import about_text

        text = about_text(win.devices, store.data_dir)
        assert win.devices.driver_version and win.devices.driver_version in text
        assert "NVIDIA H200" in text and "no NVIDIA GPU" not in text
    finally:
        win.close()


def test_about_reads_torchs_versions_without_importing_it():
    proc = _run("""
        import sys
        from gui.help.about import distribution_version, torch_cuda_version
        print(distribution_version("torch"), torch_cuda_version())
        assert "torch" not in sys.modules
        """, 60)
    assert proc.returncode == 0, proc.stderr
    version, cuda = proc.stdout.split()
    assert version == importlib.metadata.version("torch")
    built = _run("import torch; print(torch.version.cuda)", 120)  # the truth, elsewhere
    assert built.returncode == 0, built.stderr
    assert cuda == built.stdout.strip()


def test_the_menu_shortcuts_use_the_platforms_standard_keys(window):
    assert window.actions_by_name["open_recording"].shortcuts()[0] in (
        QKeySequence.keyBindings(QKeySequence.StandardKey.Open) or [QKeySequence("Ctrl+O")])


def test_the_shortcuts_list_leaves_out_special_keyboards_keys(qapp):
    from PySide6.QtGui import QAction

    from gui.help.shortcuts import shortcut_rows

    action = QAction("&Open recording…")
    action.setShortcuts([QKeySequence("Ctrl+O"), QKeySequence(Qt.Key.Key_Open)])
    assert shortcut_rows([action]) == [("Open recording", "Ctrl+O")]
