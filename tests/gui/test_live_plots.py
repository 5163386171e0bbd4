"""Live plots fed with synthetic events: data, gaps, warm-up marks, N/A notes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.core.events import Phase, Sample, StepStats, TelemetryStatus
from engine.core.values import msg
from gui.live.live_plots import GPU_KEYS, HOST_KEYS, LivePlots


@pytest.fixture
def live(qtbot):
    widget = LivePlots()
    qtbot.addWidget(widget)
    widget.begin_run("train", "mlp", False, t0_s=100.0)
    return widget


def _y(curve):
    return np.asarray(curve.yData if curve.yData is not None else [], dtype=float)


def _feed_gpu_run(live: LivePlots) -> None:
    live.add_phase(Phase(100.1, "build"))
    live.add_phase(Phase(101.0, "warmup"))
    for i in range(3):
        live.add_step(StepStats(101.2 + 0.1 * i, i + 1, "warmup", 100.0, 640.0, None, 2.3))
    live.add_phase(Phase(101.5, "measure"))
    for i in range(20):
        t = 100.0 + 0.05 * i
        live.add_sample(
            Sample(
                t,
                gpu_util_pct=None if i == 5 else 50.0 + i,
                mem_used_bytes=(2 + i) << 30,
                power_w=300.0,
                energy_j=10.0 * i if i % 4 == 0 else None,
                cpu_util_pct=40.0,
                process_rss_bytes=1 << 30,
            )
        )
    for i in range(5):
        live.add_step(
            StepStats(101.6 + 0.1 * i, i + 1, "measure", 50.0, 1280.0, None, 2.0 - i / 10)
        )
    live.add_phase(Phase(102.5, "done"))
    live.refresh()


def test_curves_receive_data_against_seconds_since_start(live):
    _feed_gpu_run(live)
    x = np.asarray(live.curve("gpu_util", "train").xData)
    assert x[0] == pytest.approx(0.0) and x[-1] == pytest.approx(0.95)
    assert len(_y(live.curve("throughput", "train"))) == 5
    assert len(_y(live.curve("throughput", "train", "warmup"))) == 3
    assert _y(live.curve("gpu_mem", "train"))[-1] == pytest.approx(21.0)  # GiB
    assert len(_y(live.curve("loss", "train"))) == 5
    assert len(_y(live.curve("cpu_util", "train"))) == 20
    assert _y(live.curve("rss", "train"))[0] == pytest.approx(1.0)


def test_unsupported_reading_is_a_gap_not_zero(live):
    _feed_gpu_run(live)
    y = _y(live.curve("gpu_util", "train"))
    assert math.isnan(y[5]) and 0.0 not in y
    assert live.curve("gpu_util", "train").opts["connect"] == "finite"


def test_energy_only_from_samples_that_carry_it(live):
    _feed_gpu_run(live)
    y = _y(live.curve("energy", "train"))
    assert list(y) == [0.0, 40.0, 80.0, 120.0, 160.0]


def test_warmup_steps_have_their_own_style(live):
    _feed_gpu_run(live)
    warm = live.curve("step_time", "train", "warmup")
    meas = live.curve("step_time", "train", "measure")
    assert warm.opts["symbol"] == "o" and meas.opts["symbol"] is None
    assert warm.opts["pen"].style() != meas.opts["pen"].style()


def test_phases_are_marked_with_lines_and_a_shaded_warmup(live):
    _feed_gpu_run(live)
    items = live.panel("throughput").phase_items()
    regions = [i for i in items if type(i).__name__ == "LinearRegionItem"]
    lines = [i for i in items if type(i).__name__ == "InfiniteLine"]
    assert len(lines) == 4  # build, warm-up, measure, done
    assert [line.label.format for line in lines] == ["build", "warm-up", "measure", "done"]
    assert len(regions) == 1
    assert regions[0].getRegion() == pytest.approx((1.0, 1.5))


def test_training_and_inference_keep_their_colours(live):
    from gui.widgets import theme

    assert live.curve("power", "train").opts["pen"].color().name().upper() == theme.TRAIN_COLOR
    assert live.curve("power", "infer").opts["pen"].color().name().upper() == theme.INFER_COLOR


def test_other_mode_stays_for_the_same_model_only(live):
    _feed_gpu_run(live)
    live.begin_run("infer", "mlp", False, t0_s=200.0)
    live.refresh()
    assert len(_y(live.curve("power", "train"))) == 20  # kept for comparison
    assert len(_y(live.curve("power", "infer"))) == 0
    live.begin_run("infer", "resnet18", False, t0_s=300.0)
    live.refresh()
    assert len(_y(live.curve("power", "train"))) == 0  # another model: cleared


def test_no_gpu_shows_the_reason_in_each_gpu_plot_and_cpu_plots_lead(live):
    message = "no NVIDIA driver found (libnvidia-ml could not be loaded)"
    live.set_telemetry_status(TelemetryStatus(1.0, False, message))
    for key in GPU_KEYS:
        assert live.panel(key).note() == f"N/A — {message}"
    for key in HOST_KEYS:
        assert live.panel(key).note() == ""
    order = live.order()
    assert order.index("cpu_util") < order.index("gpu_util")
    assert order.index("rss") < order.index("gpu_util")


def test_unsupported_gpu_reading_says_so(live):
    supported = {"gpu_util": True, "gpm": False, "energy": False, "power": False}
    supported["power_instant"] = False
    live.set_telemetry_status(TelemetryStatus(1.0, True, "reading GPU 0", 0, "Old GPU", supported))
    assert "not supported" in live.panel("energy").note()
    assert "not supported" in live.panel("power").note()
    assert live.panel("gpu_util").note() == ""


def test_energy_without_its_counter_is_labelled_estimated(live):
    supported = {"gpu_util": True, "energy": False, "power": True}
    live.set_telemetry_status(TelemetryStatus(1.0, True, "reading GPU 0", 0, "GPU", supported))
    assert live.panel("energy").note() == ""
    assert "estimated" in live.panel("energy").title


def test_sm_activity_tensor_activity_and_instant_power_get_their_own_curves(live):
    assert live.panel("gpu_util").plot_item.legend is None
    for i in range(4):
        live.add_sample(
            Sample(
                100.0 + i * 0.05,
                gpu_util_pct=32.0,
                power_w=149.0,
                power_instant_w=300.0 + i,
                sm_activity_pct=6.0,
                tensor_activity_pct=None if i == 0 else 0.3,
            )
        )
    live.refresh()
    assert list(_y(live.curve("gpu_util", "train", "sm"))) == [6.0] * 4
    tensor = _y(live.curve("gpu_util", "train", "tensor"))
    assert math.isnan(tensor[0]) and tensor[1] == pytest.approx(0.3)
    assert _y(live.curve("power", "train", "instant"))[-1] == 303.0
    legend = live.panel("gpu_util").plot_item.legend
    names = [label.text for _sample, label in legend.items]
    assert names == ["NVML utilization", "SM activity (GPM)", "Tensor Core activity (GPM)"]
    assert live.panel("power").plot_item.legend is not None


def test_language_models_plot_tokens_per_second(live):
    live.begin_run("train", "gpt2-tiny", True, t0_s=0.0)
    live.add_step(StepStats(1.0, 1, "measure", 10.0, 100.0, 12800.0, 5.0))
    live.refresh()
    assert _y(live.curve("throughput", "train"))[0] == 12800.0
    assert live.panel("throughput").plot_item.getAxis("left").labelText == "tokens/s"


def test_inference_without_training_explains_missing_loss(live):
    live.begin_run("infer", "resnet18", False, t0_s=0.0)
    assert "no loss" in live.panel("loss").note()


def test_all_plots_share_one_growing_time_axis(live):
    _feed_gpu_run(live)
    for key, panel in live.panels().items():
        x0, x1 = panel.plot_item.getViewBox().viewRange()[0]
        assert x0 <= 0.0 and x1 >= 2.0, key  # 0 .. last step at 2.0 s
    viewbox = live.panel("power").plot_item.getViewBox()
    viewbox.sigRangeChangedManually.emit([True, True])  # the user zoomed this plot
    viewbox.setXRange(0.5, 0.7, padding=0)
    live.add_step(StepStats(110.0, 6, "measure", 50.0, 1280.0, None, 1.0))
    live.refresh()
    assert live.panel("throughput").plot_item.getViewBox().viewRange()[0][1] >= 10.0
    assert viewbox.viewRange()[0] == pytest.approx([0.5, 0.7])  # left where the user put it


def test_timer_tick_holds_back_sub_pixel_points_of_a_long_run(live, qtbot):
    from engine.core.events import Phase

    live.resize(1280, 720)
    live.show()
    qtbot.waitExposed(live)
    for i in range(3600):  # an hour of steps, one a second: a pixel is several seconds
        live.add_step(StepStats(100.0 + i, i, "measure", 50.0, 1000.0, None, 1.0))
    live.tick()
    assert len(_y(live.curve("step_time", "train"))) == 3600
    live.add_step(StepStats(100.0 + 3599.1, 3600, "measure", 50.0, 1000.0, None, 1.0))
    live.tick()  # 0.1 s of new data on a ~10 s pixel: nothing new to draw yet
    assert len(_y(live.curve("step_time", "train"))) == 3600
    live.add_phase(Phase(100.0 + 3599.5, "done"))  # the run ends: its last points show
    assert len(_y(live.curve("step_time", "train"))) == 3601
    x0, x1 = live.panel("step_time").plot_item.getViewBox().viewRange()[0]
    assert x1 >= 3599.1  # the shared time axis reaches the newest point


def test_a_curve_denser_than_its_pixels_is_drawn_one_pixel_wide(live, qtbot):
    live.resize(1280, 720)
    live.show()
    qtbot.waitExposed(live)
    curve = live.curve("step_time", "train")
    live.add_step(StepStats(101.0, 1, "measure", 50.0, 1000.0, None, 1.0))
    live.refresh()
    assert curve.opts["pen"].widthF() == 2.0
    for i in range(5000):
        live.add_step(StepStats(102.0 + i * 0.01, i, "measure", 50.0 + i % 7, 1000.0, None, 1.0))
    live.refresh()
    assert curve.opts["pen"].widthF() == 1.0


def test_throughput_and_step_time_are_scaled_from_zero(live, qtbot):
    # GPT-2 training on the H200 varied by 0.5% (146,300 to 147,300 tokens/s): scaled to
    # its data alone the curve filled the plot and read as a collapse
    live.show()
    qtbot.waitExposed(live)
    live.begin_run("train", "gpt2", True, t0_s=0.0)
    for i in range(40):
        rate = 146_300.0 + 1000.0 * (i % 2)
        live.add_step(StepStats(1.0 + 0.1 * i, i + 1, "measure", 111.5 + 0.4 * (i % 2), 0.0,
                                rate, 7.0))
    live.refresh()
    for key, top in (("throughput", 147_300.0), ("step_time", 111.9)):
        view = live.panel(key).plot_item.getViewBox()
        view.updateAutoRange()  # what the view box does before it paints
        low, high = view.viewRange()[1]
        assert low <= 0.0 < top <= high, (key, low, high)
    live.panel("loss").plot_item.getViewBox().updateAutoRange()
    low, _high = live.panel("loss").plot_item.getViewBox().viewRange()[1]
    assert low > 0.0  # the loss keeps its own range: its fall is the message there


def test_each_gpu_of_the_run_gets_a_curve_and_the_others_show_when_asked(live):
    from engine.core.events import GpuSample

    live.set_telemetry_status(TelemetryStatus.of(True, msg("sampler.sampling", name="H200",
                                                           index=0), 0))
    for i in range(5):
        t = 100.0 + 0.05 * i
        live.add_gpu_sample(GpuSample(t, 1, True, gpu_util_pct=90.0,
                                      mem_used_bytes=40 << 30, power_w=600.0))
        live.add_gpu_sample(GpuSample(t, 3, False, gpu_util_pct=35.0,
                                      mem_used_bytes=2 << 30, power_w=150.0))
    live.refresh()
    run_gpu = live.curve("gpu_util", "train", "gpu1")
    other = live.curve("gpu_util", "train", "gpu3")
    assert list(_y(run_gpu)) == [90.0] * 5 and list(_y(other)) == [35.0] * 5
    assert list(_y(live.curve("power", "train", "gpu1"))) == [600.0] * 5
    assert run_gpu.isVisible() and not other.isVisible()
    text = live._gpu_legend.text()
    assert "GPU 0" in text and "GPU 1" in text and "1 more GPU" in text
    live.show_all_gpus(True)
    assert other.isVisible() and "GPU 3" in live._gpu_legend.text()
    live.begin_run("infer", "mlp", False, t0_s=200.0)  # a new run: its own GPUs
    assert live.gpus() == {}


# -- what each plot is, and the value under the cursor -----------------------------------
SOURCES = {"throughput": "CUDA events", "step_time": "host clock", "gpu_util": "GPM",
           "gpu_mem": "NVML", "power": "NVML", "energy": "RAPL", "cpu_util": "psutil",
           "rss": "resident set"}


def test_each_plots_title_says_what_it_is_its_source_and_unit(live):
    for key, panel in live.panels().items():
        assert "Unit:" in panel.help(), key
        assert SOURCES.get(key, "") in panel.help(), key
    util = live.panel("gpu_util").help()
    assert "at least one kernel" in util and "SM" in util and "not say how busy" in util


def test_hovering_a_plot_shows_the_value_under_the_cursor(live, qtbot):
    from PySide6.QtCore import QPoint

    _feed_gpu_run(live)
    live.show()
    panel = live.panel("power")
    view = panel.plot_item.getViewBox()
    qtbot.waitUntil(lambda: view.width() > 50)
    live.refresh()
    qtbot.wait(50)  # the new x range laid out
    assert panel.hover_at(0.5)[0][2] == 300.0 and panel.hover_text() == ""
    scene_pos = view.mapViewToScene(pg_point(0.5, 300.0))
    widget_pos = panel.plot_widget.mapFromScene(scene_pos)
    qtbot.mouseMove(panel.plot_widget.viewport(), QPoint(widget_pos.x(), widget_pos.y()))
    qtbot.waitUntil(lambda: panel.hover_text() != "", timeout=2_000)
    text = panel.hover_text()
    assert "training" in text and "300 W" in text and " s" in text.splitlines()[0]
    # leaving the plot hides it again
    qtbot.mouseMove(live.panel("throughput").plot_widget.viewport(), QPoint(5, 5))
    panel.eventFilter(panel.plot_widget.viewport(), _leave_event())
    assert panel.hover_text() == ""


def pg_point(x: float, y: float):
    from PySide6.QtCore import QPointF

    return QPointF(x, y)


def _leave_event():
    from PySide6.QtCore import QEvent

    return QEvent(QEvent.Type.Leave)


def test_a_history_window_shows_the_newest_seconds_and_keeps_the_rest(live):
    live.set_history_window(10)
    for i in range(401):  # 40 s at 10 Hz
        live.add_sample(Sample(100.0 + 0.1 * i, cpu_util_pct=50.0 + i % 3))
    live.refresh()
    x0, x1 = live.panel("cpu_util").plot_item.getViewBox().viewRange()[0]
    assert 29.0 < x0 < 31.5 and 40.0 < x1 < 42.0 and x1 - x0 < 12.0
    assert len(live.curve("cpu_util", "train").xData) == 401  # nothing dropped
    live.set_history_window(0)  # the whole run again
    x0, _x1 = live.panel("cpu_util").plot_item.getViewBox().viewRange()[0]
    assert x0 < 0.5


def test_a_distributed_run_says_its_live_throughput_is_per_rank(live):
    live.add_step(StepStats(101.0, 1, "measure", 100.0, 640.0, None, 2.3, ranks=2))
    assert "per rank (× 2)" in live.panel("throughput").plot_item.getAxis("left").labelText
    live.begin_run("infer", "mlp", False, t0_s=200.0)
    assert "per rank" not in live.panel("throughput").plot_item.getAxis("left").labelText
