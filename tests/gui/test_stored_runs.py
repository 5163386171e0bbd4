"""Stored runs in the window: open, overlay, compare, recordings, replay, data export, demo."""

from __future__ import annotations

import csv
import json
import time

import numpy as np
import pytest
from fake_nvml import FakeNvmlLib
from PySide6.QtCore import Qt

from engine.session.store.db import Store
from engine.session.store.recording import read_recording
from engine.session.telemetry.nvml import Nvml
from gui import main_window
from gui.compare.compare_view import COL_MEAS_INFER, COL_MEAS_TRAIN, COL_RATIO, COL_VERDICT
from gui.main_window import MainWindow
from gui.widgets import file_dialogs

from .conftest import no_driver_nvml

LOAD_MS = 10_000


def points(curve) -> int:
    data = curve.yData
    return 0 if data is None else int(np.isfinite(np.asarray(data, dtype=float)).sum())


def wait_task(qtbot, task) -> None:
    assert task is not None
    qtbot.waitUntil(task.done, timeout=LOAD_MS)
    assert task.exception() is None


@pytest.fixture
def pair(store, stored_run):
    now = time.time()
    return (
        stored_run(store, "train", rate=1111.0, gpu=True, started_unix_s=now - 60),
        stored_run(store, "infer", rate=3200.0, gpu=True, started_unix_s=now - 30),
    )


def test_open_a_stored_run_into_the_live_plots(window, qtbot, pair):
    train_id, _ = pair
    window.tabs.setCurrentWidget(window.history)
    window.history.select_ids([train_id])
    with qtbot.waitSignal(window.stored.loaded, timeout=LOAD_MS):
        window.history.action("open").trigger()
    live = window.live
    assert window.tabs.currentWidget() is live
    for key in ("throughput", "step_time", "loss", "gpu_util", "power", "cpu_util", "rss"):
        assert points(live.curve(key, "train")) > 0, key
    assert points(live.curve("throughput", "train", "warmup")) == 3
    x = np.asarray(live.curve("cpu_util", "train").xData)
    assert x[0] == pytest.approx(0.0) and x[-1] == pytest.approx(2.85)  # original seconds
    assert live.panel("throughput").phase_items()
    banner = live.source_banner
    assert banner.isVisible() and banner.kind() == "stored"
    assert "STORED RUN" in banner.text() and "NVIDIA H200" in banner.text()
    assert time.strftime("%Y-%m-%d") in banner.text()
    assert live.panel("gpu_util").note() == ""  # the stored run had a GPU, this machine not

    banner.close_button.click()  # back to an empty live view
    assert not banner.isVisible() and points(live.curve("throughput", "train")) == 0
    assert "no NVIDIA" in live.panel("gpu_util").note()


def test_open_both_modes_of_one_model_side_by_side(window, qtbot, pair):
    wait_task(qtbot, window.stored.open_runs(list(pair)))
    assert points(window.live.curve("throughput", "train")) > 0
    assert points(window.live.curve("throughput", "infer")) > 0


def test_overlay_two_runs_with_a_legend(window, qtbot, pair, stored_run, store):
    third = stored_run(store, "train", "resnet18", seconds=3.0)
    ids = [*pair, third]
    window.history.refresh()
    window.history.select_ids(ids)
    with qtbot.waitSignal(window.stored.loaded, timeout=LOAD_MS):
        window.history.action("overlay").trigger()
    live = window.live
    assert live.overlay_active and live.source_banner.kind() == "overlay"
    curves = live.overlay_curves("throughput")
    assert len(curves) == 3 and all(points(c) > 0 for c in curves)
    colors = {c.opts["pen"].color().name() for c in curves}
    assert len(colors) == 3
    from gui.widgets import theme

    assert not {theme.TRAIN_COLOR.lower(), theme.INFER_COLOR.lower()} & colors
    names = live.overlay_legend("throughput")
    assert names == [window.stored.short_label(store.get(i)) for i in ids]  # oldest first
    assert names[2] == f"#{third} resnet18 training"
    assert [n for n, _c in live.legend_entries()] == [
        window.stored.label(store.get(i)) for i in ids]
    assert len(live.overlay_curves("power")) == 3 and live.overlay_legend("power") == names
    assert points(live.overlay_curves("power")[2]) == 0  # the CPU run: no power reading
    assert not live.curve("throughput", "train").isVisible()  # single-run curves give way
    x_max = live.panel("cpu_util").plot_item.getViewBox().viewRange()[0][1]
    assert x_max >= 3.8  # the longest run: 0.9 s + 3 s

    window.panel.set_device("cpu")  # a live run brings the single-run view back
    live.begin_run("train", "mlp", False, 0.0)
    assert not live.overlay_active and live.curve("throughput", "train").isVisible()
    assert live.overlay_curves("throughput") == []


def test_compare_two_chosen_runs(window, qtbot, pair):
    train_id, infer_id = pair
    window.history.refresh()  # stored after the window opened
    window.history.select_ids(list(pair))
    assert window.history.action("compare").isEnabled()
    window.history.action("compare").trigger()
    compare = window.compare
    assert window.tabs.currentWidget() is compare and compare.pinned
    assert f"#{train_id}" in compare.title() and f"#{infer_id}" in compare.title()
    row = compare.row_ids().index("key_operations")
    assert "57.6" in compare.cell_text(row, COL_MEAS_TRAIN)  # 64 samples / 1,111 per s
    assert "20" in compare.cell_text(row, COL_MEAS_INFER)
    assert "1,111" in compare.train_card.text() and "3,200" in compare.infer_card.text()
    compare.latest_button.click()
    assert not compare.pinned and "not run yet" in compare.cell_text(0, COL_MEAS_TRAIN)


def test_an_incomparable_pair_says_so_before_the_table_opens(window, qtbot, store,
                                                            stored_run):
    gpu_train = stored_run(store, "train", gpu=True)
    cpu_infer = stored_run(store, "infer")
    window.history.refresh()
    window.history.select_ids([gpu_train, cpu_infer])
    window.history.action("compare").trigger()
    assert "not comparable: the runs differ in device (cuda:0 vs cpu)" in window.banner.message()
    compare = window.compare
    row = compare.row_ids().index("memory_use")
    assert "not comparable" in compare.cell_text(row, COL_RATIO)
    assert "not comparable" in compare.cell_text(row, COL_VERDICT)
    assert "not comparable" in compare.headline.text()


def test_recording_export_import_and_replay_at_10x(window, qtbot, pair, tmp_path, monkeypatch):
    path = tmp_path / "two.trainfer"
    monkeypatch.setattr(file_dialogs, "ask_save_recording", lambda _p, _s: str(path))
    window.history.refresh()
    window.history.select_ids(list(pair))
    window.actions_by_name["export_recording"].trigger()
    qtbot.waitUntil(lambda: "Saved 2 run" in window.banner.message(), timeout=LOAD_MS)
    assert [r["mode"] for r in read_recording(path)] == ["train", "infer"]

    fresh = Store(tmp_path / "fresh")
    other = MainWindow(nvml=no_driver_nvml(), store=fresh)
    qtbot.addWidget(other)
    other.show()
    try:
        monkeypatch.setattr(file_dialogs, "ask_open_recording", lambda _p, _t="": str(path))
        other.actions_by_name["import_recording"].trigger()
        qtbot.waitUntil(lambda: other.history.row_count() == 2, timeout=LOAD_MS)
        assert other.tabs.currentWidget() is other.history
        assert set(other.history.selected_ids()) == set(other.history.run_ids())
        assert "Imported 2 run" in other.banner.message()

        other.set_replay_speed(10.0)
        started, states = [], []
        other.replay_started.connect(lambda: started.append(other.live.source_banner.text()))
        other.state_changed.connect(states.append)
        t0 = time.monotonic()
        with qtbot.waitSignal(other.replay_finished, timeout=LOAD_MS):
            other.history.action("replay").trigger()
            qtbot.waitUntil(lambda: other.replaying, timeout=LOAD_MS)
            assert other.running and not other.panel.start_button.isEnabled()
            assert "replay 10×" in other.status.state_label.text()
        assert time.monotonic() - t0 < 5.0  # 2 × 2.9 s of run at 10×, plus a pause
        assert len(started) == 2 and all("REPLAY" in t for t in started)
        assert "(1 of 2)" in started[0] and "NVIDIA H200" in started[0]
        assert {"building", "warmup", "measuring", "done"} <= set(states)
        live = other.live
        live.refresh()  # the plots take new points at their next 10 Hz tick
        assert points(live.curve("throughput", "train")) > 0
        assert points(live.curve("throughput", "infer")) > 0
        assert points(live.curve("power", "infer")) > 0  # the original GPU's readings
        assert live.source_banner.kind() == "replay"
        assert "REPLAY finished" in live.source_banner.text()
        assert not other.replaying and other.panel.start_button.isEnabled()
        row = other.compare.row_ids().index("key_operations")
        assert "57.6" in other.compare.cell_text(row, COL_MEAS_TRAIN)  # same comparison
    finally:
        other.close()
        fresh.close()


def test_stop_ends_a_replay_at_once(window, qtbot, pair):
    window.set_replay_speed(1.0)
    with qtbot.waitSignal(window.replay_started, timeout=LOAD_MS):
        window.replay_runs(list(pair))
    qtbot.waitUntil(lambda: points(window.live.curve("cpu_util", "train")) > 2, timeout=LOAD_MS)
    with qtbot.waitSignal(window.replay_finished, timeout=1000):
        qtbot.mouseClick(window.live.source_banner.stop_button, Qt.LeftButton)
    assert "REPLAY stopped" in window.live.source_banner.text()
    assert not window.running and window.state == "stopped"
    assert points(window.live.curve("throughput", "infer")) == 0  # the second never started


def test_a_damaged_recording_is_reported(window, qtbot, tmp_path):
    bad = tmp_path / "bad.trainfer"
    bad.write_bytes(b"not a recording")
    task = window.replay_recording(bad)
    qtbot.waitUntil(task.done, timeout=LOAD_MS)
    assert window.banner.kind() == "error" and "bad.trainfer" in window.banner.message()
    assert not window.replaying


def test_run_data_as_csv_and_json_from_history(window, qtbot, pair, tmp_path, monkeypatch):
    train_id, _ = pair
    targets = {"csv": tmp_path / "run.csv", "json": tmp_path / "run.json"}
    monkeypatch.setattr(file_dialogs, "ask_save_run_data", lambda _p, fmt, _s: str(targets[fmt]))
    window.history.refresh()
    window.history.select_ids([train_id])
    for fmt in ("csv", "json"):
        window.history.action(f"export_{fmt}").trigger()
        qtbot.waitUntil(lambda f=fmt: targets[f].exists() and "Saved run" in
                        window.banner.message(), timeout=LOAD_MS)
        window.banner.clear()
    with open(targets["csv"], newline="") as f:
        rows = list(csv.DictReader(f))
    assert {"Sample", "StepStats", "Phase"} <= {r["event"] for r in rows}
    doc = json.loads(targets["json"].read_text())
    assert doc["run"]["id"] == train_id and doc["events"]


@pytest.fixture
def demo(tmp_path, store, stored_run, monkeypatch):
    """A demo recording in place of resources/demo.trainfer."""
    from engine.session.store.recording import export_recording

    source = Store(tmp_path / "demo-source")
    try:
        path = export_recording(source, [stored_run(source, "train", gpu=True)],
                                tmp_path / "demo.trainfer")
    finally:
        source.close()
    monkeypatch.setattr(main_window, "demo_recording_path", lambda: path)
    return path


def test_demo_is_offered_without_gpu_and_runs(window, qtbot, demo):
    assert window.offer_demo()
    assert window.banner.kind() == "info" and window.banner.action_text() == "Open demo"
    assert "No NVIDIA GPU" in window.banner.message()
    assert "recorded on an NVIDIA H200" in window.banner.hint()  # says where it was made
    with qtbot.waitSignal(window.replay_started, timeout=LOAD_MS):
        qtbot.mouseClick(window.banner.action_button, Qt.LeftButton)
    assert window.live.source_banner.kind() == "replay"
    window.stop_replay()


def test_the_shipped_demo_says_where_it_was_recorded():
    path = main_window.demo_recording_path()
    assert path is not None  # resources/demo.trainfer is installed
    where = main_window.demo_device(path)
    assert where.startswith(("an ", "a CPU")), where  # never claims a GPU it was not made on


def test_after_a_restart_compare_shows_the_latest_stored_runs(qtbot, store, stored_run):
    now = time.time()
    stored_run(store, "train", rate=900.0, started_unix_s=now - 90)
    stored_run(store, "train", rate=1111.0, started_unix_s=now - 60)  # the latest training
    stored_run(store, "infer", rate=3200.0, started_unix_s=now - 30)
    stored_run(store, "infer", status="failed", started_unix_s=now - 10)  # no summary
    win = MainWindow(nvml=no_driver_nvml(), store=store)
    qtbot.addWidget(win)
    try:
        assert win.compare.latest("mlp", "train").samples_per_s == 1111.0
        assert win.compare.latest("mlp", "infer").samples_per_s == 3200.0
        assert "not run yet" not in win.compare.cell_text(0, COL_MEAS_INFER)
    finally:
        win.close()


def test_demo_is_not_offered_when_there_are_runs(window, demo, store, stored_run):
    stored_run(store)
    assert not window.offer_demo() and not window.banner.isVisible()


def test_demo_is_not_offered_with_a_gpu(qtbot, qloop, demo, store):
    win = MainWindow(nvml=Nvml(lib=FakeNvmlLib()), store=store)
    qtbot.addWidget(win)
    try:
        assert win.devices.available and not win.offer_demo()
    finally:
        win.close()


def test_demo_is_not_offered_when_missing(window, monkeypatch):
    monkeypatch.setattr(main_window, "demo_recording_path", lambda: None)
    assert not window.offer_demo()


def test_a_long_run_opens_and_replays_completely(window, qtbot, store, stored_run):
    # How long the window freezes meanwhile is measured by bench/open_long_run.py; this
    # test is about every point arriving, so the window is hidden: offscreen painting of
    # eight plots at 10 Hz would take most of the 2-core machine's time (redraw cost is
    # issue 15's GUI soak benchmark).
    window.hide()
    long_id = stored_run(store, "train", seconds=600.0)  # 10 minutes: 18,000 events
    wait_task(qtbot, window.stored.open_runs([long_id]))
    assert points(window.live.curve("throughput", "train")) == 6_000
    with qtbot.waitSignal(window.replay_finished, timeout=180_000):  # generous: a loaded machine
        window.replay_runs([long_id], speed=2000.0)
    window.live.refresh()  # the plots take new points at their next 10 Hz tick
    assert points(window.live.curve("cpu_util", "train")) == 12_018


@pytest.mark.parametrize("case", ["start time is text", "summary is not JSON",
                                  "one event is not JSON"])
def test_a_damaged_run_is_marked_in_history_and_still_opens(case, window, qtbot, store,
                                                            stored_run, reported):
    from stores import DAMAGES

    from gui.history.history_view import COL_STATUS

    ids = [stored_run(store, "train"), stored_run(store, "infer"), stored_run(store, "train")]
    spoil, words = DAMAGES[case]
    spoil(store.path, ids[1])
    history = window.history
    history.refresh()
    assert sorted(history.run_ids()) == ids and not reported
    marks = {i: history.cell_text(history.row_of(i), COL_STATUS) for i in ids}
    assert "(damaged)" in marks[ids[1]]
    assert all("damaged" not in marks[i] for i in (ids[0], ids[2]))
    tip = history.cell_data(history.row_of(ids[1]), COL_STATUS, Qt.ToolTipRole)
    assert words in tip and "can still be exported" in tip
    wait_task(qtbot, window.stored.open_runs([ids[1]]))
    assert points(window.live.curve("cpu_util", "infer")) > 0 and not reported
