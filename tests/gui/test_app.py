"""The application entry point, in child processes: no torch, clean exit during a run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from gui.autostart import parse_specs

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, timeout: float) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_importing_the_gui_does_not_import_torch():
    proc = _run("import gui.app, sys; assert 'torch' not in sys.modules", 60)
    assert proc.returncode == 0, proc.stderr


def test_the_window_opens_without_torch():
    proc = _run(
        """
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from gui.main_window import MainWindow
        w = MainWindow()
        w.show()
        app.processEvents()
        w.close()
        assert 'torch' not in sys.modules, 'torch was imported'
        print('ok')
        """,
        60,
    )
    assert proc.returncode == 0 and "ok" in proc.stdout, proc.stderr


def test_closing_the_window_during_a_run_stops_it_and_exits_cleanly():
    code = """
        import sys, time
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        app = QApplication(sys.argv[:1])

        def close_when_measuring():
            for w in app.topLevelWidgets():
                if type(w).__name__ == "MainWindow" and w.state == "measuring":
                    print("run-pid", w.session._proc.pid, flush=True)
                    w.close()
                    return
            QTimer.singleShot(100, close_when_measuring)

        QTimer.singleShot(100, close_when_measuring)
        from gui.app import main
        if __name__ == "__main__":
            rc = main(["--autostart", "mlp:train", "--seconds", "120", "--device", "cpu"])
            print("exit", rc, flush=True)
        """
    t0 = time.monotonic()
    proc = _run(code, 90)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "exit 0" in proc.stdout, proc.stdout + proc.stderr[-3000:]
    assert time.monotonic() - t0 < 80
    pid = int(proc.stdout.split("run-pid", 1)[1].split()[0])
    deadline = time.monotonic() + 3
    while psutil.pid_exists(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    assert not alive, "the run process outlived the window"


def test_sigterm_closes_the_app_like_quit_keeping_the_run_and_removing_weights(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    code = f"""
        import os, signal, sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        app = QApplication(sys.argv[:1])

        def term_when_measuring():
            for w in app.topLevelWidgets():
                if type(w).__name__ == "MainWindow" and w.state == "measuring":
                    print("weights", w.session.config.save_weights, flush=True)
                    os.kill(os.getpid(), signal.SIGTERM)
                    return
            QTimer.singleShot(100, term_when_measuring)

        QTimer.singleShot(100, term_when_measuring)
        from gui.app import main
        if __name__ == "__main__":
            rc = main(["--autostart", "mlp:train", "--seconds", "120", "--device", "cpu",
                       "--data-dir", {str(tmp_path / "data")!r}])
            print("exit", rc, flush=True)
        """
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(temp))
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=90)
    assert "exit 0" in proc.stdout, proc.stdout + proc.stderr[-3000:]
    assert str(temp) in proc.stdout  # the training run was saving its weights there
    assert not list(temp.glob("trainfer-weights-*")), "the weights outlived the app"
    from engine.session.store.db import Store

    store = Store(tmp_path / "data")
    try:
        assert [r.status for r in store.list_runs()] == ["stopped"]  # kept, marked stopped
    finally:
        store.close()


def test_no_display_says_what_to_do_instead_of_aborting(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run([sys.executable, "-c", "import sys; from gui.app import main; "
                           f"sys.exit(main(['--data-dir', {str(tmp_path)!r}]))"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "no display" in proc.stderr and "QT_QPA_PLATFORM=offscreen" in proc.stderr


def test_autostart_specs():
    assert parse_specs("mlp:train, gpt2-tiny:infer,resnet18") == [
        ("mlp", "train"),
        ("gpt2-tiny", "infer"),
        ("resnet18", "train"),
    ]
    with pytest.raises(ValueError, match="unknown model"):
        parse_specs("nope:train")
    with pytest.raises(ValueError, match="unknown mode"):
        parse_specs("mlp:eval")


def test_bad_autostart_exits_with_usage_error():
    proc = _run("import sys; from gui.app import main; sys.exit(main(['--autostart', 'x']))", 60)
    assert proc.returncode == 2 and "unknown model" in proc.stderr


def test_replay_option_plays_a_recording_in_the_window_and_ends(tmp_path):
    from engine.session.store.db import Store
    from engine.session.store.recording import export_recording

    from .conftest import add_run

    source = Store(tmp_path / "source")
    recording = export_recording(
        source, [add_run(source, "train", seconds=1.0), add_run(source, "infer", seconds=1.0)],
        tmp_path / "two.trainfer")
    source.close()
    data = tmp_path / "data"
    code = f"""
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        app = QApplication(sys.argv[:1])
        started = []

        def finished(w):
            w.live.refresh()
            n = len(w.live.curve("throughput", "infer").yData)
            print("finished", len(set(started)), n, w.store.data_dir, flush=True)
            w.close()

        def watch():
            for w in app.topLevelWidgets():
                if type(w).__name__ == "MainWindow":
                    w.replay_started.connect(
                        lambda w=w: started.append(w.live.source_banner.text()))
                    w.replay_finished.connect(lambda w=w: finished(w))
                    return
            QTimer.singleShot(20, watch)

        QTimer.singleShot(0, watch)
        from gui.app import main
        if __name__ == "__main__":
            rc = main(["--replay", {str(recording)!r}, "--speed", "10",
                       "--data-dir", {str(data)!r}])
            print("exit", rc, flush=True)
        """
    proc = _run(code, 90)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "exit 0" in proc.stdout, proc.stdout + proc.stderr[-3000:]
    line = proc.stdout.split("finished", 1)[1].split()
    assert int(line[0]) == 2 and int(line[1]) > 0  # both runs played; inference plotted
    assert line[2] == str(data) and (data / "trainfer.sqlite").exists()


def test_bad_replay_speed_exits_with_usage_error():
    proc = _run("import sys; from gui.app import main; sys.exit(main(['--speed', '0']))", 60)
    assert proc.returncode == 2 and "--speed" in proc.stderr


def test_the_app_starts_on_a_store_with_a_damaged_run(tmp_path):
    from stores import DAMAGES

    from engine.session.store.db import Store

    from .conftest import add_run

    data = tmp_path / "data"
    store = Store(data)
    ids = [add_run(store, "train"), add_run(store, "infer"), add_run(store, "train")]
    store.close()
    for spoil, _words in (DAMAGES["start time is text"], DAMAGES["one event is not JSON"]):
        spoil(data / "trainfer.sqlite", ids[1])
    code = f"""
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        app = QApplication(sys.argv[:1])

        def watch():
            for w in app.topLevelWidgets():
                if type(w).__name__ == "MainWindow" and w.isVisible():
                    h = w.history
                    marks = [h.cell_text(h.row_of(i), 5) for i in h.run_ids()]
                    print("listed", len(marks), sum("damaged" in m for m in marks),
                          w.banner.kind(), flush=True)
                    print("icon", len(w.windowIcon().availableSizes()),
                          app.desktopFileName(), flush=True)
                    w.close()
                    return
            QTimer.singleShot(20, watch)

        QTimer.singleShot(0, watch)
        from gui.app import main
        if __name__ == "__main__":
            print("exit", main(["--data-dir", {str(data)!r}]), flush=True)
        """
    proc = _run(code, 90)
    assert proc.returncode == 0 and "exit 0" in proc.stdout, proc.stdout + proc.stderr[-3000:]
    assert "listed 3 1" in proc.stdout and "error" not in proc.stdout.split("listed")[1]
    assert "icon 7 trainfer" in proc.stdout  # the window's icon in 7 sizes, the desktop entry's id
    assert "Traceback" not in proc.stderr
