"""The Compare tab: the document's tables beside what was measured for one model.

It keeps the latest training and inference :class:`~engine.core.events.Summary` per model and
fills its table from :func:`engine.claims.compare.build` whenever a summary arrives or the
selected model changes. :meth:`CompareView.show_pair` shows a chosen pair instead (two
stored runs picked in History) until the user goes back to the latest runs. The
document's text is shown in Portuguese, as written, with a switch to English.

Every run it is given is also evidence (:class:`engine.claims.evidence.Evidence`) for the
claims one pair cannot test; *Complete the table* asks for the runs they still need
(:func:`engine.claims.completion.plan_completion`), which the window runs as an
experiment; while they run the pair stays on screen and the runs join the evidence.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from superqt import QElidingLabel

from engine.claims import compare
from engine.claims.completion import completed, plan_completion
from engine.claims.evidence import Evidence
from engine.claims.experiment_runner import CaseStarted
from engine.claims.experiments import ExperimentResult
from engine.claims.verdicts import OTHER_TRAINING, Verdict, weights_used
from engine.core.catalog import CATALOG
from engine.core.events import Summary
from engine.core.format import document_language
from gui import errors
from gui.compare.objective_chart import ObjectiveChart
from gui.compare.summary_card import SummaryCard, history_line
from gui.compare.table_export import ask_table_path, export_table
from gui.widgets import theme
from gui.widgets.memory_chart import MemoryChart
from gui.widgets.words import language as interface_language
from gui.widgets.words import words

(
    COL_ASPECT, COL_DOC_TRAIN, COL_DOC_INFER, COL_MEAS_TRAIN, COL_MEAS_INFER, COL_RATIO,
    COL_VERDICT,
) = range(7)
EVIDENCE_RUNS = 400
"""Runs kept as evidence (the newest); older ones are still in History."""
VERDICT_COLORS = theme.VERDICT_COLORS
VERDICT_MARKS = theme.VERDICT_MARKS
LANGUAGES = ("pt", "en")


class CompareView(QWidget):
    """Summary cards, the comparison table and the list of runs.

    A comparison that cannot be built or exported goes to the error sink.

    Signals:
        completion_requested(object): *Complete the table* was clicked: the
            :class:`~engine.claims.experiments.ExperimentPlan` of the missing runs.
    """

    completion_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = next(iter(CATALOG))
        self._latest: dict[tuple[str, str], Summary] = {}
        self._pinned: tuple[Summary, Summary, str] | None = None
        self._runs: list[Summary] = []
        self._completing = False
        self.comparison: compare.Comparison | None = None

        self._title = QLabel()
        self._title.setObjectName("compare_title")
        self._title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self._title.setWordWrap(True)  # a long model name wraps, not widens the window
        self._pair_label = QElidingLabel()  # text() keeps the full text; the tooltip says it too
        self._pair_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._pair_label.setObjectName("compare_pair")
        self._pair_label.setStyleSheet(
            "color: #0B7285; font-weight: bold; background: #E3FAFC; padding: 2px 6px;"
            " border-radius: 3px;"
        )
        self._pair_label.setVisible(False)
        self.latest_button = QPushButton(self.tr("Show the latest runs"))
        self.latest_button.setObjectName("compare_latest")
        self.latest_button.setToolTip(
            self.tr("Compare the latest training and inference runs of the selected model")
        )
        self.latest_button.setVisible(False)
        self.latest_button.clicked.connect(self.clear_pair)
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("language_combo")
        self.language_combo.addItem(self.tr("Document: Português (original)"), "pt")
        self.language_combo.addItem(self.tr("Document: English (translation)"), "en")
        self.language_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        top = QHBoxLayout()
        top.addWidget(self._title)
        top.addWidget(self._pair_label, 1)
        top.addWidget(self.latest_button)
        self.export_button = QPushButton(self.tr("Export table…"))
        self.export_button.setObjectName("compare_export")
        self.export_button.setToolTip(
            self.tr("Save the table with its verdicts as a slide-sized PNG, Markdown, HTML "
                    "or CSV")
        )
        self.export_button.clicked.connect(self._export_table)
        top.addWidget(self.export_button)
        top.addWidget(self.language_combo)
        self.complete_button = QPushButton(self.tr("Complete the table"))
        self.complete_button.setObjectName("compare_complete")
        self.complete_button.clicked.connect(self._request_completion)
        self.headline = QLabel()
        self.headline.setObjectName("compare_headline")
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-weight: bold;")
        verdict_row = QHBoxLayout()
        verdict_row.addWidget(self.headline, 1)
        verdict_row.addWidget(self.complete_button)

        self.train_card = SummaryCard("train")
        self.infer_card = SummaryCard("infer")
        self.memory_chart = MemoryChart()
        self.memory_chart.setMinimumWidth(280)
        self.objective_chart = ObjectiveChart()
        self.objective_chart.setMinimumWidth(280)
        charts = QSplitter(Qt.Orientation.Vertical)
        charts.setObjectName("compare_charts")
        charts.addWidget(self.memory_chart)
        charts.addWidget(self.objective_chart)
        cards = QHBoxLayout()
        cards.addWidget(self.train_card, 1)
        cards.addWidget(self.infer_card, 1)

        self.table = QTableWidget(0, 7)
        self.table.setObjectName("compare_table")
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_ASPECT, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionResized.connect(lambda *_a: self.table.resizeRowsToContents())
        self._set_headers()

        self.claims = QTableWidget(0, 3)
        self.claims.setObjectName("claims_table")
        self.claims.setWordWrap(True)
        self.claims.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.claims.verticalHeader().setVisible(False)
        self.claims.setHorizontalHeaderLabels(
            [self.tr("List"), self.tr("The document's claim"), self.tr("Verdict")]
        )
        claims_header = self.claims.horizontalHeader()
        claims_header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        claims_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        claims_header.sectionResized.connect(lambda *_a: self.claims.resizeRowsToContents())

        self.history = QListWidget()
        self.history.setObjectName("run_history")
        self.history.setMinimumHeight(60)
        history_box = QWidget()
        history_layout = QVBoxLayout(history_box)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(QLabel(self.tr("Runs (newest first)")))
        history_layout.addWidget(self.history)

        tables = QSplitter(Qt.Orientation.Vertical)
        tables.setObjectName("compare_tables")
        tables.addWidget(self.table)
        tables.addWidget(self.claims)
        tables.setStretchFactor(0, 3)
        tables.setStretchFactor(1, 2)
        beside = QSplitter(Qt.Orientation.Horizontal)
        beside.setObjectName("compare_beside")
        beside.addWidget(tables)
        beside.addWidget(charts)
        beside.setStretchFactor(0, 4)
        beside.setStretchFactor(1, 1)
        beside.setSizes([1060, 360])
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("compare_splitter")
        splitter.addWidget(beside)
        splitter.addWidget(history_box)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([600, 110])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(cards)
        layout.addLayout(verdict_row)
        layout.addWidget(splitter, 1)
        self.refresh()

    # -- inputs ----------------------------------------------------------------------
    @property
    def language(self) -> str:
        """``"pt"`` or ``"en"``: the language of the document's text."""
        return str(self.language_combo.currentData())

    def set_language(self, lang: str) -> None:
        """Show the document in ``"pt"`` (as written) or ``"en"``."""
        self.language_combo.setCurrentIndex(self.language_combo.findData(lang))

    def set_model(self, model_id: str) -> None:
        """Compare the latest runs of ``model_id``.

        A pair shown by :meth:`show_pair` of another model gives way.
        """
        if model_id != self._model:
            self._model = model_id
            if self._pinned is not None and self._pinned[0].model != model_id:
                self._pinned = None
            self.refresh()

    def add_summary(self, summary: Summary) -> None:
        """Keep ``summary`` as the latest of its model and mode, list it, and refresh.

        A pair shown by :meth:`show_pair` gives way to the latest runs, except while the
        table is being completed: then ``summary`` is evidence for the pair on screen.
        """
        self.add_evidence([summary])
        item = QListWidgetItem(history_line(summary))
        item.setForeground(QBrush(QColor(theme.mode_color(summary.mode))))
        self.history.insertItem(0, item)
        if self._completing:
            self.refresh()
            return
        self._latest[(summary.model, summary.mode)] = summary
        if self._pinned is not None:
            self._pinned = None
            self._model = summary.model
            self.refresh()
        elif summary.model == self._model:
            self.refresh()

    def add_evidence(self, summaries: list[Summary]) -> None:
        """Keep ``summaries`` (oldest first) as evidence for the claims; no refresh."""
        kept = {id(s) for s in self._runs}
        self._runs.extend(s for s in summaries if id(s) not in kept)
        del self._runs[:-EVIDENCE_RUNS]

    def evidence(self, model_id: str) -> Evidence:
        """The runs of ``model_id`` kept as evidence, oldest first."""
        return Evidence(tuple(s for s in self._runs if s.model == model_id))

    # -- completing the table ---------------------------------------------------------
    def _request_completion(self) -> None:
        if self.comparison is None or not self.comparison.needs():
            return
        try:
            plan = plan_completion(self.comparison)
        except ValueError as exc:
            errors.report(str(exc), self.tr("Run training or inference of this model first."))
            return
        self.completion_requested.emit(plan)

    def begin_completion(self) -> None:
        """The missing runs started: keep this pair on screen; new runs are evidence."""
        cmp = self.comparison
        if cmp is not None and cmp.train is not None and cmp.infer is not None:
            label = self._pinned[2] if self._pinned is not None else ""
            self._pinned = (cmp.train, cmp.infer, label)
        self._completing = True
        self.headline.setText(self.tr("Completing the table…"))
        self.complete_button.setEnabled(False)

    def completion_case(self, ev: CaseStarted, total: int) -> None:
        """Say which missing run is measured now."""
        if self._completing:
            self.headline.setText(self.tr("Completing the table: run {0} of {1}, {2}…").format(
                ev.index + 1, total, words(ev.case.title)))

    def end_completion(self, result: ExperimentResult | None) -> None:
        """The missing runs ended (``result``), or broke off (``None``): judge again."""
        if not self._completing:
            return
        self._completing = False
        if result is not None and self.comparison is not None:
            done = completed(self.comparison, result.cases)
            if done.train is not None and done.infer is not None:
                label = self._pinned[2] if self._pinned is not None else ""
                self._pinned = (done.train, done.infer, label)
        self.refresh()

    @property
    def completing(self) -> bool:
        """True while the missing runs of the table are measured."""
        return self._completing

    def show_pair(self, train: Summary, infer: Summary, label: str) -> None:
        """Compare ``train`` with ``infer`` (two stored runs of one model).

        Args:
            train: A training run's summary.
            infer: An inference run's summary of the same model.
            label: Which runs they are, shown in the title.

        Raises:
            ValueError: The modes are wrong or the models differ.
        """
        if train.mode != "train" or infer.mode != "infer":
            raise ValueError("compare one training run with one inference run")
        if train.model != infer.model:
            raise ValueError(f"cannot compare {train.model} with {infer.model}")
        self._pinned = (train, infer, label)
        self.refresh()

    def clear_pair(self) -> None:
        """Go back to the latest runs of the selected model."""
        if self._pinned is not None:
            self._model = self._pinned[0].model
            self._pinned = None
            self.refresh()

    @property
    def pinned(self) -> bool:
        """True while a pair chosen in History is shown."""
        return self._pinned is not None

    def title(self) -> str:
        """The title above the cards, with the chosen pair's description when one is shown."""
        if self._pair_label.isVisibleTo(self):
            return f"{self._title.text()} · {self._pair_label.text()}"
        return self._title.text()

    def latest(self, model_id: str, mode: str) -> Summary | None:
        """The latest summary of ``model_id`` in ``mode``, or ``None``."""
        return self._latest.get((model_id, mode))

    # -- output ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Rebuild cards and table from the latest summaries of the selected model."""
        train: Summary | None
        infer: Summary | None
        if self._pinned is not None:
            train, infer, label = self._pinned
            model = train.model
        else:
            train = self.latest(self._model, "train")
            infer = self.latest(self._model, "infer")
            model, label = self._model, ""
        info = CATALOG.get(model)
        self._title.setText(
            self.tr("Training vs inference — {0}").format(info.title if info else model)
        )
        tip = label
        if train is not None and infer is not None and (
                weights_used(train, infer) == OTHER_TRAINING):
            note = self.tr("inference used another training run's weights")
            label = f"{label} · {note}" if label else note
            tip = label + self.tr(": run inference again to predict with this training "
                                  "run's weights")
        self._pair_label.setText(label)
        self._pair_label.setToolTip(tip)
        self._pair_label.setVisible(bool(label))
        self.latest_button.setVisible(self._pinned is not None)
        self.train_card.set_summary(train)
        self.infer_card.set_summary(infer)
        self.memory_chart.set_summaries(train, infer)
        self.objective_chart.set_summaries(train, infer)
        try:
            self.comparison = compare.build(train, infer, self.evidence(model))
        except (ValueError, OSError, KeyError) as exc:
            self.comparison = None
            self.table.setRowCount(0)
            errors.report(self.tr("Could not build the comparison: {0}").format(exc),
                          self.tr("Check that Trainfer's resources folder is installed."))
            return
        self._fill(self.comparison)
        self._show_headline(self.comparison)

    def _show_headline(self, cmp: compare.Comparison) -> None:
        """The count of verdicts, and what *Complete the table* would run."""
        needs = cmp.needs()
        if not self._completing:
            self.headline.setText(words(compare.headline(cmp), self.language))
        self.complete_button.setEnabled(bool(needs) and not self._completing)
        self.complete_button.setVisible(bool(needs) or self._completing)
        self.complete_button.setToolTip(
            self.tr("Run what the claims this pair cannot test need, then judge them: {0}")
            .format(words([n.title for n in needs], self.language)) if needs else "")

    def _set_headers(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Aspect"),
                self.tr("Training\n(document)"),
                self.tr("Inference\n(document)"),
                self.tr("Training\n(measured)"),
                self.tr("Inference\n(measured)"),
                self.tr("Training ÷\ninference"),
                self.tr("Verdict"),
            ]
        )
        for col, mode in (
            (COL_DOC_TRAIN, "train"),
            (COL_MEAS_TRAIN, "train"),
            (COL_DOC_INFER, "infer"),
            (COL_MEAS_INFER, "infer"),
        ):
            header = self.table.horizontalHeaderItem(col)
            assert header is not None
            header.setForeground(
                QBrush(QColor(theme.mode_color(mode)))
            )

    def _fill(self, comparison: compare.Comparison) -> None:
        lang = self.language
        self.table.setRowCount(len(comparison.rows))
        train_bg = QBrush(QColor(theme.TRAIN_TINT))
        infer_bg = QBrush(QColor(theme.INFER_TINT))
        for r, row in enumerate(comparison.rows):
            cells = (
                (words(row.aspect, lang), None),
                (words(row.doc_train, lang), train_bg),
                (words(row.doc_infer, lang), infer_bg),
                (words(row.measured_train, lang), train_bg),
                (words(row.measured_infer, lang), infer_bg),
                (words(row.ratio_msg, lang) if row.ratio_msg is not None else "", None),
                (self._verdict_text(row.verdict), None),
            )
            for c, (text, bg) in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                if bg is not None:
                    item.setBackground(bg)
                if c == COL_ASPECT:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                if c == COL_RATIO and row.ratio is not None:
                    item.setToolTip(f"{row.ratio:.3f}")
                if c == COL_VERDICT and row.verdict is not None:
                    item.setForeground(QBrush(QColor(VERDICT_COLORS[row.verdict.status])))
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        self._fill_claims(comparison, lang)

    def export_table_to(self, path: str) -> str:
        """Write the shown comparison to ``path`` (.png, .md, .html or .csv).

        Raises:
            ValueError: Another suffix, or nothing to export.
            OSError: The file cannot be written.
        """
        if self.comparison is None:
            raise ValueError("there is no comparison to export")
        # The interface's language when the document is shown in it (a Portuguese table
        # for a Portuguese interface), else the document's: the table reads in one language.
        ui = interface_language()
        lang = ui if document_language(ui) == self.language else self.language
        return str(export_table(self.comparison, path, lang))

    def _export_table(self) -> None:
        model = self.comparison.model if self.comparison else "comparison"
        path = ask_table_path(self, f"trainfer-{model}-train-vs-infer.png")
        if not path:
            return
        try:
            self.export_table_to(path)
        except (ValueError, OSError) as exc:
            errors.report(self.tr("Could not export the table: {0}").format(exc),
                          self.tr("Choose a .png, .md, .html or .csv file you can write."))

    def _verdict_text(self, verdict: Verdict | None) -> str:
        if verdict is None:
            return ""
        return f"{VERDICT_MARKS[verdict.status]} {words(verdict.message, self.language)}"

    def _fill_claims(self, comparison: compare.Comparison, lang: str) -> None:
        """The bullets of the document's two lists, each with its verdict."""
        self.claims.setRowCount(len(comparison.claims))
        titles = {"train": self.tr("Training"), "infer": self.tr("Inference")}
        for r, result in enumerate(comparison.claims):
            mode = result.claim.mode
            cells = (
                titles[mode],
                words(result.claim.text, lang),
                self._verdict_text(result.verdict),
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                if c == 0:
                    item.setForeground(QBrush(QColor(theme.mode_color(mode))))
                if c == 1:
                    item.setBackground(QBrush(QColor(theme.mode_tint(mode))))
                if c == 2:
                    item.setForeground(
                        QBrush(QColor(VERDICT_COLORS[result.verdict.status])))
                self.claims.setItem(r, c, item)
        self.claims.resizeRowsToContents()

    def cell_text(self, row: int, col: int) -> str:
        """Text of one table cell (``""`` if empty)."""
        item = self.table.item(row, col)
        return item.text() if item is not None else ""

    def row_ids(self) -> list[str]:
        """Document row ids in table order."""
        return [row.id for row in self.comparison.rows] if self.comparison else []
