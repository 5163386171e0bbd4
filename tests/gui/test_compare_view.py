"""The Compare tab with synthetic summaries: rows, languages, cards, colours."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from gui.compare.compare_view import (
    COL_ASPECT,
    COL_DOC_INFER,
    COL_DOC_TRAIN,
    COL_MEAS_INFER,
    COL_MEAS_TRAIN,
    COL_RATIO,
    CompareView,
)
from gui.widgets import theme


@pytest.fixture
def view(qtbot, reported):
    widget = CompareView()
    widget.errors = reported
    qtbot.addWidget(widget)
    widget.set_model("mlp")
    return widget


def test_document_rows_are_shown_before_any_run(view):
    assert view.table.rowCount() >= 8 and not view.errors
    assert "not run yet" in view.cell_text(0, COL_MEAS_TRAIN)
    assert "Not run yet" in view.train_card.text()


def test_summaries_fill_measured_cells_and_ratios(view, summary_factory):
    view.add_summary(summary_factory("train"))
    view.add_summary(summary_factory("infer"))
    rows = view.row_ids()
    for r in range(len(rows)):
        assert view.cell_text(r, COL_MEAS_TRAIN) and view.cell_text(r, COL_MEAS_INFER)
    step_row = rows.index("key_operations")
    assert "50" in view.cell_text(step_row, COL_MEAS_TRAIN)
    assert "3.2" in view.cell_text(step_row, COL_RATIO)  # 50 ms / 15.6 ms
    assert "1,280 vectors/s" in view.train_card.text()
    assert "4,100 vectors/s" in view.infer_card.text()
    assert "N/A" in view.train_card.text()  # no energy on a CPU
    assert view.history.count() == 2


def test_portuguese_as_written_with_a_switch_to_english(view):
    row = view.row_ids().index("objective")
    assert view.language == "pt"
    assert view.cell_text(row, COL_ASPECT) == "Objetivo"
    pt = view.cell_text(row, COL_DOC_TRAIN)
    view.set_language("en")
    assert view.cell_text(row, COL_ASPECT) == "Objective"
    assert view.cell_text(row, COL_DOC_TRAIN) != pt and "weights" in view.cell_text(
        row, COL_DOC_TRAIN
    )


def test_another_model_has_its_own_latest_runs(view, summary_factory):
    view.add_summary(summary_factory("train"))
    view.set_model("resnet18")
    assert "not run yet" in view.cell_text(0, COL_MEAS_TRAIN)
    view.set_model("mlp")
    assert "not run yet" not in view.cell_text(0, COL_MEAS_TRAIN)


def test_mode_colours_in_cells(view):
    train_bg = view.table.item(0, COL_DOC_TRAIN).background().color().name().upper()
    infer_bg = view.table.item(0, COL_DOC_INFER).background().color().name().upper()
    assert train_bg == theme.TRAIN_TINT and infer_bg == theme.INFER_TINT
    header = view.table.horizontalHeaderItem(COL_MEAS_TRAIN)
    assert header.foreground().color().name().upper() == theme.TRAIN_COLOR


def test_memory_chart_stacks_the_breakdown_and_exports(view, summary_factory, tmp_path):
    chart = view.memory_chart
    assert chart.values == {} and "Run the model" in chart.note()
    kw = dict(mem_params_bytes=4 << 20, mem_inputs_bytes=1 << 20, mem_activations_bytes=8 << 20,
              mem_method="tensor sizes")
    view.add_summary(summary_factory("train", mem_grads_bytes=4 << 20,
                                     mem_optimizer_bytes=8 << 20, **kw))
    assert set(chart.values) == {"train"} and "No inference run yet" in chart.note()
    view.add_summary(summary_factory("infer", mem_grads_bytes=0, mem_optimizer_bytes=0, **kw))
    assert chart.note() == "" and chart.unit == "MiB"
    assert sum(chart.values["train"].values()) == 25 << 20
    assert "tensor sizes" in chart.method
    for suffix in ("png", "svg"):
        path = tmp_path / f"memory.{suffix}"
        chart.export_to(str(path))
        assert path.stat().st_size > 1000


def test_objective_chart_shows_the_loss_and_what_the_model_learnt(view, summary_factory,
                                                                  tmp_path):
    chart = view.objective_chart
    assert "Run training" in chart.note()
    curve = tuple((float(i), 2.3 - 0.1 * i) for i in range(1, 11))
    view.add_summary(summary_factory("train", loss_curve=curve, heldout_accuracy=0.75,
                                     heldout_chance=0.1, param_change_l2=12.5,
                                     param_change_rel=0.3))
    assert chart.note() == "" and list(chart.curve.yData) == [v for _, v in curve]
    assert chart.lines == ["accuracy after training 75%", "chance 10% · ‖Δθ‖₂ 12.5"]
    view.add_summary(summary_factory("infer", heldout_accuracy=0.75, heldout_chance=0.1,
                                     param_change_l2=0.0, weights_from="trained 13 steps"))
    assert chart.lines[1] == "inference (trained weights) 75%"
    assert chart.lines[2].endswith("‖Δθ‖₂ 12.5 / 0")
    assert chart.phase_items()  # the 3 warm-up steps are shaded
    path = tmp_path / "objective.png"
    chart.export_to(str(path))
    assert path.stat().st_size > 1000


def test_an_inference_that_used_another_trainings_weights_is_flagged(view, summary_factory,
                                                                     qtbot):
    # A newer training run beside an inference that loaded an older training's weights.
    view.add_summary(summary_factory("train", saved_weights_id="new", heldout_accuracy=0.8))
    view.add_summary(summary_factory("infer", weights_from="trained 13 steps",
                                     weights_from_id="old", heldout_accuracy=0.6))
    assert "inference used another training run's weights" in view.title()
    label = view.findChild(type(view._pair_label), "compare_pair")
    view.show()
    view.resize(900, 600)  # a narrow window: the note is cut with an ellipsis, kept whole
    qtbot.waitUntil(lambda: QLabel.text(label).endswith("…"), timeout=2000)
    assert label.text().startswith("inference used")
    assert view.objective_chart.lines[1] == "inference (another training's weights) 60%"
    view.add_summary(summary_factory("infer", weights_from="trained 20 steps",
                                     weights_from_id="new", heldout_accuracy=0.8))
    assert "another training run" not in view.title()
    assert view.objective_chart.lines[1] == "inference (this training's weights) 80%"


def test_verdicts_for_rows_and_for_the_lists(view, summary_factory):
    from gui.compare.compare_view import COL_VERDICT

    assert view.claims.rowCount() == 8
    assert "not measurable yet" in view.claims.item(0, 2).text()
    view.add_summary(summary_factory("train"))
    view.add_summary(summary_factory("infer"))
    rows = view.row_ids()
    objective = view.cell_text(rows.index("objective"), COL_VERDICT)
    assert objective.startswith("✔ confirmed")
    energy = view.cell_text(rows.index("energy_consumption"), COL_VERDICT)
    assert energy.startswith("–") and "NVIDIA GPUs only" in energy  # CPU summaries
    texts = [view.claims.item(r, 1).text() for r in range(8)]
    assert any(t.startswith("Intensivo computacionalmente") for t in texts)  # as written
    view.set_language("en")
    assert any(view.claims.item(r, 1).text().startswith("Compute-intensive") for r in range(8))


def test_table_exports_as_slide_png_and_text(view, summary_factory, tmp_path):
    from PySide6.QtGui import QImage

    view.add_summary(summary_factory("train"))
    view.add_summary(summary_factory("infer"))
    png = view.export_table_to(str(tmp_path / "slide.png"))
    image = QImage(png)
    assert (image.width(), image.height()) == (1920, 1080)
    for suffix in ("md", "html", "csv"):
        path = view.export_table_to(str(tmp_path / f"t.{suffix}"))
        text = open(path, encoding="utf-8").read()  # noqa: SIM115
        assert "Objetivo" in text and "confirmed" in text
    with pytest.raises(ValueError):
        view.export_table_to(str(tmp_path / "t.docx"))
