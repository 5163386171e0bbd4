"""The History tab: stored runs listed, filtered, renamed, tagged, deleted and brought back."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from engine.session.store.db import Store
from gui.history.history_view import (
    COL_DATE,
    COL_ENERGY,
    COL_MODE,
    COL_NAME,
    COL_RATE,
    COL_STATUS,
    COL_STEP,
    COL_TAGS,
    HistoryView,
)
from gui.main_window import MainWindow

from .conftest import no_driver_nvml


@pytest.fixture
def runs(store, stored_run):
    now = time.time()
    return {
        "train": stored_run(store, "train", started_unix_s=now - 300),
        "infer": stored_run(store, "infer", started_unix_s=now - 200),
        "gpu": stored_run(store, "train", "resnet18", gpu=True, started_unix_s=now - 100),
        "broken": stored_run(store, "infer", "resnet18", status="interrupted",
                             started_unix_s=now - 50),
    }


@pytest.fixture
def history(qtbot, store, runs, reported):
    view = HistoryView(store)
    view.errors = reported
    qtbot.addWidget(view)
    return view


def test_runs_are_listed_newest_first_with_their_key_numbers(history, runs):
    assert history.run_ids() == [runs["broken"], runs["gpu"], runs["infer"], runs["train"]]
    row = history.row_of(runs["train"])
    assert history.cell_text(row, COL_MODE) == "training · batch 64"  # fp32 and eager: unsaid
    assert history.cell_text(row, COL_RATE) == "1,280 vectors/s"
    assert history.cell_text(row, COL_STEP) == "50.0 ms"
    assert history.cell_text(row, COL_ENERGY) == "N/A"  # a CPU run: no energy reading
    assert history.cell_text(row, COL_DATE)[:2] == "20"
    gpu = history.row_of(runs["gpu"])
    assert history.cell_text(gpu, COL_ENERGY) == "137 mJ/vector"  # the engine's formatter
    assert "NVIDIA H200" in history.cell_text(gpu, 4)
    assert not history.errors


def test_interrupted_runs_are_marked(history, runs):
    row = history.row_of(runs["broken"])
    status = history.cell_text(row, COL_STATUS)
    assert "interrupted" in status and "⚠" in status
    assert history.cell_data(row, COL_STATUS, Qt.FontRole).bold()
    assert history.cell_data(row, COL_STATUS, Qt.ToolTipRole)
    assert history.cell_data(row, COL_DATE, Qt.BackgroundRole).color().name() != "#000000"
    assert history.cell_text(row, COL_RATE) == "—"  # no summary


def test_filter_narrows_the_list(history, runs, qtbot):
    qtbot.keyClicks(history.filter_edit, "resnet18")
    assert set(history.run_ids()) == {runs["gpu"], runs["broken"]}
    history.filter_edit.setText("mlp infer")
    assert history.run_ids() == [runs["infer"]]
    # the settings are words too: precision, batch size, input size
    history.filter_edit.setText("fp32 batch 64 train")
    assert set(history.run_ids()) == {runs["train"], runs["gpu"]}
    history.filter_edit.setText("mlp input 784")
    assert set(history.run_ids()) == {runs["train"], runs["infer"]}
    history.filter_edit.setText("nothing-like-this")
    assert history.row_count() == 0 and "No run matches" in history.empty_label.text()
    history.filter_edit.clear()
    assert history.row_count() == 4


def test_rename_in_place_and_find_by_name(history, runs, store, qtbot):
    row = history.row_of(runs["train"])
    index = history.proxy.index(row, COL_NAME)
    assert history.proxy.setData(index, "baseline")  # what an inline edit commits
    qtbot.waitUntil(lambda: store.get(runs["train"]).name == "baseline", timeout=2000)
    assert history.cell_text(history.row_of(runs["train"]), COL_NAME) == "baseline"
    history.filter_edit.setText("baseline")
    assert history.run_ids() == [runs["train"]]


def test_rename_action_opens_the_editor(history, runs, qtbot):
    history.show()
    history.select_ids([runs["infer"]])
    assert history.action("rename").isEnabled()
    history.action("rename").trigger()
    assert history.table.state() == history.table.State.EditingState
    editor = history.table.viewport().findChild(QLineEdit)
    qtbot.keyClicks(editor, "fast one")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: history.record(runs["infer"]).name == "fast one", timeout=2000)


def test_tags_are_comma_separated_and_filterable(history, runs, store, qtbot):
    history.set_tags(runs["gpu"], ["h200", " talk ", ""])
    assert store.get(runs["gpu"]).tags == ["h200", "talk"]
    row = history.row_of(runs["gpu"])
    assert history.cell_text(row, COL_TAGS) == "h200, talk"
    history.proxy.setData(history.proxy.index(row, COL_TAGS), "talk, demo")
    qtbot.waitUntil(lambda: store.get(runs["gpu"]).tags == ["demo", "talk"], timeout=2000)
    history.filter_edit.setText("demo")
    assert history.run_ids() == [runs["gpu"]]


def test_actions_follow_the_selection(history, runs):
    history.select_ids([])
    assert not history.action("open").isEnabled()
    history.select_ids([runs["train"]])
    assert history.action("open").isEnabled() and not history.action("overlay").isEnabled()
    assert not history.action("compare").isEnabled()
    history.select_ids([runs["train"], runs["infer"]])
    assert history.action("overlay").isEnabled() and history.action("compare").isEnabled()
    assert history.compare_pair() == (runs["train"], runs["infer"])
    history.select_ids([runs["train"], runs["gpu"]])  # two training runs
    assert not history.action("compare").isEnabled()
    history.select_ids([runs["gpu"], runs["broken"]])  # the inference run has no summary
    assert history.compare_pair() is None


def test_delete_then_undo_from_the_banner(qtbot, qloop, store, runs):
    win = MainWindow(nvml=no_driver_nvml(), store=store)
    qtbot.addWidget(win)
    win.show()
    history = win.history
    history.select_ids([runs["train"], runs["infer"]])
    history.action("delete").trigger()
    assert set(history.run_ids()) == {runs["gpu"], runs["broken"]}
    assert win.banner.kind() == "info" and "Deleted 2" in win.banner.message()
    assert win.banner.action_text() == "Undo"
    qtbot.mouseClick(win.banner.action_button, Qt.LeftButton)
    assert set(history.run_ids()) == set(runs.values())
    assert set(history.selected_ids()) == {runs["train"], runs["infer"]}
    assert not win.banner.isVisible()

    history.select_ids([runs["broken"]])
    history.action("delete").trigger()
    assert runs["broken"] not in history.run_ids()
    win.close()  # deleted runs are removed for good when the window closes
    again = Store(store.data_dir)
    try:
        kept = {r.id for r in again.list_runs(include_deleted=True)}
    finally:
        again.close()
    assert kept == {runs["train"], runs["infer"], runs["gpu"]}


def test_no_store_says_why(qtbot):
    view = HistoryView(None)
    qtbot.addWidget(view)
    assert view.row_count() == 0 and "could not be opened" in view.empty_label.text()
    assert not view.action("open").isEnabled()


def test_a_refresh_waits_for_an_edit_in_progress(history, runs, qtbot, store, stored_run):
    history.show()
    history.select_ids([runs["train"]])
    history.action("tags").trigger()
    editor = history.table.viewport().findChild(QLineEdit)
    stored_run(store, "infer")  # e.g. a live run ended meanwhile
    history.refresh()
    assert history.row_count() == 4 and history.table.state() == history.table.State.EditingState
    qtbot.keyClicks(editor, "kept")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: history.row_count() == 5, timeout=3000)
    assert store.get(runs["train"]).tags == ["kept"]


def test_a_read_only_store_lists_its_runs_and_says_why_a_change_is_not_saved(
        qtbot, tmp_path, stored_run, reported):
    from stores import read_only

    data = tmp_path / "ro"
    writable = Store(data)
    ids = [stored_run(writable, "train"), stored_run(writable, "infer")]
    writable.close()
    with read_only(data):
        store = Store(data)
        view = HistoryView(store)
        qtbot.addWidget(view)
        assert sorted(view.run_ids()) == ids
        assert all("damaged" not in view.cell_text(view.row_of(i), COL_STATUS) for i in ids)
        view.rename(ids[0], "kept?")
        (message, hint), = reported
        assert "not saved" in message and "read-only" in message
        assert "damaged" not in message + hint and "move" not in (message + hint).lower()
        assert view.cell_text(view.row_of(ids[0]), COL_NAME) == ""
        store.close()
