"""The one place where errors are shown: a non-modal banner at the top of the window.

Configuration errors, failed runs and export errors all arrive at
:meth:`MessageBanner.show_error` with a message and a hint (STYLE.md 8). Notices that are
not errors (a run could not be saved, runs were deleted, a demo is available) use
:meth:`MessageBanner.show_info`, optionally with one action button ("Undo", "Open demo").
The banner stays until the user closes it or the next run starts, and never blocks the
window.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from gui.widgets import theme


class MessageBanner(QFrame):
    """A closable banner with a message in bold and a hint below it.

    Signals:
        shown(str, str): ``(message, hint)`` each time an error is shown.
        info_shown(str, str): ``(message, hint)`` each time a notice is shown.
    """

    shown = Signal(str, str)
    info_shown = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message_banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._label = QLabel()
        self._label.setObjectName("message_text")
        self._label.setWordWrap(True)
        self._label.setTextFormat(Qt.TextFormat.RichText)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("×")
        close.setToolTip(self.tr("Dismiss"))
        close.setAutoRaise(True)
        close.clicked.connect(self.clear)
        self.action_button = QPushButton()
        self.action_button.setObjectName("message_action")
        self.action_button.setVisible(False)
        self.action_button.clicked.connect(self._run_action)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self._label, 1)
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._message = ""
        self._hint = ""
        self._kind = ""
        self._action: Callable[[], object] | None = None
        self.setVisible(False)

    def show_error(self, message: str, hint: str = "") -> None:
        """Show ``message`` (what happened) and ``hint`` (what to change)."""
        self._kind = "error"
        self._show(message, hint, theme.ERROR_BG, theme.ERROR_BORDER, self.tr("Error"))
        self.shown.emit(message, hint)

    def show_info(
        self,
        message: str,
        hint: str = "",
        action: tuple[str, Callable[[], object]] | None = None,
    ) -> None:
        """Show a neutral notice (e.g. a run stopped before it measured anything).

        Args:
            message: What happened.
            hint: What to do about it.
            action: ``(button text, callback)``: one button beside the notice ("Undo");
                pressing it hides the banner, then calls ``callback``.
        """
        self._kind = "info"
        self._show(message, hint, theme.INFO_BG, "#868E96", "", action)
        self.info_shown.emit(message, hint)

    def _show(
        self,
        message: str,
        hint: str,
        bg: str,
        border: str,
        prefix: str,
        action: tuple[str, Callable[[], object]] | None = None,
    ) -> None:
        self._message, self._hint = message, hint
        self._action = action[1] if action else None
        self.action_button.setText(action[0] if action else "")
        self.action_button.setVisible(action is not None)
        self.setStyleSheet(
            f"#message_banner {{ background: {bg}; border: 1px solid {border};"
            " border-radius: 4px; }"
        )
        head = f"<b>{escape(prefix)}:</b> " if prefix else ""
        html = f"{head}<b>{escape(message)}</b>"
        if hint:
            html += f"<br>{escape(hint)}"
        self._label.setText(html)
        self.setVisible(True)

    def _run_action(self) -> None:
        action = self._action
        self.clear()
        if action is not None:
            action()

    def clear(self) -> None:
        """Hide the banner (and forget its action)."""
        self._message = self._hint = self._kind = ""
        self._action = None
        self.action_button.setVisible(False)
        self._label.setText("")
        self.setVisible(False)

    def kind(self) -> str:
        """``"error"``, ``"info"``, or ``""`` when hidden."""
        return self._kind

    def action_text(self) -> str:
        """The action button's text, ``""`` when there is none."""
        return self.action_button.text() if self._action is not None else ""

    def message(self) -> str:
        """The message shown, ``""`` when hidden."""
        return self._message

    def hint(self) -> str:
        """The hint shown, ``""`` when hidden."""
        return self._hint
