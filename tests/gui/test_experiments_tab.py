"""The Experiments tab driven like a user: pick an experiment, Run, Stop, read, export.

Fast tests give the window's run controller a fake session (no run process): each case
replays a few events and ends with a Summary shaped by its configuration. One test runs a
real experiment (``memory`` with the mlp model on the CPU) end to end.
"""

from __future__ import annotations

import csv
import io
import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt, QThreadPool
from summaries import cpu_summary

from engine.claims.experiments import EXPERIMENTS
from engine.core.config import ConfigError
from engine.core.events import Phase, Sample, Started, StepStats
from engine.core.format import text
from engine.core.values import msg
from gui.experiments import experiments_view
from gui.experiments import export as experiment_export
from gui.experiments.experiments_view import STATUS_COLORS

RESULT_TIMEOUT_MS = 10_000
REAL_RUN_TIMEOUT_MS = 90_000  # two spawned runs with torch imports on a busy 2-core machine


def click(qtbot, button) -> None:
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.LeftButton)


def fake_session_class(make_summary, *, block: threading.Event | None = None):
    """A Session stand-in: a few events per case, then a Summary from its config.

    With ``block``, each case waits after its first measured step until ``block`` is set
    or Stop is asked, and a stopped case ends with a stopped-early Summary.
    """

    class FakeSession:
        run_id = None
        running = False
        store = None
        started: list = []

        def __init__(self):
            self._stop = threading.Event()

        def start(self, cfg):
            if cfg.precision == "tf32" and cfg.device == "cpu":  # as the preflight says
                raise ConfigError("precision", msg("devices.tf32_cpu"))
            self.cfg = cfg
            self._stop = threading.Event()
            type(self).started.append(cfg)

        def stop(self, now=False):
            self._stop.set()

        def stop_grace_s(self):
            return 1.0

        def iter_events(self):
            cfg = self.cfg
            batch = cfg.batch_size or 64
            language = cfg.model.startswith("gpt2")
            rate = 1000.0 * (2.0 if cfg.mode == "infer" else 1.0) * (
                1.5 if cfg.precision == "bf16" else 1.0) * (1 + batch / 64) * (
                2.0 if cfg.quantize == "int8" else 1.0)
            yield Started(time.monotonic(), 1, "cpu", "Test CPU", "2.x", 10, 40, batch, 784,
                          "sequences" if language else "vectors", 64 if language else None,
                          0.1)
            yield Phase(time.monotonic(), "warmup")
            yield Phase(time.monotonic(), "measure")
            yield StepStats(time.monotonic(), 1, "measure", 1000.0 * batch / rate, rate,
                            rate * 64 if language else None, 2.0 if cfg.mode == "train" else None)
            stopped = False
            if block is not None:  # telemetry goes on, as in a real session
                while not (block.is_set() or self._stop.is_set()):
                    time.sleep(0.02)
                    yield Sample(time.monotonic(), cpu_util_pct=50.0)
                stopped = self._stop.is_set()
            gen = cfg.generate_tokens if cfg.mode == "infer" else None
            changes = dict(
                precision=cfg.precision, batch_size=batch, samples_per_s=rate,
                step_ms_median=1000.0 * batch / rate, stopped_early=stopped,
                step_ms_p99=1100.0 * batch / rate, quantize=cfg.quantize,
                loader_workers=cfg.loader_workers, pin_memory=cfg.pin_memory,
                mem_params_bytes=(5 if cfg.quantize == "int8" else 20) << 20,
                mem_grads_bytes=20 << 20 if cfg.mode == "train" else 0,
                mem_optimizer_bytes=40 << 20 if cfg.mode == "train" else 0,
                mem_inputs_bytes=1 << 20, mem_activations_bytes=(30 if cfg.mode == "train"
                                                                 else 5) << 20,
                mem_method="test",
            )
            if cfg.save_weights:  # as the run process does: the file, then its id
                with open(cfg.save_weights, "wb") as f:
                    f.write(b"weights")
                changes.update(saved_weights=cfg.save_weights, saved_weights_id="w1")
            if cfg.load_weights:
                changes.update(weights_from="trained 4 steps on cpu (fp32)",
                               weights_from_id="w1")
            if language:
                changes.update(tokens_per_s=rate * 64, sample_unit="sequences", input_size=64)
            if gen:
                changes.update(generated_tokens=gen, ttft_ms_median=12.0,
                               decode_tokens_per_s=rate * 10)
            yield make_summary(cfg.mode, cfg.model, **changes)

        def close(self):
            pass

    FakeSession.started = []
    return FakeSession


@pytest.fixture
def tab(window):
    """The window's Experiments tab, shown, on the CPU."""
    window.tabs.setCurrentWidget(window.experiments)
    window.experiments.set_device("cpu")
    return window.experiments


def use_fake(tab, make_summary, **kw):
    """The window's session becomes a fake (no run process); returns its class."""
    cls = fake_session_class(make_summary, **kw)
    tab.controller.session = cls()
    return cls


def table_text(tab):
    """The shown table: ``(headers, rows)`` as the user reads them."""
    model = tab.table.model()
    heads = [model.headerData(c, Qt.Horizontal) for c in range(tab.column_count())]
    return heads, [[tab.cell_text(r, c) for c in range(tab.column_count())]
                   for r in range(tab.row_count())]


def run_fake(qtbot, tab, make_summary, name: str, model: str = "mlp", seconds: float = 0.5):
    use_fake(tab, make_summary)
    tab.set_experiment(name)
    tab.set_model(model)
    tab.set_seconds(seconds)
    with qtbot.waitSignal(tab.finished, timeout=RESULT_TIMEOUT_MS) as blocker:
        click(qtbot, tab.run_button)
    return blocker.args[0]


def test_the_tab_lists_every_experiment_with_its_claim_and_default_model(window, tab):
    combo = tab.experiment_combo
    assert [combo.itemData(i) for i in range(combo.count())] == list(EXPERIMENTS)
    for name, exp in EXPERIMENTS.items():
        tab.set_experiment(name)
        assert tab.model_id == exp.default_model
        assert text(exp.claim) in tab.description.text()
    assert window.tabs.tabText(window.tabs.indexOf(tab)) == "Experiments"
    assert not tab.csv_button.isEnabled() and not tab.stop_button.isEnabled()


def test_precision_table_marks_what_the_cpu_cannot_run(qtbot, tab, summary_factory):
    seen_while_running = {}

    def on_case(ev):  # the next case starts: the skipped one already says why
        if ev.case.label == "bf16 train" and not seen_while_running:
            seen_while_running["tf32"] = tab.cell_text(1, 3)

    tab.controller.case_started.connect(on_case)
    result = run_fake(qtbot, tab, summary_factory, "precision")
    assert seen_while_running["tf32"].startswith("not available: tf32 exists only on NVIDIA")
    assert not tab.running and tab.run_button.isEnabled()
    heads, rows = table_text(tab)
    assert (heads, rows) == result.table.text() and len(heads) == 8 and len(rows) == 8
    statuses = dict(zip((c.label for c in result.cases), tab.row_statuses()))
    assert statuses["tf32 train"] == statuses["fp16 infer"] == "not_available"
    assert statuses["fp32 train"] == statuses["bf16 infer"] == "ok"
    na_row = [c.label for c in result.cases].index("tf32 train")
    model = tab.table.model()
    na = model.index(na_row, 0)
    assert model.data(na, Qt.BackgroundRole).color().name().upper() == (
        STATUS_COLORS["not_available"][1])
    assert model.data(na, Qt.FontRole).italic() and "NVIDIA" in model.data(na, Qt.ToolTipRole)
    assert "measured" in tab.status_label.text()

    chart = tab.charts.precision
    assert tab.charts.panels() == [chart] and tab.charts.currentWidget() is chart
    assert [h for _x, h in chart.values["train"]] == pytest.approx([2000.0, 3000.0])
    assert [h for _x, h in chart.values["infer"]] == pytest.approx([4000.0, 6000.0])
    assert chart.categories[1].startswith("tf32") and "N/A" in chart.categories[1]
    heights = chart.bars["infer"].opts["height"]
    assert len(heights) == 2 and np.all(np.isfinite(heights))
    assert chart.bars["train"].opts["brush"] != chart.bars["infer"].opts["brush"]


def test_progress_names_the_case_and_stop_marks_the_rest(qtbot, window, tab, summary_factory):
    release = threading.Event()
    fake = use_fake(tab, summary_factory, block=release)
    tab.set_experiment("batch-sweep")
    tab.set_model("mlp")
    click(qtbot, tab.run_button)
    assert tab.running and tab.stop_button.isEnabled() and not tab.run_button.isEnabled()
    qtbot.waitUntil(lambda: "measuring" in tab.status_label.text(), timeout=RESULT_TIMEOUT_MS)
    assert window.state == "measuring" and window.controller.experimenting
    assert "batch-sweep, case 1 of 8" in window.status.state_label.text()  # where the work is
    assert tab.status_label.text() == "case 1 of 8: batch 1 infer — measuring"
    assert "step 1" in tab.live_label.text() and "vectors/s" in tab.live_label.text()
    assert tab.progress.maximum() == 8 and tab.progress.value() == 0
    assert tab.row_count() == 8  # the planned cases, filled in as they run
    assert [tab.cell_text(0, c) for c in (0, 3)] == ["batch 1 infer", "measuring"]
    assert "vectors/s" in tab.cell_text(0, 1) and tab.cell_text(1, 3) == "waiting"
    with qtbot.waitSignal(tab.finished, timeout=RESULT_TIMEOUT_MS) as blocker:
        click(qtbot, tab.stop_button)
    result = blocker.args[0]
    assert result.stopped
    assert [c.status for c in result.cases] == ["stopped"] * 8
    assert tab.row_statuses() == ["stopped"] * 8
    last = len(result.table.columns) - 1
    assert "stopped early" in tab.cell_text(0, last)  # the case cut short
    assert "not run" in tab.cell_text(7, last)  # the cases never started
    assert "stopped early, so from shorter runs: batch 1 infer" in tab.verdict_text() or (
        "not measurable" in tab.verdict_text())
    assert tab.status_label.text().startswith("Stopped")
    assert len(fake.started) == 1  # no case after Stop
    assert window.state == "stopped" and not window.running


def test_batch_sweep_chart_is_latency_and_throughput_against_batch(qtbot, tab,
                                                                    summary_factory):
    run_fake(qtbot, tab, summary_factory, "batch-sweep")
    latency, rate = tab.charts.panels()
    assert latency is tab.charts.sweep_latency and rate is tab.charts.sweep_throughput
    assert latency.plot_item.getAxis("bottom").logMode
    for chart in (latency, rate):
        for mode in ("train", "infer"):
            xs, ys = chart.curves[mode].getOriginalDataset()
            assert list(xs) == [1, 8, 64, 256] and np.all(np.isfinite(ys))
    assert rate.plot_item.getAxis("left").labelText == "vectors/s"


def test_generation_and_data_flow_charts(qtbot, tab, summary_factory):
    run_fake(qtbot, tab, summary_factory, "generation", model="gpt2-tiny")
    rate, ttft = tab.charts.panels()
    assert len(rate.values["train"]) == 1 and len(rate.values["infer"]) == 2
    assert [h for _x, h in ttft.values["infer"]] == [12.0, 12.0] and not ttft.values["train"]
    assert ttft.note() == ""

    result = run_fake(qtbot, tab, summary_factory, "data-flow", model="mlp")
    chart = tab.charts.throughput
    assert tab.charts.panels() == [chart]
    assert chart.categories == [text(c.title) for c in result.cases]
    assert len(chart.values["train"]) == 3


def test_kernels_chart_is_latency_and_marks_what_did_not_run(qtbot, tab, summary_factory):
    result = run_fake(qtbot, tab, summary_factory, "kernels", model="mlp")
    chart = tab.charts.latency
    assert tab.charts.panels() == [chart] and tab.charts.currentWidget() is chart
    assert chart.plot_item.getAxis("left").labelText == "ms"
    measured = [c for c in result.cases if c.summary is not None]
    assert [h for _x, h in chart.values["infer"]] == [c.summary.step_ms_median
                                                      for c in measured]
    missing = [c for c in result.cases if c.status == "not_available"]
    assert missing  # CUDA graphs on the CPU
    for c in missing:
        assert chart.categories[result.cases.index(c)] == f"{text(c.title)} (N/A)"


def test_bar_legend_sits_above_the_bars(qtbot, tab, summary_factory):
    run_fake(qtbot, tab, summary_factory, "generation", model="gpt2-tiny")
    rate, _ttft = tab.charts.panels()
    tallest = max(h for pairs in rate.values.values() for _x, h in pairs)
    _lo, top = rate.plot_item.viewRange()[1]
    assert top >= 1.39 * tallest


def test_the_table_is_fitted_to_its_rows(qtbot, tab, summary_factory):
    run_fake(qtbot, tab, summary_factory, "memory")  # two rows: the chart gets the room
    table_h, chart_h = tab.splitter.sizes()
    assert chart_h > table_h and tab.table.verticalScrollBar().maximum() == 0
    assert table_h < 200, tab.splitter.sizes()
    run_fake(qtbot, tab, summary_factory, "train-vs-infer")  # eight rows of wrapped text
    table_h, chart_h = tab.splitter.sizes()
    assert chart_h >= 0.34 * (table_h + chart_h)  # the chart keeps its share
    if tab.table.verticalScrollBar().maximum() > 0:  # a table too long for the rest scrolls
        assert chart_h <= 0.4 * (table_h + chart_h)  # ... after taking (about) all it may


def test_memory_result_exports_as_csv_and_markdown(qtbot, tab, summary_factory, tmp_path,
                                                   monkeypatch):
    result = run_fake(qtbot, tab, summary_factory, "memory")
    assert set(tab.charts.memory.values) == {"train", "infer"}
    assert tab.charts.panels() == [tab.charts.memory]
    monkeypatch.setattr(experiment_export, "ask_table_path",
                        lambda _p, _name, fmt: str(tmp_path / f"table.{fmt}"))
    click(qtbot, tab.csv_button)
    click(qtbot, tab.md_button)
    rows = list(csv.reader(io.StringIO((tmp_path / "table.csv").read_text("utf-8"))))
    head = rows[0]
    assert head[:3] == ["case", "status", "mode"] and "peak (B)" in head  # units in headers
    train = dict(zip(head, rows[1]))
    assert int(float(train["gradients (B)"])) == 20 << 20  # numbers, not "20.00 MiB"
    assert len(rows) == 1 + len(result.cases)
    md = (tmp_path / "table.md").read_text("utf-8")
    assert text(EXPERIMENTS["memory"].claim) in md
    assert result.verdict.status == "confirmed"  # the fake holds grads and optimizer state
    assert tab.verdict_text().startswith("✔ confirmed: training held gradients")
    assert f"Verdict: {result.verdict.text}." in md
    assert "| mode | parameters | gradients |" in md and md.count("\n| train |") == 1
    chart_png = tmp_path / "chart.png"
    tab.charts.memory.export_to(str(chart_png), width=400)
    assert chart_png.stat().st_size > 0


def test_train_vs_infer_opens_in_the_compare_tab(qtbot, window, tab, summary_factory):
    run_fake(qtbot, tab, summary_factory, "train-vs-infer")
    assert tab.row_count() == len(tab.result.table.rows) > 0
    assert "of 8 rows confirmed" in tab.verdict_text()
    assert tab.compare_button.isVisible()
    click(qtbot, tab.compare_button)
    assert window.tabs.currentWidget() is window.compare and window.compare.pinned


def test_weights_an_experiment_trained_serve_the_live_tabs_next_inference(qtbot, window, tab,
                                                                         summary_factory):
    result = run_fake(qtbot, tab, summary_factory, "train-vs-infer")
    train, infer = (c.summary for c in result.cases)
    assert infer.weights_from_id == train.saved_weights_id  # handed over inside the experiment
    assert window.trained.trained_summary("mlp", 0) is train  # and kept for the Live tab
    window.panel.set_model("mlp")
    window.panel.set_mode("infer")
    assert "this session's training run" in window.panel.weights_note.text()
    assert window.trained.prepare(window.panel.config()).load_weights == train.saved_weights


def test_a_failed_start_goes_to_the_banner(qtbot, window, tab, monkeypatch):
    def refuse(*_a, **_k):
        raise ConfigError("model", msg("config.model.unknown", model="x", choices=["mlp"]))

    monkeypatch.setattr(experiments_view, "plan_experiment", refuse)
    with qtbot.waitSignal(window.error_shown, timeout=RESULT_TIMEOUT_MS) as blocker:
        click(qtbot, tab.run_button)
    assert blocker.args[0] == "unknown model 'x'; choose one of: mlp"
    assert window.banner.isVisible() and window.banner.kind() == "error"
    assert "border" in tab.model_combo.styleSheet()  # the setting at fault is outlined
    assert not tab.running and tab.run_button.isEnabled()


def test_runs_and_experiments_never_overlap(qtbot, window, tab, summary_factory):
    release = threading.Event()
    use_fake(tab, summary_factory, block=release)
    tab.set_experiment("memory")
    click(qtbot, tab.run_button)
    with qtbot.waitSignal(window.error_shown, timeout=RESULT_TIMEOUT_MS):
        assert not window.start_run()
    assert "experiment is running" in window.banner.message()
    with qtbot.waitSignal(tab.finished, timeout=RESULT_TIMEOUT_MS):
        release.set()


def test_a_real_memory_experiment_end_to_end(qtbot, window, tab, store):
    tab.set_experiment("memory")
    tab.set_model("mlp")
    tab.set_seconds(0.5)
    seen = []
    tab.controller.case_started.connect(lambda ev: seen.append(ev.case.label))
    click(qtbot, tab.run_button)
    qtbot.waitUntil(lambda: tab.result is not None, timeout=REAL_RUN_TIMEOUT_MS)
    assert tab.row_count() == 2 and tab.column_count() == len(tab.result.table.columns)
    assert tab.row_statuses() == ["ok", "ok"], [c.message for c in tab.result.cases]
    assert [tab.cell_text(r, 0) for r in range(2)] == ["train", "infer"]
    assert seen == ["training", "inference"]
    # every case went through the Live tab's plots, in its mode's colour
    for mode in ("train", "infer"):
        assert len(window.live.curve("throughput", mode).xData) > 0
    assert set(tab.charts.memory.values) == {"train", "infer"}
    runs = store.list_runs()
    assert {r.id for r in runs} == {c.run_id for c in tab.result.cases}


def test_command_line_opens_the_tab_and_checks_the_experiment(capsys):
    from gui.app import build_parser, main

    args = build_parser().parse_args(["--tab", "experiments", "--experiment", "memory",
                                      "--model", "mlp", "--device", "cpu", "--seconds", "1"])
    assert (args.tab, args.experiment, args.model) == ("experiments", "memory", "mlp")
    assert main(["--experiment", "quantum"]) == 2
    assert "choose one of" in capsys.readouterr().err
    assert main(["--experiment", "memory", "--model", "nope"]) == 2


def test_closing_the_window_stops_the_experiment_and_its_thread(qtbot, window, tab,
                                                                summary_factory):
    use_fake(tab, summary_factory, block=threading.Event())
    tab.set_experiment("precision")
    click(qtbot, tab.run_button)
    qtbot.waitUntil(lambda: "measuring" in tab.status_label.text(), timeout=RESULT_TIMEOUT_MS)
    window.close()
    assert QThreadPool.globalInstance().activeThreadCount() == 0  # the worker has ended


def test_the_live_tab_plots_every_case_as_it_runs(qtbot, window, tab, summary_factory):
    started = []
    window.controller.stream_started.connect(started.append)
    run_fake(qtbot, tab, summary_factory, "batch-sweep")
    assert [s.kind for s in started] == ["case"] * 8
    assert [s.mode for s in started] == ["infer"] * 4 + ["train"] * 4
    window.live.refresh()
    for mode in ("train", "infer"):  # the last case of each mode stays on the plots
        assert len(window.live.curve("throughput", mode).xData) == 1


def test_complete_the_table_runs_what_the_claims_need_and_keeps_the_pair(window, qtbot):
    from engine.claims.verdicts import CONFIRMED, NOT_MEASURABLE

    fake = use_fake(window.experiments, cpu_summary)
    compare = window.compare
    train = cpu_summary("train", mem_params_bytes=20 << 20)
    infer = cpu_summary("infer", mem_params_bytes=20 << 20)
    compare.add_summary(train)
    compare.add_summary(infer)
    compare.set_model("mlp")
    window.tabs.setCurrentWidget(compare)
    qtbot.waitExposed(compare)
    needs = {n.key for n in compare.comparison.needs()}
    assert {"bf16 train", "int8 infer", "batch 1 infer", "loader 0 train"} <= needs
    assert compare.complete_button.isVisible() and compare.complete_button.isEnabled()
    assert "not measurable here" in compare.headline.text()
    with qtbot.waitSignal(window.controller.experiment_finished, timeout=RESULT_TIMEOUT_MS):
        click(qtbot, compare.complete_button)
        assert compare.completing and not compare.complete_button.isEnabled()
    ran = {(c.mode, c.precision, c.batch_size, c.quantize, c.loader_workers)
           for c in fake.started}
    assert ("train", "bf16", 64, "none", None) in ran and ("infer", "fp32", 1, "none", None) in ran
    assert ("infer", "fp32", 64, "int8", None) in ran and ("train", "fp32", 64, "none", 0) in ran
    cmp = compare.comparison
    assert cmp.train is train and cmp.infer is infer  # the pair on screen stayed
    verdicts = {c.claim.id: c.verdict for c in cmp.claims}
    assert verdicts["latency"].status == CONFIRMED
    assert verdicts["speed_efficiency"].status == CONFIRMED, verdicts["speed_efficiency"].text
    assert verdicts["mixed_precision"].status != NOT_MEASURABLE  # judged, whatever it says
    assert not compare.completing and "of 16 confirmed" in compare.headline.text()
    assert window.tabs.currentWidget() is compare
    row = compare.row_ids().index("specific_optimizations")
    assert "int8:" in compare.cell_text(row, 4) and "bf16:" in compare.cell_text(row, 3)
