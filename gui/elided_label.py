"""A one-line label that ends in "…" when its text does not fit (the full text is kept)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    """A :class:`QLabel` that elides its text on the right to fit its width.

    :meth:`text` returns the full text; the tooltip shows it too when it is cut.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        """Show ``text``, cut with "…" if it does not fit."""
        self._full = text
        self._elide()

    def text(self) -> str:
        """The full text, whatever is shown."""
        return self._full

    def shown_text(self) -> str:
        """What is drawn (the text, or its elided start)."""
        return super().text()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Elide again for the new width."""
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        margins = self.contentsMargins()
        width = max(0, self.width() - margins.left() - margins.right() - 14)  # the padding
        shown = self.fontMetrics().elidedText(self._full, Qt.ElideRight, width)
        super().setText(shown)
