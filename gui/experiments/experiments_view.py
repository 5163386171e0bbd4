"""The Experiments tab: run a guided experiment, follow its cases, read its table and chart.

An experiment (:data:`engine.claims.experiments.EXPERIMENTS`, listed from the dict so new
ones appear by themselves) is several runs that test one claim of the document. The tab
asks for the model, device and seconds per case, checks the plan
(:func:`engine.claims.experiments.plan_experiment`) and hands it to the window's run
controller, which runs the cases through the same session and bridge as a live run (each
is stored like any run, appears in History, and is plotted in the Live tab). The tab
follows the controller's signals: which case runs, its phase and throughput (a Qt model,
:class:`gui.experiments.models.CasesModel`), and at the end the typed result table
(:class:`gui.experiments.models.ResultModel`), the verdict and the experiment's chart
(:mod:`gui.experiments.charts`). The table exports as CSV or Markdown through the
engine's one exporter; ``train-vs-infer`` opens in the Compare tab.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
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
    QTableView,
    QVBoxLayout,
    QWidget,
)

from engine.claims import export as table_export
from engine.claims.experiment_runner import CaseDone, CaseStarted
from engine.claims.experiments import (
    EXPERIMENTS,
    CaseResult,
    ExperimentPlan,
    ExperimentResult,
    plan_experiment,
    status_msg,
)
from engine.core.catalog import CATALOG
from engine.core.config import MAX_SECONDS, ConfigError, setting
from engine.core.events import Failed, Phase, StepStats, Summary
from engine.core.progress import step_parts
from engine.core.values import millis, msg, rate
from engine.session.devices import DevicesReport
from gui import errors
from gui.experiments import export as experiment_export
from gui.experiments.charts import ExperimentCharts
from gui.experiments.models import STATUS_COLORS, STATUS_ROLE, CasesModel, ResultModel
from gui.run_controller import RunController
from gui.run_panel import add_device_items
from gui.widgets import theme
from gui.widgets.words import said, words

__all__ = ["STATUS_COLORS", "ExperimentsView"]

DEFAULT_SECONDS = 8.0
"""Measured seconds per case offered at first (the engine's default)."""
CHART_MIN_SHARE = 0.35
"""Share of the table/chart splitter the chart keeps when the table is fitted to its rows."""
TABLE_MIN_HEIGHT = 120
"""Height (pixels) the table keeps however few rows it has."""
_BAD_STYLE = "border: 2px solid " + theme.ERROR_BORDER + ";"


class ExperimentsView(QWidget):
    """The Experiments tab.

    Args:
        devices: What NVML found (the device choices).
        controller: The window's run controller (it runs the cases).

    Signals:
        finished(object): An :class:`~engine.claims.experiments.ExperimentResult` was shown.
        compare_requested(object, object, str): ``(training Summary, inference Summary,
            label)``: show this pair in the Compare tab.
    """

    finished = Signal(object)
    compare_requested = Signal(object, object, str)

    def __init__(self, devices: DevicesReport, controller: RunController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.result: ExperimentResult | None = None
        self._plan: ExperimentPlan | None = None
        self._current = -1
        self._phase = ""
        self._unit = ""
        self._partial: list[CaseResult] = []  # cases measured so far, for the chart

        self.experiment_combo = QComboBox()
        self.experiment_combo.setObjectName("experiment_combo")
        for exp in EXPERIMENTS.values():
            self.experiment_combo.addItem(f"{exp.name} — {words(exp.title)}", exp.name)
            self.experiment_combo.setItemData(self.experiment_combo.count() - 1,
                                              words(exp.claim), Qt.ItemDataRole.ToolTipRole)
        self.description = QLabel()
        self.description.setObjectName("experiment_description")
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.RichText)
        self.description.setStyleSheet("color: #495057;")

        self.model_combo = QComboBox()
        self.model_combo.setObjectName("experiment_model")
        for info in CATALOG.values():
            self.model_combo.addItem(info.title, info.id)
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("experiment_device")
        add_device_items(self.device_combo, devices)
        for combo in (self.experiment_combo, self.model_combo, self.device_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
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

        # two rows of settings, not one: one row made the tab 900 px wide in Portuguese,
        # and with the side panel the window wider than a 1280 px projector (issue #12)
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("Experiment")), 0, 0)
        grid.addWidget(self.experiment_combo, 0, 1, 1, 3)
        grid.addWidget(self.description, 1, 1, 1, 3)
        grid.addWidget(QLabel(self.tr("Model")), 2, 0)
        grid.addWidget(self.model_combo, 2, 1)
        grid.addWidget(QLabel(self.tr("Device")), 2, 2)
        grid.addWidget(self.device_combo, 2, 3)
        grid.addWidget(QLabel(self.tr("Seconds per case")), 3, 0)
        grid.addWidget(self.seconds_spin, 3, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.stop_button)
        grid.addLayout(buttons, 3, 2, 1, 2)
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
        self.csv_button.setToolTip(self.tr("Save the table as CSV, numbers in numeric "
                                           "columns with their units"))
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

        self.cases_model = CasesModel(self)
        self.result_model = ResultModel(self)
        self.table = QTableView()
        self.table.setObjectName("experiment_table")
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().sectionResized.connect(
            lambda *_a: self.table.resizeRowsToContents())
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("experiment_verdict")
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict_label.setVisible(False)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addLayout(table_head)
        table_layout.addWidget(self.table, 1)

        self.charts = ExperimentCharts()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("experiments_splitter")
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
        for combo in (self.model_combo, self.device_combo, self.experiment_combo):
            combo.currentIndexChanged.connect(lambda *_a, w=combo: w.setStyleSheet(""))
        self.seconds_spin.valueChanged.connect(lambda *_a: self.seconds_spin.setStyleSheet(""))
        self.run_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.csv_button.clicked.connect(lambda: self._export_with_dialog("csv"))
        self.md_button.clicked.connect(lambda: self._export_with_dialog("md"))
        self.compare_button.clicked.connect(self._request_compare)
        c = controller
        c.experiment_started.connect(self._on_planned)
        c.case_started.connect(self._on_case_started)
        c.case_done.connect(self._on_case_done)
        c.experiment_finished.connect(self._on_finished)
        c.experiment_running.connect(self._on_running)
        c.bridge.phase.connect(self._on_phase)
        c.bridge.step.connect(self._on_step)
        c.bridge.summary.connect(self._on_summary)
        c.bridge.failed.connect(self._on_failed)
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
        return self._plan is not None or self.controller.experimenting

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
            f"<b>{escape(words(exp.title), quote=False)}</b><br>"
            + escape(self.tr("Tests the claim: “{0}”. Each case is a run of its own, kept "
                             "in History and plotted in the Live tab.").format(
                words(exp.claim)), quote=False)
        )
        self.experiment_combo.setToolTip(words(exp.claim))
        if not self.running and self.result is None:
            self.charts.show_kind(exp.name)

    # -- run control -----------------------------------------------------------------
    def start(self) -> bool:
        """Run the experiment the form describes; returns False (and reports why) if not."""
        if self.running:
            return False
        try:
            plan = plan_experiment(self.experiment, self.model_id, self.device,
                                   self.seconds_spin.value())
        except ConfigError as exc:
            widget = self._field_widgets.get(exc.field)
            if widget is not None:
                widget.setStyleSheet(_BAD_STYLE)
            errors.report(exc.msg, self.tr("Change the “{0}” setting and run the "
                                           "experiment again.").format(words(setting(
                                               exc.field))), exc.field)
            return False
        self._plan = plan
        self._current, self._phase, self._unit = -1, "", ""
        self._partial = []
        self.result = None
        self._show_result(None)
        self.charts.show_kind(plan.name)
        self.charts.reset()
        self.progress.setRange(0, 0)  # busy until the plan is known
        self.status_label.setText(self.tr("Planning the cases…"))
        self.live_label.setText("")
        if not self.controller.start_experiment(plan):
            self._plan = None
            self._idle_form()
            self.progress.setRange(0, 1)
            self.status_label.setText(self.tr("The experiment did not run."))
            return False
        self._busy_form()
        return True

    def stop(self) -> None:
        """Stop the case in progress (after its step) and skip the cases after it."""
        if not self.running:
            return
        self.controller.stop()
        self.stop_button.setEnabled(False)
        self.status_label.setText(self._case_text(self.tr("stopping…")))

    def _busy_form(self) -> None:
        self.run_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        for widget in self._field_widgets.values():
            widget.setEnabled(False)

    def _idle_form(self) -> None:
        self.run_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        for widget in self._field_widgets.values():
            widget.setEnabled(True)

    def _on_running(self, running: bool) -> None:
        if not running:  # ended, or broke off (the sink has the reason)
            if self._plan is not None and self.result is None:
                self.progress.setRange(0, 1)
                self.progress.setValue(0)
                self.status_label.setText(self.tr("The experiment did not run to the end."))
                self.live_label.setText("")
            self._plan = None
            self._idle_form()

    # -- progress --------------------------------------------------------------------
    def _case_text(self, what: str) -> str:
        plan = self._plan
        if plan is None or self._current < 0:
            return what
        return self.tr("case {0} of {1}: {2} — {3}").format(
            self._current + 1, len(plan.cases), words(plan.cases[self._current].title), what)

    def _on_planned(self, plan: ExperimentPlan) -> None:
        self._plan = plan
        self.progress.setRange(0, max(1, len(plan.cases)))
        self.progress.setValue(0)
        self.status_label.setText(self.tr("{0} cases; starting the first…").format(
            len(plan.cases)))
        self.result_title.setText(self.tr("{0} — cases").format(words(plan.experiment.title)))
        self.cases_model.plan(plan.cases, self.tr("waiting"))
        self.table.setModel(self.cases_model)
        self._size_columns(4)
        header = self.table.horizontalHeader()
        header.resizeSection(1, max(header.sectionSize(1), 150))  # filled in later
        self.table.resizeRowsToContents()
        self._fit_table()

    def _on_case_started(self, ev: CaseStarted) -> None:
        for skipped in range(self._current + 1, ev.index):  # told by case_done already
            if self.cases_model.rows[skipped].status == self.tr("waiting"):
                self.cases_model.update(skipped, status=self.tr("not run"), running=False)
        if 0 <= self._current < ev.index:
            self.cases_model.update(self._current, running=False)
        self._current, self._phase, self._unit = ev.index, "", ""
        self._unit = CATALOG[ev.config.model].sample_unit
        self.progress.setValue(ev.index)
        self.live_label.setText("")
        self.cases_model.update(ev.index, status=self._phase_text(), running=True)
        self._show_status()

    def _active(self) -> bool:
        stream = self.controller.stream
        return self._plan is not None and stream is not None and stream.kind == "case"

    def _on_phase(self, ev: Phase) -> None:
        if not self._active():
            return
        self._phase = ev.name
        self.cases_model.update(self._current, status=self._phase_text())
        self._show_status()

    def _on_step(self, ev: StepStats) -> None:
        if not self._active():
            return
        self.live_label.setText("   ·   ".join(words(p) for p in step_parts(ev, self._unit)))
        step_rate = (rate(ev.tokens_per_s, "tokens") if ev.tokens_per_s is not None
                     else rate(ev.samples_per_s, self._unit))
        self.cases_model.update(self._current, rate=words(step_rate),
                                step=words(millis(ev.step_ms)))

    def _on_summary(self, ev: Summary) -> None:
        if not self._active():
            return
        self._phase = "done"
        self.progress.setValue(self._current + 1)
        case_rate = rate(ev.rate, ev.rate_unit)
        if ev.generated_tokens and ev.decode_tokens_per_s is not None:
            case_rate = rate(ev.decode_tokens_per_s, "tokens")
        self.cases_model.update(
            self._current, status=self.tr("stopped early") if ev.stopped_early
            else self.tr("measured"), rate=words(case_rate), step=words(millis(
                ev.step_ms_median)), running=False)
        self._chart_so_far(ev)
        self._show_status()

    def _on_failed(self, ev: Failed) -> None:
        if not self._active():
            return
        self._phase = "failed"
        text = said(ev.msg, ev.message)
        self.live_label.setText(text)
        self.progress.setValue(self._current + 1)
        self.cases_model.update(self._current, status=text, running=False, failed=True)
        self._show_status()

    def _on_case_done(self, ev: CaseDone) -> None:
        """A case that did not run, or failed, says why at once (not at the end)."""
        case = ev.result
        if case.status in ("not_available", "out_of_memory", "failed"):
            why = status_msg(case)
            self.cases_model.update(ev.index, status=words(why) if why else "",
                                    running=False, failed=case.status != "not_available")

    def _show_status(self) -> None:
        if self.controller.state == "stopping":
            self.status_label.setText(self._case_text(self.tr("stopping…")))
        else:
            self.status_label.setText(self._case_text(self._phase_text()))

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

    def _chart_so_far(self, summary: Summary) -> None:
        """Draw the cases measured so far (the final result replaces them)."""
        plan = self._plan
        if plan is None or not 0 <= self._current < len(plan.cases):
            return
        case = plan.cases[self._current]
        status = "stopped" if summary.stopped_early else "ok"
        self._partial.append(CaseResult(case.label, summary.mode, status, summary,
                                        title=case.title))
        self.charts.set_result(ExperimentResult(plan.name, plan.model, plan.device,
                                                list(self._partial)))

    def _on_finished(self, result: ExperimentResult) -> None:
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

    # -- the table -------------------------------------------------------------------
    def _size_columns(self, count: int) -> None:
        header = self.table.horizontalHeader()
        last = count - 1
        for c in range(last):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            self.table.resizeColumnToContents(c)
            header.resizeSection(c, min(max(header.sectionSize(c), 90), 260))
        if last >= 0:  # the last column (notes, verdicts) takes the rest and wraps
            header.setSectionResizeMode(last, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()

    def _show_result(self, result: ExperimentResult | None) -> None:
        has = result is not None
        self.csv_button.setEnabled(has)
        self.md_button.setEnabled(has)
        self.compare_button.setVisible(self._pair(result) is not None)
        self._show_verdict(result)
        self.result_model.set_result(result)
        self.table.setModel(self.result_model)
        if result is None:
            self.result_title.setText(self.tr("Result"))
            return
        exp = EXPERIMENTS.get(result.name)
        title = words(exp.title) if exp is not None else result.name
        self.result_title.setText(self.tr("{0} — {1} on {2}").format(
            title, CATALOG[result.model].title if result.model in CATALOG else result.model,
            result.device))
        self._size_columns(len(result.table.columns))
        self._fit_table()

    def _show_verdict(self, result: ExperimentResult | None) -> None:
        """The experiment's verdict on its claim, coloured as in the Compare tab."""
        verdict = result.verdict if result is not None else None
        self.verdict_label.setVisible(verdict is not None)
        if verdict is None:
            self.verdict_label.clear()
            return
        self.verdict_label.setText(f"{theme.VERDICT_MARKS[verdict.status]} "
                                   f"{words(verdict.message)}")
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

    def row_statuses(self) -> list[str]:
        """The case status of each result row (``""`` where rows are not cases)."""
        model = self.table.model()
        return [str(model.data(model.index(r, 0), STATUS_ROLE) or "")
                for r in range(model.rowCount(QModelIndex()))]

    def cell_text(self, row: int, col: int) -> str:
        """What one cell shows (``""`` if empty), from the table's model."""
        model = self.table.model()
        value = model.data(model.index(row, col), Qt.ItemDataRole.DisplayRole)
        return str(value) if value is not None else ""

    def row_count(self) -> int:
        """Rows of the table shown (cases while running, the result's rows after)."""
        return self.table.model().rowCount(QModelIndex())

    def column_count(self) -> int:
        """Columns of the table shown."""
        return self.table.model().columnCount(QModelIndex())

    # -- exports and the Compare tab -------------------------------------------------
    def _export_with_dialog(self, fmt: str) -> None:
        if self.result is None:
            return
        path = experiment_export.ask_table_path(
            self, table_export.suggested_name(self.result, fmt), fmt)
        if not path:
            return
        try:
            table_export.write(self.result, path)
        except (ValueError, OSError) as exc:
            errors.report(self.tr("Could not export the table: {0}").format(exc),
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
                 else words(msg("experiment.train-vs-infer.title")))
        self.compare_requested.emit(pair[0], pair[1], label)
