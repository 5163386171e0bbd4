"""The History tab: every stored run, newest first, with what to do with them.

The table is a view of :class:`gui.history.model.HistoryModel` (the store's records)
through :class:`gui.history.model.HistoryFilter`: a filter box narrows the list (model,
mode, device, name, tag or status words) and a click on a header sorts it. Names and
tags are edited in place (double-click, or Rename / Tags); Delete hides runs at once and
can be undone until the window closes (the store's soft delete).

Actions that need other parts of the window (open into the live plots, overlay, compare,
replay, exports and imports) are signals; the window connects them. Failures go to the
one error sink (:mod:`gui.errors`).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.session.store.db import RunRecord, Store, StoreError
from gui import errors
from gui.history.model import (
    COL_DATE,
    COL_ENERGY,
    COL_MEMORY,
    COL_MODE,
    COL_MODEL,
    COL_NAME,
    COL_RATE,
    COL_STATUS,
    COL_STEP,
    COL_TAGS,
    EDITABLE,
    RUN_ID_ROLE,
    HistoryFilter,
    HistoryModel,
)
from gui.widgets import theme
from gui.widgets.words import said

__all__ = ["COL_DATE", "COL_ENERGY", "COL_MEMORY", "COL_MODE", "COL_MODEL", "COL_NAME",
           "COL_RATE", "COL_STATUS", "COL_STEP", "COL_TAGS", "HistoryView"]


class HistoryView(QWidget):
    """The stored runs as a table, a filter box and a toolbar.

    Args:
        store: The run store; ``None`` shows why there is no history.

    Signals:
        open_requested(list): Show these run ids in the live plots.
        overlay_requested(list): Overlay these run ids, aligned at their start.
        compare_requested(int, int): Compare ``(training id, inference id)``.
        replay_requested(list): Replay these run ids one after another.
        export_data_requested(int, str): Export one run as ``"csv"`` or ``"json"``.
        export_recording_requested(list): Save these run ids as a recording.
        import_requested(): Import a recording.
        deleted(list): These run ids were deleted (undo with :meth:`undo_delete`).
    """

    open_requested = Signal(list)
    overlay_requested = Signal(list)
    compare_requested = Signal(int, int)
    replay_requested = Signal(list)
    export_data_requested = Signal(int, str)
    export_recording_requested = Signal(list)
    import_requested = Signal()
    deleted = Signal(list)

    def __init__(self, store: Store | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._last_deleted: list[int] = []

        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("history_filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(
            self.tr("Filter: model, mode, device, name, tag or status (e.g. “resnet infer”)")
        )

        self.model = HistoryModel(self._edit, self)
        self.proxy = HistoryFilter(self)
        self.proxy.setSourceModel(self.model)
        self.filter_edit.textChanged.connect(self._filter)

        self.table = QTableView()
        self.table.setObjectName("history_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(False)  # newest first until a header is clicked
        self.table.horizontalHeader().setSectionsClickable(True)
        self.table.horizontalHeader().sectionClicked.connect(self._sort)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_actions())
        self.table.doubleClicked.connect(self._double_clicked)

        self.empty_label = QLabel()
        self.empty_label.setObjectName("history_empty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(f"color: {theme.NA_TEXT}; padding: 6px;")

        self._actions: dict[str, QAction] = {}
        toolbar = QToolBar()
        toolbar.setObjectName("history_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for name, text, tip in (
            ("open", self.tr("Open"), self.tr("Show the selected runs in the Live tab")),
            ("overlay", self.tr("Overlay"),
             self.tr("Draw the selected runs on the same plots, aligned at their start")),
            ("compare", self.tr("Compare"),
             self.tr("Fill the Compare tab with the selected training and inference runs")),
            ("replay", self.tr("Replay"),
             self.tr("Play the selected runs in the Live tab as they happened")),
        ):
            toolbar.addAction(self._action(name, text, tip))
        toolbar.addSeparator()
        for name, text, tip in (
            ("rename", self.tr("Rename"), self.tr("Give the selected run a name")),
            ("tags", self.tr("Tags"), self.tr("Edit the selected run's tags (comma separated)")),
            ("delete", self.tr("Delete"), self.tr("Delete the selected runs (can be undone)")),
        ):
            toolbar.addAction(self._action(name, text, tip))
        self._actions["delete"].setShortcut(QKeySequence.StandardKey.Delete)
        self._actions["delete"].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        toolbar.addSeparator()
        export_menu = QMenu(self)
        for name, text, tip in (
            ("export_csv", self.tr("Run data as CSV…"),
             self.tr("Every sample, step and phase of the selected run, one row each")),
            ("export_json", self.tr("Run data as JSON…"),
             self.tr("The selected run and every event, as strict JSON")),
            ("export_recording", self.tr("Runs as recording…"),
             self.tr("The selected runs in one .trainfer file, to replay or import elsewhere")),
        ):
            export_menu.addAction(self._action(name, text, tip))
        self.export_button = QToolButton()
        self.export_button.setObjectName("history_export")
        self.export_button.setText(self.tr("Export"))
        self.export_button.setMenu(export_menu)
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        toolbar.addWidget(self.export_button)
        toolbar.addAction(self._action(
            "import_recording", self.tr("Import…"),
            self.tr("Add the runs of a .trainfer recording to this list"),
        ))

        for name in ("open", "overlay", "compare", "replay", "rename", "tags", "delete",
                     "export_csv", "export_json", "export_recording"):
            self.table.addAction(self._actions[name])
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self._actions["open"].triggered.connect(
            lambda: self.open_requested.emit(self.selected_ids()))
        self._actions["overlay"].triggered.connect(
            lambda: self.overlay_requested.emit(self.selected_ids()))
        self._actions["compare"].triggered.connect(self._compare)
        self._actions["replay"].triggered.connect(
            lambda: self.replay_requested.emit(self.selected_ids()))
        self._actions["rename"].triggered.connect(lambda: self._edit_cell(COL_NAME))
        self._actions["tags"].triggered.connect(lambda: self._edit_cell(COL_TAGS))
        self._actions["delete"].triggered.connect(self.delete_selected)
        self._actions["export_csv"].triggered.connect(
            lambda: self._export_data("csv"))
        self._actions["export_json"].triggered.connect(
            lambda: self._export_data("json"))
        self._actions["export_recording"].triggered.connect(
            lambda: self.export_recording_requested.emit(self.selected_ids()))
        self._actions["import_recording"].triggered.connect(self.import_requested)

        hint = QLabel(self.tr("Double-click a run to open it · select several to overlay · "
                              "one training and one inference run to compare"))
        hint.setStyleSheet(f"color: {theme.NA_TEXT};")
        hint.setWordWrap(True)  # one line of 830 px in Portuguese set the window's width
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(toolbar)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        self.refresh()

    def _action(self, name: str, text: str, tip: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"history_{name}")
        action.setToolTip(tip)
        action.setStatusTip(tip)
        self._actions[name] = action
        return action

    # -- access ----------------------------------------------------------------------
    def action(self, name: str) -> QAction:
        """One of the view's actions, by name.

        ``name``: open, overlay, compare, replay, rename, tags, delete, export_csv,
        export_json, export_recording or import_recording.
        """
        return self._actions[name]

    def row_count(self) -> int:
        """Runs listed (after the filter)."""
        return self.proxy.rowCount()

    def run_ids(self) -> list[int]:
        """Run ids in table order (newest first, unless sorted by a column)."""
        return [self._row_id(r) for r in range(self.proxy.rowCount())]

    def record(self, run_id: int) -> RunRecord:
        """The listed run ``run_id``.

        Raises:
            KeyError: It is not listed.
        """
        for rec in self.model.records:
            if rec.id == run_id:
                return rec
        raise KeyError(run_id)

    def row_of(self, run_id: int) -> int:
        """The table row of run ``run_id``, or -1."""
        ids = self.run_ids()
        return ids.index(run_id) if run_id in ids else -1

    def cell_text(self, row: int, col: int) -> str:
        """What one cell shows (``""`` if empty), from the model."""
        value = self.proxy.data(self.proxy.index(row, col), Qt.ItemDataRole.DisplayRole)
        return str(value) if value is not None else ""

    def cell_data(self, row: int, col: int, role: int) -> object:
        """One cell's data for ``role`` (colours, tooltips …), from the model."""
        return self.proxy.data(self.proxy.index(row, col), role)

    def selected_ids(self) -> list[int]:
        """Ids of the selected runs, in table order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self._row_id(r) for r in rows]

    def select_ids(self, run_ids: list[int]) -> None:
        """Select exactly the listed runs among ``run_ids``."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for run_id in run_ids:
            row = self.row_of(run_id)
            if row >= 0:
                selection.select(self.proxy.index(row, 0), flags)
        self._update_actions()

    def _row_id(self, row: int) -> int:
        return int(self.proxy.data(self.proxy.index(row, COL_DATE), RUN_ID_ROLE))

    # -- filling ---------------------------------------------------------------------
    def set_store(self, store: Store | None) -> None:
        """Show the runs of ``store``."""
        self.store = store
        self.refresh()

    def refresh(self) -> None:
        """Re-read the runs, keeping the selection where the runs still exist.

        While a name or tags are being edited, the refresh waits for the edit to end.
        """
        if self.table.state() == QAbstractItemView.State.EditingState:
            QTimer.singleShot(500, self.refresh)
            return
        selected = self.selected_ids() if self.proxy.rowCount() else []
        records: list[RunRecord] = []
        if self.store is not None:
            try:
                records = self.store.list_runs()
            except Exception as exc:  # noqa: BLE001 - a broken store is reported, not fatal
                errors.report(self.tr("Could not read the run history: {0}").format(exc),
                              self.tr("Check the data directory, or start Trainfer with "
                                      "--data-dir pointing elsewhere."))
        self.model.set_records(records)
        self.table.resizeColumnsToContents()
        for col in (COL_NAME, COL_TAGS):
            self.table.setColumnWidth(col, max(120, self.table.columnWidth(col)))
        self._update_empty_label()
        self.select_ids(selected)

    def _filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_empty_label()
        self._update_actions()

    def _sort(self, column: int) -> None:
        """Sort by ``column``; a second click reverses the order."""
        header = self.table.horizontalHeader()
        order = (Qt.SortOrder.AscendingOrder if header.sortIndicatorSection() != column
                 or header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
                 else Qt.SortOrder.DescendingOrder)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(column, order)
        self.proxy.sort(column, order)

    def _update_empty_label(self) -> None:
        if self.store is None:
            text = self.tr("The run store could not be opened, so runs are not kept; the "
                           "banner above says why.")
        elif self.proxy.rowCount():
            text = ""
        elif self.filter_edit.text().strip():
            text = self.tr("No run matches the filter.")
        else:
            text = self.tr("No runs yet. Every run you start is kept here as it goes; "
                           "import runs made elsewhere with Import….")
        self.empty_label.setText(text)
        self.empty_label.setVisible(bool(text))

    # -- editing ---------------------------------------------------------------------
    def _edit_cell(self, col: int) -> None:
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        index = self.proxy.index(self.row_of(ids[0]), col)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def _edit(self, run_id: int, col: int, text: str) -> None:
        """The model's edit of a name or tags (queued: the editor closes first)."""
        if col == COL_NAME:
            QTimer.singleShot(0, lambda: self.rename(run_id, text))
        else:
            QTimer.singleShot(0, lambda: self.set_tags(run_id, text.split(",")))

    def _refused(self, exc: StoreError) -> None:
        """A change the store could not write (read-only, locked, a full disk): say why."""
        errors.report(self.tr("The change was not saved: {0}").format(said(exc.msg)),
                      self.tr("The runs stay as they were; they can still be opened and "
                              "exported."))

    def rename(self, run_id: int, name: str) -> None:
        """Name run ``run_id`` (``""`` clears the name) and show it."""
        if self.store is None:
            return
        try:
            self.store.rename(run_id, name)
        except KeyError:
            errors.report(self.tr("That run no longer exists."),
                          self.tr("It was deleted, perhaps from the command line."))
        except StoreError as exc:
            self._refused(exc)
        self.refresh()

    def set_tags(self, run_id: int, tags: list[str]) -> None:
        """Replace run ``run_id``'s tags and show them."""
        if self.store is None:
            return
        try:
            self.store.set_tags(run_id, tags)
        except KeyError:
            errors.report(self.tr("That run no longer exists."),
                          self.tr("It was deleted, perhaps from the command line."))
        except StoreError as exc:
            self._refused(exc)
        self.refresh()

    def delete_selected(self) -> list[int]:
        """Delete the selected runs (undo with :meth:`undo_delete`); returns their ids."""
        ids = self.selected_ids()
        if not ids or self.store is None:
            return []
        gone = []
        for run_id in ids:
            try:
                self.store.delete(run_id)
                gone.append(run_id)
            except KeyError:
                continue
            except StoreError as exc:
                self._refused(exc)
                break
        self._last_deleted = gone
        self.refresh()
        if gone:
            self.deleted.emit(gone)
        return gone

    def undo_delete(self) -> list[int]:
        """Bring back the runs of the last delete; returns their ids."""
        if self.store is None:
            return []
        back = []
        for run_id in self._last_deleted:
            try:
                self.store.undelete(run_id)
                back.append(run_id)
            except KeyError:
                continue
            except StoreError as exc:
                self._refused(exc)
                break
        self._last_deleted = []
        self.refresh()
        self.select_ids(back)
        return back

    # -- actions ---------------------------------------------------------------------
    def compare_pair(self) -> tuple[int, int] | None:
        """``(training id, inference id)`` when the selection can be compared, else None.

        Comparable: exactly two runs, one training and one inference, of the same model,
        both with a summary.
        """
        ids = self.selected_ids()
        if len(ids) != 2:
            return None
        recs = [self.record(i) for i in ids]
        by_mode = {r.mode: r for r in recs}
        if set(by_mode) != {"train", "infer"} or recs[0].model != recs[1].model:
            return None
        if any(r.summary is None for r in recs):
            return None
        return by_mode["train"].id, by_mode["infer"].id

    def _compare(self) -> None:
        pair = self.compare_pair()
        if pair is None:
            errors.report(
                self.tr("Select one training run and one inference run of the same model."),
                self.tr("Both need a summary: completed or stopped runs, not failed ones."),
            )
            return
        self.compare_requested.emit(*pair)

    def _export_data(self, fmt: str) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.export_data_requested.emit(ids[0], fmt)

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.column() not in EDITABLE:
            self.open_requested.emit([self._row_id(index.row())])

    def _update_actions(self) -> None:
        n = len(self.selected_ids())
        has_store = self.store is not None
        enabled = {
            "open": n >= 1, "overlay": n >= 2, "compare": self.compare_pair() is not None,
            "replay": n >= 1, "rename": n == 1, "tags": n == 1, "delete": n >= 1,
            "export_csv": n == 1, "export_json": n == 1, "export_recording": n >= 1,
            "import_recording": True,
        }
        for name, on in enabled.items():
            self._actions[name].setEnabled(on and has_store)
        self.export_button.setEnabled(n >= 1 and has_store)
        compare = self._actions["compare"]
        compare.setToolTip(
            self.tr("Fill the Compare tab with the selected training and inference runs")
            if enabled["compare"]
            else self.tr("Select one training and one inference run of the same model")
        )
