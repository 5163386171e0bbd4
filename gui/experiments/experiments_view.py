"""The Experiments tab: run a guided experiment, follow its cases, read its table and chart.

An experiment (:data:`engine.claims.experiments.EXPERIMENTS`, listed from the dict so new ones
appear by themselves) is several runs that test one claim of the document. The tab asks
for the model, device and seconds per case, runs the cases through
:class:`~gui.experiments.runner.ExperimentRunner` (a worker thread; every case is stored
like any run, so it appears in History), shows which case is running with its phase and
throughput, and at the end fills the result table (cases that could not run are marked)
and the experiment's chart (:mod:`gui.experiments.charts`). The table exports as CSV or
Markdown, the chart as PNG or SVG; ``train-vs-infer`` can be opened in the Compare tab.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.claims.experiments import EXPERIMENTS, CaseResult, ExperimentResult, status_text
from engine.claims.verdicts import Verdict
from engine.core.catalog import CATALOG
from engine.core.config import MAX_SECONDS, ConfigError
from engine.core.events import Failed, Notice, Phase, Started, StepStats, Summary
from engine.session.devices import DevicesReport
from gui.experiments import export as experiment_export
from gui.experiments.charts import ExperimentCharts
from gui.experiments.runner import ExperimentRunner
from gui.run_panel import add_device_items
from gui.widgets import theme
from gui.widgets.units import fmt_ms, fmt_rate

DEFAULT_SECONDS = 8.0
"""Measured seconds per case offered at first (the engine's default)."""
CHART_MIN_SHARE = 0.35
"""Share of the table/chart splitter the chart keeps when the table is fitted to its rows."""
TABLE_MIN_HEIGHT = 120
"""Height (pixels) the table keeps however few rows it has."""
STATUS_COLORS = {
    "not_available": (theme.NA_TEXT, "#F1F3F5"),
    "stopped": (theme.NA_TEXT, "#F8F9FA"),
    "out_of_memory": (theme.ERROR_BORDER, theme.ERROR_BG),
    "failed": (theme.ERROR_BORDER, theme.ERROR_BG),
}
"""Text and background colours of a table row whose case did not give a result."""
_BAD_STYLE = "border: 2px solid " + theme.ERROR_BORDER + ";"


class ExperimentsView(QWidget):
    """The Experiments tab.

    Args:
        devices: What NVML found (the device choices).
        store: Where each case is recorded; ``None`` keeps nothing.
        session_factory: Makes the session of each case (the window's NVML and store;
            a fake in tests); ``None``: the engine's default.
        on_error: The window's one error handler, ``(message, hint)``.
        is_busy: Returns why an experiment cannot start now (``""``: it can), e.g. a run
            is in progress in the Live tab.
        trained: The window's :class:`engine.session.handover.TrainedWeights`: weights an
            experiment trains serve the Live tab's next inference run of that model.

    Signals:
        finished(object): An :class:`~engine.claims.experiments.ExperimentResult` was shown.
        compare_requested(object, object, str): ``(training Summary, inference Summary,
            label)``: show this pair in the Compare tab.
        notice(str, str): ``(message, hint)`` of a case's notice (not an error).
        running_changed(bool): An experiment started or ended.
    """

    finished = Signal(object)
    compare_requested = Signal(object, object, str)
    notice = Signal(str, str)
    running_changed = Signal(bool)

    def __init__(
        self,
        devices: DevicesReport,
        store: Any = None,
        session_factory: Callable[[], Any] | None = None,
        on_error: Callable[[str, str], None] | None = None,
        is_busy: Callable[[], str] | None = None,
        parent: QWidget | None = None,
        trained: Any = None,
    ) -> None:
        super().__init__(parent)
        self._on_error = on_error
        self._is_busy = is_busy
        self.runner = ExperimentRunner(store, session_factory, self, trained)
        self.result: ExperimentResult | None = None
        self._labels: list[str] = []
        self._modes: list[str] = []
        self._partial: list[CaseResult] = []  # cases measured so far, for the chart
        self._run: tuple[str, str, str] = ("", "", "")  # experiment, model, device
        self._current = -1
        self._phase = ""
        self._unit = ""
        self._running = False

        self.experiment_combo = QComboBox()
        self.experiment_combo.setObjectName("experiment_combo")
        for exp in EXPERIMENTS.values():
            self.experiment_combo.addItem(f"{exp.name} — {exp.title}", exp.name)
            self.experiment_combo.setItemData(self.experiment_combo.count() - 1,
                                              exp.claim, Qt.ToolTipRole)
        self.description = QLabel()
        self.description.setObjectName("experiment_description")
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.RichText)
        self.description.setStyleSheet("color: #495057;")

        self.model_combo = QComboBox()
        self.model_combo.setObjectName("experiment_model")
        for info in CATALOG.values():
            self.model_combo.addItem(info.title, info.id)
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("experiment_device")
        add_device_items(self.device_combo, devices)
        for combo in (self.experiment_combo, self.model_combo, self.device_combo):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        self.seconds_spin = QDoubleSpinBox()
        self.seconds_spin.setObjectName("experiment_seconds")
        self.seconds_spin.setDecimals(1)
        self.seconds_spin.setRange(0.5, MAX_SECONDS)
        self.seconds_spin.setValue(DEFAULT_SECONDS)
        self.seconds_spin.setSuffix(self.tr(" s"))
        self.seconds_spin.setToolTip(self.tr("Measured seconds of each case, after its "
                                             "warm-up"))
        self.run_button = QPushButton(self.tr("Run experiment"))
        self.run_button.setObjectName("experiment_run")
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setObjectName("experiment_stop")
        self.stop_button.setToolTip(self.tr("Stop the case in progress and skip the rest"))
        self.stop_button.setEnabled(False)

        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("Experiment")), 0, 0)
        grid.addWidget(self.experiment_combo, 0, 1, 1, 7)
        grid.addWidget(self.description, 1, 1, 1, 7)
        grid.addWidget(QLabel(self.tr("Model")), 2, 0)
        grid.addWidget(self.model_combo, 2, 1)
        grid.addWidget(QLabel(self.tr("Device")), 2, 2)
        grid.addWidget(self.device_combo, 2, 3)
        grid.addWidget(QLabel(self.tr("Seconds per case")), 2, 4)
        grid.addWidget(self.seconds_spin, 2, 5)
        grid.addWidget(self.run_button, 2, 6)
        grid.addWidget(self.stop_button, 2, 7)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 2)
        box = QGroupBox(self.tr("Guided experiment"))
        box.setLayout(grid)

        self.progress = QProgressBar()
        self.progress.setObjectName("experiment_progress")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(220)
        self.status_label = QLabel(self.tr("Choose an experiment and press Run."))
        self.status_label.setObjectName("experiment_status")
        bold = QFont(self.status_label.font())
        bold.setBold(True)
        self.status_label.setFont(bold)
        self.live_label = QLabel()
        self.live_label.setObjectName("experiment_live")
        self.live_label.setStyleSheet("color: #495057;")
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress)
        progress_row.addWidget(self.status_label)
        progress_row.addWidget(self.live_label, 1)

        self.result_title = QLabel()
        self.result_title.setObjectName("experiment_result_title")
        self.result_title.setFont(bold)
        self.csv_button = QPushButton(self.tr("Export CSV…"))
        self.csv_button.setObjectName("experiment_export_csv")
        self.csv_button.setToolTip(self.tr("Save the table as CSV"))
        self.md_button = QPushButton(self.tr("Export Markdown…"))
        self.md_button.setObjectName("experiment_export_md")
        self.md_button.setToolTip(self.tr("Save the table, with the claim it tests, as "
                                          "Markdown"))
        self.compare_button = QPushButton(self.tr("Show in Compare tab"))
        self.compare_button.setObjectName("experiment_compare")
        self.compare_button.setToolTip(self.tr("Compare the two runs with the document's "
                                               "tables, verdicts and memory breakdown"))
        self.compare_button.setVisible(False)
        table_head = QHBoxLayout()
        table_head.addWidget(self.result_title, 1)
        table_head.addWidget(self.compare_button)
        table_head.addWidget(self.csv_button)
        table_head.addWidget(self.md_button)

        self.table = QTableWidget(0, 0)
        self.table.setObjectName("experiment_table")
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().sectionResized.connect(
            lambda *_a: self.table.resizeRowsToContents())
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("experiment_verdict")
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.verdict_label.setVisible(False)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addLayout(table_head)
        table_layout.addWidget(self.table, 1)

        self.charts = ExperimentCharts(on_error)
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(table_box)
        splitter.addWidget(self.charts)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 420])
        self.splitter = splitter
        self._table_box = table_box

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(box)
        layout.addLayout(progress_row)
        layout.addWidget(self.verdict_label)  # the experiment's answer, above its evidence
        layout.addWidget(splitter, 1)

        self._field_widgets: dict[str, QWidget] = {
            "model": self.model_combo,
            "device": self.device_combo,
            "seconds": self.seconds_spin,
            "experiment": self.experiment_combo,
        }
        self.experiment_combo.currentIndexChanged.connect(self._on_experiment_changed)
        for widget in self._field_widgets.values():
            signal = getattr(widget, "currentIndexChanged", None) or widget.valueChanged
            signal.connect(lambda *_a, w=widget: w.setStyleSheet(""))
        self.run_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.csv_button.clicked.connect(lambda: self._export_with_dialog("csv"))
        self.md_button.clicked.connect(lambda: self._export_with_dialog("md"))
        self.compare_button.clicked.connect(self._request_compare)
        queued = Qt.QueuedConnection  # the runner emits from its worker thread
        self.runner.planned.connect(self._on_planned, queued)
        self.runner.event.connect(self._on_event, queued)
        self.runner.case_done.connect(self._on_case_done, queued)
        self.runner.finished.connect(self._on_finished, queued)
        self.runner.failed.connect(self._on_failed, queued)
        self._on_experiment_changed()
        self._show_result(None)

    # -- the form --------------------------------------------------------------------
    @property
    def experiment(self) -> str:
        """The selected experiment's id."""
        return str(self.experiment_combo.currentData())

    @property
    def model_id(self) -> str:
        """The selected model's catalog id."""
        return str(self.model_combo.currentData())

    @property
    def device(self) -> str:
        """``"auto"``, ``"cpu"`` or ``"cuda:N"``."""
        return str(self.device_combo.currentData())

    @property
    def running(self) -> bool:
        """True from Run until the result (or the failure) has been shown."""
        return self._running

    def set_experiment(self, name: str) -> None:
        """Select experiment ``name`` (and its default model).

        Raises:
            KeyError: Unknown experiment.
        """
        index = self.experiment_combo.findData(name)
        if index < 0:
            raise KeyError(name)
        self.experiment_combo.setCurrentIndex(index)

    def set_model(self, model_id: str) -> None:
        """Select ``model_id``.

        Raises:
            KeyError: Unknown model.
        """
        index = self.model_combo.findData(model_id)
        if index < 0:
            raise KeyError(model_id)
        self.model_combo.setCurrentIndex(index)

    def set_device(self, device: str) -> None:
        """Select ``device`` if it is listed (``"auto"``, ``"cpu"``, ``"cuda:N"``)."""
        index = self.device_combo.findData(device)
        if index >= 0:
            self.device_combo.setCurrentIndex(index)

    def set_seconds(self, seconds: float) -> None:
        """Measured seconds per case."""
        self.seconds_spin.setValue(seconds)

    def _on_experiment_changed(self, *_args: object) -> None:
        exp = EXPERIMENTS[self.experiment]
        self.set_model(exp.default_model)
        self.description.setText(
            f"<b>{escape(exp.title, quote=False)}</b><br>"
            + escape(self.tr("Tests the claim: “{0}”. Each case is a run of its own, kept "
                             "in History.").format(exp.claim), quote=False)
        )
        self.experiment_combo.setToolTip(exp.claim)
        if not self._running and self.result is None:
            self.charts.show_kind(exp.name)

    # -- run control -----------------------------------------------------------------
    def start(self) -> bool:
        """Run the experiment the form describes; returns False (and reports why) if not."""
        if self._running:
            return False
        busy = self._is_busy() if self._is_busy is not None else ""
        if busy:
            self._report(busy, self.tr("Wait for it to end, or stop it, then run the "
                                       "experiment."))
            return False
        name, model = self.experiment, self.model_id
        try:
            self.runner.start(name, model, self.device, self.seconds_spin.value())
        except ConfigError as exc:
            self._report(exc.message, self.tr("Change the “{0}” setting and run the "
                                              "experiment again.").format(exc.field),
                         exc.field)
            return False
        except RuntimeError as exc:
            self._report(str(exc), self.tr("Wait for the experiment to end."))
            return False
        self._labels, self._current, self._phase, self._unit = [], -1, "", ""
        self._partial, self._run = [], (name, model, self.device)
        self.result = None
        self._show_result(None)
        self.charts.show_kind(name)
        self.charts.reset()
        self.progress.setRange(0, 0)  # busy until the plan is known
        self.status_label.setText(self.tr("Planning the cases…"))
        self.live_label.setText("")
        self._set_running(True)
        return True

    def stop(self) -> None:
        """Stop the case in progress (within about a second) and skip the cases after it."""
        if not self._running:
            return
        self.runner.stop()
        self.stop_button.setEnabled(False)
        self.status_label.setText(self._case_text(self.tr("stopping…")))

    def shutdown(self) -> None:
        """Stop any experiment and join its thread (the window is closing)."""
        self.runner.shutdown()
        self._running = False

    def _set_running(self, running: bool) -> None:
        self._running = running
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        for widget in self._field_widgets.values():
            widget.setEnabled(not running)
        self.running_changed.emit(running)

    def _report(self, message: str, hint: str, field: str | None = None) -> None:
        widget = self._field_widgets.get(field or "")
        if widget is not None:
            widget.setStyleSheet(_BAD_STYLE)
        if self._on_error is not None:
            self._on_error(message, hint)

    # -- progress (GUI thread, queued from the runner) -------------------------------
    def _case_text(self, what: str) -> str:
        if not self._labels or self._current < 0:
            return what
        return self.tr("case {0} of {1}: {2} — {3}").format(
            self._current + 1, len(self._labels), self._labels[self._current], what)

    def _on_planned(self, cases: list[tuple[str, str]]) -> None:
        self._labels = [label for label, _mode in cases]
        self._modes = [mode for _label, mode in cases]
        self.progress.setRange(0, max(1, len(cases)))
        self.progress.setValue(0)
        self.status_label.setText(self.tr("{0} cases; starting the first…").format(len(cases)))
        self._fill_case_table()

    def _on_event(self, label: str, ev: object) -> None:
        if not self._running:
            return
        if label in self._labels:
            index = self._labels.index(label)
            if index != self._current:
                for skipped in range(self._current + 1, index):  # told by case_done
                    if self.cell_text(skipped, 3) == self.tr("waiting"):
                        self._set_case_cells(skipped, self.tr("not run"), done=True)
                self._current, self._phase, self._unit = index, "", ""
                self.progress.setValue(index)
                self.live_label.setText("")
        if isinstance(ev, Started):
            self._unit = ev.sample_unit
        elif isinstance(ev, Phase):
            self._phase = ev.name
        elif isinstance(ev, StepStats):
            self.live_label.setText(self._step_text(ev))
            self._set_case_cells(self._current, rate=self._rate_text(ev.tokens_per_s,
                                                                     ev.samples_per_s),
                                 step=fmt_ms(ev.step_ms))
        elif isinstance(ev, Summary):
            self._phase = "done"
            self.progress.setValue(self._current + 1)
            rate = self._rate_text(ev.tokens_per_s, ev.samples_per_s, ev.sample_unit)
            if ev.generated_tokens and ev.decode_tokens_per_s is not None:
                rate = fmt_rate(ev.decode_tokens_per_s, self.tr("tokens/s"))
            self._set_case_cells(self._current, self.tr("stopped early") if ev.stopped_early
                                 else self.tr("measured"), rate, fmt_ms(ev.step_ms_median),
                                 done=True)
            self._chart_so_far(label, ev)
        elif isinstance(ev, Failed):
            self._phase = "failed"
            self.live_label.setText(ev.message)
            self.progress.setValue(self._current + 1)
            self._set_case_cells(self._current, ev.message, done=True, failed=True)
        elif isinstance(ev, Notice):
            self.notice.emit(ev.message, ev.hint)
        if self.runner.stop_requested:
            self.status_label.setText(self._case_text(self.tr("stopping…")))
        else:
            self.status_label.setText(self._case_text(self._phase_text()))
        if self._phase not in ("done", "failed") and self._current >= 0:
            self._set_case_cells(self._current, self._phase_text())

    def _on_case_done(self, case: CaseResult) -> None:
        """A case that did not run, or failed, says why at once (not at the end)."""
        if not self._running or case.label not in self._labels:
            return
        if case.status in ("not_available", "out_of_memory", "failed"):
            self._set_case_cells(self._labels.index(case.label), status_text(case), done=True,
                                 failed=case.status != "not_available")

    def _phase_text(self) -> str:
        names = {
            "": self.tr("starting"),
            "build": self.tr("building"),
            "warmup": self.tr("warm-up"),
            "measure": self.tr("measuring"),
            "done": self.tr("done"),
            "failed": self.tr("did not finish"),
        }
        return names.get(self._phase, self._phase)

    def _rate_text(self, tokens_per_s: float | None, samples_per_s: float,
                   unit: str = "") -> str:
        if tokens_per_s is not None:
            return fmt_rate(tokens_per_s, self.tr("tokens/s"))
        return fmt_rate(samples_per_s, f"{unit or self._unit or self.tr('samples')}/s")

    def _step_text(self, ev: StepStats) -> str:
        rate = self._rate_text(ev.tokens_per_s, ev.samples_per_s)
        step = self.tr("warm-up step {0}") if ev.phase == "warmup" else self.tr("step {0}")
        parts = [step.format(ev.step), rate, fmt_ms(ev.step_ms)]
        if ev.loss is not None:
            parts.append(self.tr("loss {0:.4f}").format(ev.loss))
        return "   ·   ".join(parts)

    def _on_finished(self, result: ExperimentResult) -> None:
        self._set_running(False)
        self.result = result
        counts = {s: sum(c.status == s for c in result.cases)
                  for s in ("ok", "not_available", "out_of_memory", "failed", "stopped")}
        n = len(result.cases)
        self.progress.setRange(0, max(1, n))
        self.progress.setValue(max(1, n))
        parts = [self.tr("{0} of {1} cases measured").format(counts["ok"], n)]
        if counts["not_available"]:
            parts.append(self.tr("{0} not available here").format(counts["not_available"]))
        if counts["out_of_memory"]:
            parts.append(self.tr("{0} out of memory").format(counts["out_of_memory"]))
        if counts["failed"]:
            parts.append(self.tr("{0} failed").format(counts["failed"]))
        if counts["stopped"]:
            parts.append(self.tr("{0} stopped").format(counts["stopped"]))
        head = self.tr("Stopped") if result.stopped else self.tr("Done")
        self.status_label.setText(f"{head}: {', '.join(parts)}")
        self.live_label.setText("")
        self._show_result(result)
        self.charts.set_result(result)
        self.finished.emit(result)

    def _on_failed(self, message: str, hint: str, field: str) -> None:
        self._set_running(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status_label.setText(self.tr("The experiment did not run."))
        self.live_label.setText("")
        self._report(message, hint, field or None)

    # -- the cases while they run -----------------------------------------------------
    def _fill_case_table(self) -> None:
        """One row per planned case: its status and latest throughput and step time."""
        exp = EXPERIMENTS[self.experiment]
        self.result_title.setText(self.tr("{0} — cases").format(exp.title))
        self.table.clear()
        self.table.setColumnCount(4)
        self.table.setRowCount(len(self._labels))
        self.table.setHorizontalHeaderLabels(
            [self.tr("case"), self.tr("throughput"), self.tr("step time"), self.tr("status")])
        for r, (label, mode) in enumerate(zip(self._labels, self._modes)):
            for c, text in enumerate((label, "", "", self.tr("waiting"))):
                item = QTableWidgetItem(text)
                item.setBackground(QBrush(QColor(theme.mode_tint(mode))))
                self.table.setItem(r, c, item)
        self._size_columns(4)
        header = self.table.horizontalHeader()
        header.resizeSection(1, max(header.sectionSize(1), 150))  # filled in later
        self.table.resizeRowsToContents()
        self._fit_table()

    def _chart_so_far(self, label: str, summary: Summary) -> None:
        """Draw the cases measured so far (the final result replaces them)."""
        status = "stopped" if summary.stopped_early else "ok"
        self._partial.append(CaseResult(label, summary.mode, status, summary))
        name, model, device = self._run
        self.charts.set_result(ExperimentResult(name, model, device, list(self._partial)))

    def _set_case_cells(self, row: int, status: str | None = None, rate: str | None = None,
                        step: str | None = None, *, done: bool = False,
                        failed: bool = False) -> None:
        if not 0 <= row < self.table.rowCount() or self.table.columnCount() != 4:
            return
        for col, text in ((1, rate), (2, step), (3, status)):
            item = self.table.item(row, col)
            if item is not None and text is not None:
                item.setText(text)
        for col in range(4):
            item = self.table.item(row, col)
            if item is None:
                continue
            font = item.font()
            font.setBold(not done)
            item.setFont(font)
            if failed:
                item.setForeground(QBrush(QColor(theme.ERROR_BORDER)))

    def _size_columns(self, count: int) -> None:
        header = self.table.horizontalHeader()
        last = count - 1
        for c in range(last):
            header.setSectionResizeMode(c, QHeaderView.Interactive)
            self.table.resizeColumnToContents(c)
            header.resizeSection(c, min(max(header.sectionSize(c), 90), 260))
        if last >= 0:  # the last column (notes, verdicts) takes the rest and wraps
            header.setSectionResizeMode(last, QHeaderView.Stretch)
        self.table.resizeRowsToContents()

    # -- the result ------------------------------------------------------------------
    def _show_result(self, result: ExperimentResult | None) -> None:
        has = result is not None
        self.csv_button.setEnabled(has)
        self.md_button.setEnabled(has)
        self.compare_button.setVisible(self._pair(result) is not None)
        self._show_verdict(result.verdict if result is not None else None)
        if result is None:
            self.result_title.setText(self.tr("Result"))
            self.table.clear()
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            return
        exp = EXPERIMENTS.get(result.name)
        title = exp.title if exp is not None else result.name
        self.result_title.setText(self.tr("{0} — {1} on {2}").format(
            title, CATALOG[result.model].title if result.model in CATALOG else result.model,
            result.device))
        self._fill_table(result)
        self._fit_table()

    def _show_verdict(self, verdict: Verdict | None) -> None:
        """The experiment's verdict on its claim, coloured as in the Compare tab."""
        self.verdict_label.setVisible(verdict is not None)
        if verdict is None:
            self.verdict_label.clear()
            return
        self.verdict_label.setText(f"{theme.VERDICT_MARKS[verdict.status]} {verdict.text}")
        self.verdict_label.setStyleSheet(f"color: {theme.VERDICT_COLORS[verdict.status]};")
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the splitter gives up the label's height now, not later

    def verdict_text(self) -> str:
        """The verdict shown under the result title (``""`` when none)."""
        return self.verdict_label.text() if self.verdict_label.isVisibleTo(self) else ""

    def _fit_table(self) -> None:
        """Move the splitter so the table shows all its rows without scrolling.

        The chart keeps at least :data:`CHART_MIN_SHARE` of the height (a long table
        scrolls), and a short table gives its spare room to the chart.
        """
        total = sum(self.splitter.sizes())
        if total <= 0 or not self.table.isVisible():
            return  # not laid out yet: the default sizes stay
        table = self.table
        needed = (self._table_box.height() - table.height()  # the title row above it
                  + table.horizontalHeader().height()
                  + table.verticalHeader().length() + 2 * table.frameWidth() + 2)
        if table.horizontalScrollBar().isVisible():
            needed += table.horizontalScrollBar().height()
        top = max(min(TABLE_MIN_HEIGHT, total // 2),
                  min(needed, int(total * (1 - CHART_MIN_SHARE))))
        self.splitter.setSizes([top, total - top])

    def _fill_table(self, result: ExperimentResult) -> None:
        self.table.clear()
        self.table.setColumnCount(len(result.columns))
        self.table.setRowCount(len(result.rows))
        self.table.setHorizontalHeaderLabels(result.columns)
        per_case = len(result.rows) == len(result.cases)
        for r, row in enumerate(result.rows):
            case = result.cases[r] if per_case else None
            fg = bg = None
            if case is not None and case.status in STATUS_COLORS:
                fg, bg = (QBrush(QColor(c)) for c in STATUS_COLORS[case.status])
            elif case is not None:
                bg = QBrush(QColor(theme.mode_tint(case.mode)))
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignLeft | Qt.AlignVCenter)
                if case is not None:
                    item.setData(Qt.UserRole, case.status)
                    if case.message:
                        item.setToolTip(case.message)
                if bg is not None:
                    item.setBackground(bg)
                if fg is not None:
                    item.setForeground(fg)
                    if case is not None and case.status == "not_available":
                        font = item.font()
                        font.setItalic(True)
                        item.setFont(font)
                self.table.setItem(r, c, item)
        self._size_columns(len(result.columns))

    def row_statuses(self) -> list[str]:
        """The case status of each table row (``""`` where rows are not cases)."""
        out = []
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            out.append(str(item.data(Qt.UserRole) or "") if item is not None else "")
        return out

    def cell_text(self, row: int, col: int) -> str:
        """Text of one table cell (``""`` if empty)."""
        item = self.table.item(row, col)
        return item.text() if item is not None else ""

    # -- exports and the Compare tab -------------------------------------------------
    def export_table_to(self, path: str) -> str:
        """Write the result table to ``path`` (``.csv`` or ``.md``).

        Raises:
            ValueError: Another suffix, or no result yet.
            OSError: The file cannot be written.
        """
        if self.result is None:
            raise ValueError("there is no result to export yet")
        return str(experiment_export.write_table(self.result, path))

    def _export_with_dialog(self, fmt: str) -> None:
        if self.result is None:
            return
        path = experiment_export.ask_table_path(
            self, experiment_export.suggested_name(self.result, fmt), fmt)
        if not path:
            return
        try:
            self.export_table_to(path)
        except (ValueError, OSError) as exc:
            self._report(self.tr("Could not export the table: {0}").format(exc),
                         self.tr("Choose a folder you can write to and a .csv or .md name."))

    @staticmethod
    def _pair(result: ExperimentResult | None) -> tuple[Summary, Summary] | None:
        if result is None or result.name != "train-vs-infer":
            return None
        by_mode = {c.mode: c.summary for c in result.cases if c.summary is not None}
        train, infer = by_mode.get("train"), by_mode.get("infer")
        return (train, infer) if train is not None and infer is not None else None

    def _request_compare(self) -> None:
        pair = self._pair(self.result)
        if pair is None or self.result is None:
            return
        ids = [c.run_id for c in self.result.cases]
        label = (self.tr("experiment runs #{0} and #{1}").format(*ids)
                 if all(i is not None for i in ids) and len(ids) == 2
                 else self.tr("experiment train-vs-infer"))
        self.compare_requested.emit(pair[0], pair[1], label)
