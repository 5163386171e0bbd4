"""Help ▸ Keyboard shortcuts: a table made from the window's own actions.

Built from the actions at the moment it opens, so it lists exactly the shortcuts that
work, in the platform's notation (``Ctrl+Q``; ``⌘Q`` on macOS).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

SPECIAL_KEYS = 0x01000100
"""Qt key codes from here up are multimedia and launch keys (``Qt.Key_Open``, ``Key_Exit``)."""


def _first_key(keys: QKeySequence) -> int:
    """The key code of the first key of ``keys``, without its modifiers."""
    return int(keys[0].key().value)  # type: ignore[index]  # the stubs lack __getitem__


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """``(what it does, keys)`` for each action with a shortcut, in the given order.

    Several keys of one action are joined with ``", "``; an action's ``&`` mnemonics and
    trailing ``…`` are left out, and so are the keys of special keyboards that a platform
    adds to a standard action (X11's Open and Exit keys beside Ctrl+O and Ctrl+Q).
    """
    rows = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
                if not k.isEmpty() and _first_key(k) < SPECIAL_KEYS]
        keys = [k for k in keys if k]
        if keys:
            what = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
            rows.append((what.rstrip("…").strip(), ", ".join(keys)))
    return rows


class ShortcutsDialog(QDialog):
    """The keyboard shortcuts of the window, in a two-column table.

    Args:
        rows: ``(what it does, keys)`` (see :func:`shortcut_rows`).
        parent: The window.
    """

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.table = QTableWidget(len(rows), 2)
        self.table.setObjectName("shortcuts_table")
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for row, (what, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(what))
            self.table.setItem(row, 1, QTableWidgetItem(keys))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.resizeColumnsToContents()
        width = sum(self.table.columnWidth(c) for c in range(2)) + 60
        height = self.table.horizontalHeader().height() + sum(
            self.table.rowHeight(r) for r in range(len(rows))) + 8
        self.table.setMinimumSize(max(420, width), min(600, height))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, str]]:
        """What the table shows, ``(what, keys)`` per row."""
        def cell(row: int, col: int) -> str:
            item = self.table.item(row, col)
            return item.text() if item is not None else ""

        return [(cell(r, 0), cell(r, 1)) for r in range(self.table.rowCount())]
