"""Ask for the pixel width of an exported PNG (the height follows the picture's shape).

Sizes are image pixels, whatever the screen's scale factor: a 1920 px export is 1920 pixels
wide on a 4K laptop at 200 % and on a 1080p monitor alike.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

PRESETS = (800, 1280, 1600, 1920, 2560, 3840)
"""Widths offered in the preset list (px)."""
MIN_WIDTH, MAX_WIDTH = 200, 8000


class PngSizeDialog(QDialog):
    """Width in pixels, a preset list, and the resulting height.

    Args:
        width: Initial width (px).
        aspect: Height / width of the picture, to show the resulting height.
    """

    def __init__(self, width: int, aspect: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("PNG size"))
        self._aspect = aspect
        self.presets = QComboBox()
        self.presets.setObjectName("png_presets")
        self.presets.addItem(self.tr("Custom"), 0)
        for w in PRESETS:
            self.presets.addItem(self.tr("{0} px wide").format(w), w)
        self.width_spin = QSpinBox()
        self.width_spin.setObjectName("png_width")
        self.width_spin.setRange(MIN_WIDTH, MAX_WIDTH)
        self.width_spin.setSuffix(" px")
        self.width_spin.setSingleStep(100)
        self.height_label = QLabel()
        self.presets.currentIndexChanged.connect(self._preset_chosen)
        self.width_spin.valueChanged.connect(self._width_changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Preset"), self.presets)
        form.addRow(self.tr("Width"), self.width_spin)
        form.addRow(self.tr("Height"), self.height_label)
        form.addRow(buttons)
        self.width_spin.setValue(max(MIN_WIDTH, min(MAX_WIDTH, int(width))))
        self._width_changed(self.width_spin.value())

    def value(self) -> int:
        """The chosen width (px)."""
        return int(self.width_spin.value())

    def _preset_chosen(self, _index: int) -> None:
        width = int(self.presets.currentData() or 0)
        if width:
            self.width_spin.setValue(width)

    def _width_changed(self, width: int) -> None:
        height = max(1, round(width * self._aspect))
        self.height_label.setText(
            self.tr("{0} px (keeps the picture's shape)").format(height)
        )
        index = self.presets.findData(width)
        self.presets.blockSignals(True)
        self.presets.setCurrentIndex(max(0, index))
        self.presets.blockSignals(False)


def ask_png_width(parent: QWidget | None, width: int, aspect: float) -> int | None:
    """Ask for a PNG width; ``None`` when the user cancels.

    Tests replace this function to avoid the modal dialog.
    """
    dialog = PngSizeDialog(width, aspect, parent)
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
