"""The part every table model of the GUI shares: rows from a list, titled columns."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class ListTableModel(QAbstractTableModel):
    """A flat table: :meth:`row_count` rows and :meth:`headers` columns.

    Subclasses answer :meth:`data` from their records; nothing reads cell text back.
    """

    def row_count(self) -> int:
        """How many rows there are."""
        raise NotImplementedError

    def headers(self) -> list[str]:
        """The column titles, in words."""
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        """Rows (a flat table: none under a valid parent)."""
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        """Columns."""
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None
