"""The Experiments tab's tables as Qt models over the engine's records (STYLE.md 17).

:class:`CasesModel` follows the cases while they run (one row per planned case: its
status, latest throughput and step time); :class:`ResultModel` shows the experiment's
typed table (:class:`engine.claims.experiments.Table`) once it is done, each cell in the
interface language, each row coloured by its case's mode or status.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from engine.claims.experiments import (
    NOT_AVAILABLE,
    Case,
    CaseResult,
    ExperimentResult,
    status_msg,
)
from gui.widgets import theme
from gui.widgets.table_model import Index, ListTableModel
from gui.widgets.words import words

STATUS_COLORS = {
    "not_available": (theme.NA_TEXT, "#F1F3F5"),
    "stopped": (theme.NA_TEXT, "#F8F9FA"),
    "out_of_memory": (theme.ERROR_BORDER, theme.ERROR_BG),
    "failed": (theme.ERROR_BORDER, theme.ERROR_BG),
}
"""Text and background colours of a row whose case did not give a result."""
STATUS_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class CaseProgress:
    """One case while the experiment runs: what is known of it so far.

    Attributes:
        case: The planned case.
        status: Its status in words (``waiting``, ``warm-up``, ``measured`` …).
        rate, step: The latest throughput and step time in words.
        running: It is the case in progress (shown in bold).
        failed: It failed (shown in the error colour).
    """

    case: Case
    status: str
    rate: str = ""
    step: str = ""
    running: bool = False
    failed: bool = False


class CasesModel(ListTableModel):
    """One row per planned case: case, throughput, step time, status."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[CaseProgress] = []
        self._headers = [self.tr("case"), self.tr("throughput"), self.tr("step time"),
                         self.tr("status")]

    def plan(self, cases: list[Case], waiting: str) -> None:
        """Start over with ``cases``, each ``waiting``."""
        self.beginResetModel()
        self.rows = [CaseProgress(c, waiting) for c in cases]
        self.endResetModel()

    def update(self, index: int, **changes: Any) -> None:
        """Change case ``index``'s progress (see :class:`CaseProgress`)."""
        if not 0 <= index < len(self.rows):
            return
        self.rows[index] = replace(self.rows[index], **changes)
        self.dataChanged.emit(self.index(index, 0), self.index(index, 3))

    def row_count(self) -> int:
        """Planned cases."""
        return len(self.rows)

    def headers(self) -> list[str]:
        """Case, throughput, step time, status."""
        return self._headers

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The case's progress, tinted by its mode; the running case in bold."""
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (words(row.case.title), row.rate, row.step, row.status)[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(theme.mode_tint(row.case.config.mode)))
        if role == Qt.ItemDataRole.ForegroundRole and row.failed:
            return QBrush(QColor(theme.ERROR_BORDER))
        if role == Qt.ItemDataRole.FontRole and row.running:
            font = QFont()
            font.setBold(True)
            return font
        return None


class ResultModel(ListTableModel):
    """The experiment's result table: typed cells in words, rows coloured by case."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.result: ExperimentResult | None = None

    def set_result(self, result: ExperimentResult | None) -> None:
        """Show ``result``'s table (``None``: empty)."""
        self.beginResetModel()
        self.result = result
        self.endResetModel()

    def _case(self, row: int) -> CaseResult | None:
        r = self.result
        if r is None or len(r.table.rows) != len(r.cases):
            return None  # rows that are not cases (train-vs-infer: the document's rows)
        return r.cases[row]

    def row_count(self) -> int:
        """Table rows."""
        return 0 if self.result is None else len(self.result.table.rows)

    def headers(self) -> list[str]:
        """The table's column titles in words."""
        return [] if self.result is None else [words(c.title) for c in self.result.table.columns]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell in words, with its case's colours and status."""
        if not index.isValid() or self.result is None:
            return None
        cell = self.result.table.rows[index.row()][index.column()]
        case = self._case(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if cell is None else words(cell)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if case is None:
            return None
        if role == STATUS_ROLE:
            return case.status
        if role == Qt.ItemDataRole.ToolTipRole:
            why = status_msg(case)
            return words(why) if why is not None else None
        if role == Qt.ItemDataRole.BackgroundRole:
            color = (STATUS_COLORS[case.status][1] if case.status in STATUS_COLORS
                     else theme.mode_tint(case.mode))
            return QBrush(QColor(color))
        if role == Qt.ItemDataRole.ForegroundRole and case.status in STATUS_COLORS:
            return QBrush(QColor(STATUS_COLORS[case.status][0]))
        if role == Qt.ItemDataRole.FontRole and case.status == NOT_AVAILABLE:
            font = QFont()
            font.setItalic(True)
            return font
        return None
