"""The one place where errors are shown: a non-modal banner at the top of the window.

Configuration errors, failed runs and export errors all arrive at
:meth:`MessageBanner.show_error` with a message and a hint (STYLE.md 8). The banner stays
until the user closes it or the next run starts, and never blocks the window.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from gui import theme


class MessageBanner(QFrame):
    """A closable banner with a message in bold and a hint below it.

    Signals:
        shown(str, str): ``(message, hint)`` each time an error is shown.
    """

    shown = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message_banner")
        self.setFrameShape(QFrame.StyledPanel)
        self._label = QLabel()
        self._label.setObjectName("message_text")
        self._label.setWordWrap(True)
        self._label.setTextFormat(Qt.RichText)
        self._label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        close = QToolButton()
        close.setText("×")
        close.setToolTip(self.tr("Dismiss"))
        close.setAutoRaise(True)
        close.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self._label, 1)
        layout.addWidget(close, 0, Qt.AlignTop)
        self._message = ""
        self._hint = ""
        self.setVisible(False)

    def show_error(self, message: str, hint: str = "") -> None:
        """Show ``message`` (what happened) and ``hint`` (what to change)."""
        self._show(message, hint, theme.ERROR_BG, theme.ERROR_BORDER, self.tr("Error"))
        self.shown.emit(message, hint)

    def show_info(self, message: str, hint: str = "") -> None:
        """Show a neutral notice (e.g. a run stopped before it measured anything)."""
        self._show(message, hint, theme.INFO_BG, "#868E96", "")

    def _show(self, message: str, hint: str, bg: str, border: str, prefix: str) -> None:
        self._message, self._hint = message, hint
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

    def clear(self) -> None:
        """Hide the banner."""
        self._message = self._hint = ""
        self._label.setText("")
        self.setVisible(False)

    def message(self) -> str:
        """The message shown, ``""`` when hidden."""
        return self._message

    def hint(self) -> str:
        """The hint shown, ``""`` when hidden."""
        return self._hint
