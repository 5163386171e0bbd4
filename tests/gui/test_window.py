"""The main window driven like a user: real CPU runs of the mlp model, Start and Stop."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest
from fake_nvml import FakeNvmlLib
from PySide6.QtCore import Qt

from engine.core.catalog import CATALOG
from engine.core.events import Failed
from engine.session.telemetry.nvml import Nvml
from gui.compare.compare_view import COL_MEAS_INFER, COL_MEAS_TRAIN
from gui.history.history_view import COL_RATE
from gui.live.live_plots import GPU_KEYS
from gui.main_window import MainWindow

RUN_TIMEOUT_MS = 45_000  # spawn + torch import on a busy 2-core machine, plus the run


def configure(window, mode: str, seconds: float = 2.0, batch: int = 32) -> None:
    panel = window.panel
    panel.set_model("mlp")
    panel.set_mode(mode)
    panel.set_device("cpu")
    panel.set_duration(seconds, "seconds")
    panel.batch_spin.setValue(batch)
    panel.warmup_spin.setValue(2)


def points(window, key: str, mode: str, phase: str = "measure") -> int:
    data = window.live.curve(key, mode, phase).yData
    return 0 if data is None else int(np.isfinite(np.asarray(data, dtype=float)).sum())


def click(qtbot, button) -> None:
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.LeftButton)


def test_training_then_inference_fill_the_plots_and_the_comparison(window, qtbot):
    states = []
    window.state_changed.connect(states.append)
    configure(window, "train")
    click(qtbot, window.panel.start_button)
    assert window.running and window.state == "building"
    assert not window.panel.start_button.isEnabled() and window.panel.stop_button.isEnabled()

    qtbot.waitUntil(lambda: points(window, "throughput", "train") > 0, timeout=RUN_TIMEOUT_MS)
    for key in ("step_time", "loss", "cpu_util", "rss"):
        assert points(window, key, "train") > 0, key
    assert points(window, "throughput", "train", "warmup") > 0
    assert window.live.panel("throughput").phase_items()  # phases are marked
    qtbot.waitUntil(lambda: not window.running, timeout=RUN_TIMEOUT_MS)
    assert window.state == "done", window.banner.message()
    assert {"building", "warmup", "measuring", "done"} <= set(states)
    assert window.panel.start_button.isEnabled() and not window.panel.stop_button.isEnabled()
    for key in GPU_KEYS:  # the session's TelemetryStatus agrees: no NVIDIA driver here
        assert "no NVIDIA" in window.live.panel(key).note()

    compare = window.compare
    assert compare.latest("mlp", "train") is not None
    assert "not run yet" in compare.cell_text(0, COL_MEAS_INFER)

    history = window.history  # the run was kept and is listed as soon as it ended
    assert history.row_count() == 1
    assert history.record(history.run_ids()[0]).status == "completed"
    assert "vectors/s" in history.cell_text(0, COL_RATE)

    configure(window, "infer")
    assert "this session's training run" in window.panel.weights_note.text()
    click(qtbot, window.panel.start_button)
    qtbot.waitUntil(lambda: not window.running, timeout=RUN_TIMEOUT_MS)
    assert window.state == "done", window.banner.message()
    assert points(window, "throughput", "infer") > 0
    # inference predicted with the weights the training run left, and equally well
    train, infer = compare.latest("mlp", "train"), compare.latest("mlp", "infer")
    assert infer.weights_from.startswith("trained") and infer.param_change_l2 == 0
    assert infer.heldout_accuracy == train.heldout_accuracy
    assert "trained weights" in compare.cell_text(0, COL_MEAS_INFER)
    assert "on held-out data (trained weights" in compare.infer_card.text()
    assert infer.weights_from_id == train.saved_weights_id != ""
    assert "inference (this training's weights)" in compare.objective_chart.lines[1]
    assert len(compare.objective_chart.curve.xData) == len(train.loss_curve) > 2
    assert points(window, "throughput", "train") > 0  # the training run stays for comparison

    rows = compare.table.rowCount()
    assert rows >= 8
    for row in range(rows):
        for col in (COL_MEAS_TRAIN, COL_MEAS_INFER):
            text = compare.cell_text(row, col)
            assert text and "not run yet" not in text, (row, col, text)
    assert "vectors/s" in compare.train_card.text()
    assert "TFLOP/s" in compare.train_card.text() and "backward" in compare.train_card.text()
    assert compare.history.count() == 2
    assert history.row_count() == 2 and window.session.run_id == history.run_ids()[0]
    # the memory breakdown of both modes, with AdamW's two fp32 moments per parameter
    mem = compare.memory_chart.values
    assert set(mem) == {"train", "infer"}
    assert mem["train"]["mem_optimizer_bytes"] == 2 * mem["train"]["mem_params_bytes"]
    assert mem["infer"]["mem_grads_bytes"] == mem["infer"]["mem_optimizer_bytes"] == 0
    assert compare.memory_chart.note() == ""


def test_stop_ends_a_run_within_two_seconds(window, qtbot):
    configure(window, "train", seconds=120.0)
    click(qtbot, window.panel.start_button)
    qtbot.waitUntil(lambda: window.state == "measuring", timeout=RUN_TIMEOUT_MS)
    t0 = time.monotonic()
    click(qtbot, window.panel.stop_button)
    assert window.state == "stopping"
    qtbot.waitUntil(lambda: not window.running, timeout=5_000)
    assert time.monotonic() - t0 < 2.5
    assert window.state == "done"
    summary = window.compare.latest("mlp", "train")
    assert summary is not None and summary.stopped_early


def test_stop_during_a_long_step_says_so_and_a_second_stop_ends_it(window, qtbot):
    configure(window, "train", seconds=120.0)
    click(qtbot, window.panel.start_button)
    qtbot.waitUntil(lambda: window.state == "measuring", timeout=RUN_TIMEOUT_MS)
    window.session._longest_step_s = 4.0  # as if a step took 4 s (a big model on a CPU)
    click(qtbot, window.panel.stop_button)
    assert "press Stop again" in window.status.state_label.text()
    click(qtbot, window.panel.stop_button)  # the second Stop: the one-second grace
    assert window.session.stop_grace_s() == 1.0
    qtbot.waitUntil(lambda: not window.running, timeout=5_000)
    assert window.state in ("done", "stopped")


def test_a_setting_the_machine_cannot_run_is_reported_in_the_banner(window, qtbot):
    configure(window, "train")
    window.panel.precision_combo.setCurrentIndex(window.panel.precision_combo.findData("tf32"))
    errors = []
    window.error_shown.connect(lambda m, h: errors.append((m, h)))
    click(qtbot, window.panel.start_button)
    assert not window.running and window.state == "idle"
    assert window.banner.isVisible() and "tf32" in window.banner.message()
    assert window.banner.hint()
    assert errors and errors[0][0] == window.banner.message()
    assert window.panel.precision_combo.styleSheet()  # the field at fault is outlined


def test_a_notice_from_the_run_is_shown_but_is_not_an_error(window):
    from engine.core.events import Notice

    errors = []
    window.error_shown.connect(lambda m, h: errors.append(m))
    window.bridge.notice.emit(Notice(0.0, "this run could not be saved", "free disk space"))
    assert window.banner.kind() == "info" and "could not be saved" in window.banner.message()
    assert not errors and window.state == "idle"


def test_a_failed_run_reaches_the_one_error_handler(window, qtbot):
    window.bridge.failed.emit(
        Failed(
            0.0,
            "oom",
            "out of memory: tried to allocate 2 GiB",
            "lower the batch size",
            "batch_size",
        )
    )
    assert window.state == "failed"
    assert "out of memory" in window.banner.message()
    assert window.banner.hint() == "lower the batch size"
    assert window.panel.batch_spin.styleSheet()


def test_without_nvml_the_gpu_plots_say_why(window):
    for key in GPU_KEYS:
        note = window.live.panel(key).note()
        assert note.startswith("N/A — ") and "no NVIDIA driver found" in note
    order = window.live.order()
    assert order.index("cpu_util") < order.index("gpu_util")
    assert "No GPU" in window.panel.device_note.text()
    assert window.panel.device_combo.count() == 2  # auto, cpu


@pytest.mark.parametrize("model", ["mlp", "resnet50"])
@pytest.mark.parametrize("mode", ["train", "infer"])
def test_batch_default_is_shown_for_the_model_mode_and_device(window, model, mode):
    window.panel.set_model(model)
    window.panel.set_mode(mode)
    window.panel.set_device("cpu")
    window.panel.batch_spin.setValue(0)
    expected = CATALOG[model].default_batch_size(mode, "cpu")
    assert window.panel.batch_spin.text() == f"default ({expected})"
    assert window.panel.config().batch_size is None
    window.panel.batch_spin.setValue(7)
    assert window.panel.config().batch_size == 7


def test_ranks_on_the_cpu_make_a_data_parallel_config(window):
    window.panel.set_device("cpu")
    assert window.panel.ranks_spin.maximum() >= 2  # CPU processes with gloo
    assert window.panel.config().nproc_per_node == 1
    window.panel.ranks_spin.setValue(2)
    cfg = window.panel.config()
    assert cfg.nproc_per_node == 2 and cfg.device == "cpu"
    window.panel.set_config(dataclasses.replace(cfg, nproc_per_node=1))
    assert window.panel.ranks_spin.value() == 1


@pytest.fixture
def h200_window(qtbot, qloop, store):
    """The window on a fake NVML that replays the recorded H200 trace."""
    win = MainWindow(nvml=Nvml(lib=FakeNvmlLib()), store=store)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def test_a_replayed_gpu_feeds_the_gpu_plots(h200_window, qtbot):
    window = h200_window
    combo = window.panel.device_combo
    assert any("H200" in combo.itemText(i) for i in range(combo.count()))
    assert window.live.order().index("gpu_util") < window.live.order().index("cpu_util")
    configure(window, "infer", seconds=1.0)  # the model runs on the CPU; NVML replays the trace
    click(qtbot, window.panel.start_button)
    qtbot.waitUntil(
        lambda: all(points(window, key, "infer") > 3 for key in GPU_KEYS), timeout=RUN_TIMEOUT_MS
    )
    assert points(window, "gpu_util", "infer", "sm") > 0  # GPM SM activity from the trace
    assert points(window, "power", "infer", "instant") > 0
    for key in GPU_KEYS:
        assert window.live.panel(key).note() == "", key
    qtbot.waitUntil(lambda: not window.running, timeout=RUN_TIMEOUT_MS)
    assert window.state == "done", window.banner.message()
