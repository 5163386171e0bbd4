"""Edit ▸ Preferences…: the dialog over :class:`gui.preferences.Preferences`.

OK hands the chosen preferences back (:meth:`PreferencesDialog.preferences`), Cancel
drops them, Restore Defaults puts the defaults in the form (kept only with OK). Each
setting says when it applies.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui.preferences import LAST_DEVICE, MAX_HISTORY_S, MAX_HZ, MIN_HZ, Preferences
from gui.widgets.png_size_dialog import MAX_WIDTH, MIN_WIDTH

NOTE_WIDTH = 420
"""Width (px) the notes under the settings wrap to: a line or two in either language."""


class PreferencesDialog(QDialog):
    """The preferences form.

    Args:
        prefs: The preferences shown first.
        devices: ``(device id, words)`` of the devices the run panel offers.
        default_data_dir: The folder runs go to without a preference (shown greyed).
        data_dir_winner: What overrides the data folder now (``"--data-dir"``,
            ``"TRAINFER_DATA_DIR"``), ``""`` when nothing does.
        saved: Whether OK writes the preferences to the settings (not with
            ``--no-settings``, which the dialog then says).
    """

    def __init__(self, prefs: Preferences, devices: list[tuple[str, str]],
                 default_data_dir: str = "", data_dir_winner: str = "", saved: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferences_dialog")
        self.setWindowTitle(self.tr("Preferences"))

        self.language = QComboBox()
        self.language.setObjectName("pref_language")
        self.language.addItem(self.tr("Follow the system"), "system")
        self.language.addItem("English", "en")
        self.language.addItem("Português (Brasil)", "pt_BR")

        self.device = QComboBox()
        self.device.setObjectName("pref_device")
        self.device.addItem(self.tr("The one used last"), LAST_DEVICE)
        for device, text in devices:
            self.device.addItem(text, device)

        self.sample_hz = QSpinBox()
        self.sample_hz.setObjectName("pref_sample_hz")
        self.sample_hz.setRange(MIN_HZ, MAX_HZ)
        self.sample_hz.setSuffix(self.tr(" Hz"))

        self.history = QSpinBox()
        self.history.setObjectName("pref_history")
        self.history.setRange(0, MAX_HISTORY_S)
        self.history.setSingleStep(10)
        self.history.setSpecialValueText(self.tr("Whole run"))
        self.history.setSuffix(self.tr(" s"))

        self.png_width = QSpinBox()
        self.png_width.setObjectName("pref_png_width")
        self.png_width.setRange(MIN_WIDTH, MAX_WIDTH)
        self.png_width.setSingleStep(100)
        self.png_width.setSuffix(" px")

        self.export_format = QComboBox()
        self.export_format.setObjectName("pref_export_format")
        self.export_format.addItem(self.tr("PNG image"), "png")
        self.export_format.addItem(self.tr("SVG vector image"), "svg")

        self.data_dir = QLineEdit()
        self.data_dir.setObjectName("pref_data_dir")
        self.data_dir.setPlaceholderText(default_data_dir)
        self.data_dir.setClearButtonEnabled(True)
        choose = QPushButton(self.tr("Choose…"))
        choose.setObjectName("pref_data_dir_choose")
        choose.clicked.connect(self._choose_folder)
        folder = QHBoxLayout()
        folder.setContentsMargins(0, 0, 0, 0)
        folder.addWidget(self.data_dir, 1)
        folder.addWidget(choose)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("Interface language"), self.language)
        form.addRow("", self._note(self.tr(
            "Applies at the next start. trainfer --lang wins over it.")))
        form.addRow(self.tr("Device when the window opens"), self.device)
        form.addRow(self.tr("Telemetry sampling rate"), self.sample_hz)
        form.addRow("", self._note(self.tr(
            "How often NVML and the host are read during a run; applies to new runs.")))
        form.addRow(self.tr("Live plots show"), self.history)
        form.addRow("", self._note(self.tr(
            "The newest seconds of a run; the plots scroll and keep the whole run (zoom "
            "out to see it).")))
        form.addRow(self.tr("PNG export width"), self.png_width)
        form.addRow(self.tr("Plot export format"), self.export_format)
        form.addRow("", self._note(self.tr(
            "What a plot's export dialog offers first, and what Copy puts on the "
            "clipboard besides the image.")))
        form.addRow(self.tr("Data folder"), folder)
        winner = (self.tr("Now {0} wins over it.").format(data_dir_winner)
                  if data_dir_winner else "")
        self.data_dir_note = self._note(" ".join(t for t in (self.tr(
            "Where runs are kept; empty: the default folder. Applies at the next start; "
            "--data-dir and TRAINFER_DATA_DIR win over it."), winner) if t))
        form.addRow("", self.data_dir_note)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(lambda: self.set_preferences(Preferences()))

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if not saved:
            self.unsaved_note = self._note(self.tr(
                "Trainfer was started with --no-settings: these preferences last until it "
                "closes and are not saved."))
            layout.addWidget(self.unsaved_note)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.set_preferences(prefs)

    @staticmethod
    def _note(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        # a wrapped label's height is laid out for its minimum width: make that wide
        label.setMinimumWidth(NOTE_WIDTH)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        label.setStyleSheet("color: #495057;")
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def button(self, which: QDialogButtonBox.StandardButton) -> QPushButton:
        """The dialog's OK, Cancel or Restore Defaults button."""
        return self.buttons.button(which)

    def set_preferences(self, prefs: Preferences) -> None:
        """Show ``prefs`` in the form (a device no longer offered shows "the one used last")."""
        self.language.setCurrentIndex(max(0, self.language.findData(prefs.language)))
        self.device.setCurrentIndex(max(0, self.device.findData(prefs.device)))
        self.sample_hz.setValue(prefs.sample_hz)
        self.history.setValue(prefs.history_s)
        self.png_width.setValue(prefs.png_width)
        self.export_format.setCurrentIndex(max(0, self.export_format.findData(
            prefs.export_format)))
        self.data_dir.setText(prefs.data_dir)

    def preferences(self) -> Preferences:
        """What the form says now."""
        return Preferences(
            language=str(self.language.currentData()),
            device=str(self.device.currentData()),
            sample_hz=self.sample_hz.value(),
            history_s=self.history.value(),
            png_width=self.png_width.value(),
            export_format=str(self.export_format.currentData()),
            data_dir=self._folder(),
        )

    def _folder(self) -> str:
        """The data folder as a full path (``~`` expanded), ``""`` for the default."""
        text = self.data_dir.text().strip()
        return str(Path(text).expanduser().absolute()) if text else ""

    def _choose_folder(self) -> None:
        start = self.data_dir.text() or self.data_dir.placeholderText()
        folder = QFileDialog.getExistingDirectory(self, self.tr("Data folder"), start)
        if folder:
            self.data_dir.setText(folder)


__all__ = ["PreferencesDialog"]
