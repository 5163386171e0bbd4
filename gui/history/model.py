"""The stored runs as a Qt table model, and the filter over it (STYLE.md 17).

:class:`HistoryModel` holds the store's :class:`~engine.session.store.db.RunRecord` list
and answers every cell from it (nothing reads cell text back); names and tags are edited
through it into the store. :class:`HistoryFilter` narrows it to the rows whose model,
mode, device, host, name, tags, status or settings contain every word typed, and sorts by the column
clicked (numbers as numbers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from engine.core.values import millis, nbytes
from engine.session.store.db import RunRecord
from gui.widgets import theme
from gui.widgets.run_text import (
    cell,
    device_text,
    energy_value,
    mode_text,
    throughput_value,
    when_text,
)
from gui.widgets.table_model import Index, ListTableModel
from gui.widgets.words import said

(
    COL_DATE, COL_NAME, COL_MODEL, COL_MODE, COL_DEVICE, COL_STATUS, COL_RATE, COL_STEP,
    COL_MEMORY, COL_ENERGY, COL_TAGS,
) = range(11)
EDITABLE = (COL_NAME, COL_TAGS)
NUMERIC = (COL_RATE, COL_STEP, COL_MEMORY, COL_ENERGY)
STATUS_COLORS = {
    "running": "#2B8A3E",
    "completed": theme.PLOT_FOREGROUND,
    "stopped": "#495057",
    "failed": theme.ERROR_BORDER,
    "interrupted": "#E67700",
}
INTERRUPTED_TINT = "#FFF3BF"
FAILED_TINT = "#FFF5F5"
RUN_ID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class HistoryModel(ListTableModel):
    """One row per stored run, newest first.

    Args:
        edit: Called with ``(run id, column, text)`` when a name or tags are edited; it
            writes the store (and reports a failure); the model re-reads afterwards.
    """

    def __init__(self, edit: Callable[[int, int, str], None], parent: Any = None) -> None:
        super().__init__(parent)
        self._edit = edit
        self.records: list[RunRecord] = []
        self._headers = [
            self.tr("Date"), self.tr("Name"), self.tr("Model"), self.tr("Mode"),
            self.tr("Device"), self.tr("Status"), self.tr("Throughput"),
            self.tr("Step time (median)"), self.tr("Peak memory"), self.tr("Energy"),
            self.tr("Tags"),
        ]

    def set_records(self, records: list[RunRecord]) -> None:
        """Show ``records`` (the store's, newest first)."""
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def record_at(self, row: int) -> RunRecord:
        """The run of source row ``row``."""
        return self.records[row]

    # -- ListTableModel -----------------------------------------------------------------
    def row_count(self) -> int:
        """Runs listed."""
        return len(self.records)

    def headers(self) -> list[str]:
        """Date … tags."""
        return self._headers

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Names and tags are editable."""
        base = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        return base | Qt.ItemFlag.ItemIsEditable if index.column() in EDITABLE else base

    def status_text(self, status: str) -> str:
        """A status in words, marked for the ones that need attention."""
        return {
            "running": self.tr("● running"),
            "completed": self.tr("completed"),
            "stopped": self.tr("stopped early"),
            "failed": self.tr("✖ failed"),
            "interrupted": self.tr("⚠ interrupted"),
        }.get(status, status)

    def settings_words(self, rec: RunRecord) -> list[str]:
        """The run's distinguishing settings, said in the interface's language."""
        words = {"batch_size": self.tr("batch {0}"), "ranks": self.tr("{0} ranks")}
        return [words[k].format(v) if k in words else str(v)
                for k, v in rec.distinguishing.items()]

    def _cells(self, rec: RunRecord) -> dict[int, str]:
        s = rec.summary
        status = self.status_text(rec.status)
        if rec.problem:
            status = self.tr("{0} (damaged)").format(status)
        return {
            COL_DATE: when_text(rec.started_unix_s), COL_NAME: rec.name, COL_MODEL: rec.model,
            COL_MODE: " · ".join([mode_text(rec.mode), *self.settings_words(rec)]),
            COL_DEVICE: device_text(rec.device, rec.device_name),
            COL_STATUS: status, COL_RATE: cell(throughput_value(s)),
            COL_STEP: cell(millis(s.step_ms_median) if s else None),
            COL_MEMORY: cell(nbytes(s.peak_mem_bytes) if s else None),
            COL_ENERGY: cell(energy_value(s)), COL_TAGS: ", ".join(rec.tags),
        }

    def _sort_key(self, rec: RunRecord, col: int) -> Any:
        s = rec.summary
        numbers = {COL_RATE: s.rate if s else None, COL_STEP: s.step_ms_median if s else None,
                   COL_MEMORY: s.peak_mem_bytes if s else None,
                   COL_ENERGY: s.energy_per_unit_j if s else None,
                   COL_DATE: rec.started_unix_s}
        if col in numbers:
            value = numbers[col]
            return float(value) if value is not None else float("-inf")
        return self._cells(rec)[col].lower()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Every cell's text, colours, alignment and tooltip, from the record."""
        if not index.isValid():
            return None
        rec, col = self.records[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._cells(rec)[col]
        if role == RUN_ID_ROLE:
            return rec.id
        if role == SORT_ROLE:
            return self._sort_key(rec, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            tint = {"interrupted": INTERRUPTED_TINT, "failed": FAILED_TINT}.get(rec.status)
            return QBrush(QColor(tint)) if tint else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_MODE:
                return QBrush(QColor(theme.mode_color(rec.mode)))
            if col == COL_STATUS:
                return QBrush(QColor(STATUS_COLORS.get(rec.status, "#495057")))
        if role == Qt.ItemDataRole.FontRole and col == COL_STATUS and rec.status in (
                "interrupted", "failed", "running"):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(rec, col)
        return None

    def _tooltip(self, rec: RunRecord, col: int) -> str | None:
        if col == COL_DATE:
            tip = self.tr("Run {0} · {1}").format(rec.id, rec.uuid[:8])
            if rec.source:
                tip += "\n" + self.tr("Imported from {0}").format(rec.source)
            return tip
        if col == COL_STATUS:
            if rec.damage is not None:
                return said(rec.damage)
            if rec.status == "interrupted":
                return self.tr("Trainfer or the run process ended before this run finished; "
                               "what was measured up to then is kept.")
            if rec.status == "failed" and rec.failure is not None:
                return said(rec.failure.msg, rec.failure.message)
        if col == COL_NAME and not rec.name:
            return self.tr("Double-click to name this run")
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """Write an edited name or tags to the store."""
        if role != Qt.ItemDataRole.EditRole or index.column() not in EDITABLE:
            return False
        self._edit(self.records[index.row()].id, index.column(), str(value))
        return True


class HistoryFilter(QSortFilterProxyModel):
    """Rows whose words contain every typed word.

    A run's words: model, mode, device, host, name, tags, status, and settings such as
    ``bf16``, ``batch 8``, ``2 ranks``, ``input 224``.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self.setSortRole(SORT_ROLE)

    def set_text(self, text: str) -> None:
        """Filter on the words of ``text`` (case-insensitive; ``""``: every run)."""
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+: invalidateFilter is deprecated
            self.beginFilterChange()
            self._words = text.lower().split()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._words = text.lower().split()
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:  # noqa: N802
        """Whether every typed word occurs in the run's words."""
        if not self._words:
            return True
        model = self.sourceModel()
        assert isinstance(model, HistoryModel)
        rec = model.record_at(row)
        # the settings in the interface's words too ("lote 8" as well as "batch 8")
        hay = " ".join([rec.search_text, *model.settings_words(rec)]).lower()
        return all(word in hay for word in self._words)
