"""The run panel: what to run (model, mode, device, batch, precision, duration) and where.

It turns the form into an :class:`engine.core.config.RunConfig` (which validates itself and
raises :class:`~engine.core.config.ConfigError`) and offers Start and Stop; it runs nothing.
"""

from __future__ import annotations

import os
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.core.catalog import CATALOG, ModelInfo
from engine.core.config import MAX_BATCH, MAX_SECONDS, MAX_STEPS, PRECISIONS, RunConfig
from engine.core.format import number
from engine.core.values import msg
from engine.session.devices import DevicesReport
from gui.translation import Context
from gui.widgets import theme
from gui.widgets.words import language, words

_BAD_STYLE = "border: 2px solid " + theme.ERROR_BORDER + ";"


Devices = Context("Devices")
"""Translation context of this module's texts outside a QObject."""


def _pair(main: QWidget, side: QWidget) -> QWidget:
    """One form row of two widgets: ``main`` takes the width, ``side`` sits after it."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(main, 1)
    row.addWidget(side)
    widget = QWidget()
    widget.setLayout(row)
    return widget


def add_device_items(combo: QComboBox, devices: DevicesReport) -> None:
    """Fill ``combo`` with the device choices: auto, cpu, then each NVIDIA GPU.

    Each item's data is the device string (``"auto"``, ``"cpu"``, ``"cuda:N"``).
    """
    combo.addItem(Devices.tr("auto (GPU, else CPU)"), "auto")
    combo.setItemData(0, Devices.tr("The first NVIDIA GPU; the CPU when there is none"),
                      Qt.ItemDataRole.ToolTipRole)
    combo.addItem(Devices.tr("cpu"), "cpu")
    for gpu in devices.gpus:
        mem = ""
        if gpu.memory_total_bytes:
            mem = Devices.tr(" ({0:.0f} GiB)").format(gpu.memory_total_bytes / (1 << 30))
        text = f"cuda:{gpu.index} — {gpu.name}{mem}"
        combo.addItem(text, f"cuda:{gpu.index}")
        # the tooltip says it when the box cuts it
        combo.setItemData(combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)


class RunPanel(QWidget):
    """The form on the left of the window.

    Signals:
        start_requested(): Start was clicked.
        stop_requested(): Stop was clicked.
        model_changed(str): The selected model's catalog id.
        device_changed(str): The selected device (``"auto"``, ``"cpu"``, ``"cuda:N"``).
    """

    start_requested = Signal()
    stop_requested = Signal()
    model_changed = Signal(str)
    device_changed = Signal(str)

    def __init__(self, devices: DevicesReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._devices = devices
        self._running = False

        self.model_combo = QComboBox()
        self.model_combo.setObjectName("model_combo")
        for info in CATALOG.values():
            self.model_combo.addItem(info.title, info.id)
        self.description = QLabel()
        self.description.setObjectName("model_description")
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.RichText)
        self.description.setStyleSheet("color: #495057;")

        self.train_radio = QRadioButton(self.tr("Training"))
        self.infer_radio = QRadioButton(self.tr("Inference"))
        self.train_radio.setObjectName("mode_train")
        self.infer_radio.setObjectName("mode_infer")
        self.train_radio.setStyleSheet(f"color: {theme.TRAIN_COLOR}; font-weight: bold;")
        self.infer_radio.setStyleSheet(f"color: {theme.INFER_COLOR}; font-weight: bold;")
        self.train_radio.setChecked(True)
        self._mode_group = QButtonGroup(self)
        self._mode_group.addButton(self.train_radio)
        self._mode_group.addButton(self.infer_radio)
        mode_row = QHBoxLayout()
        mode_row.addWidget(self.train_radio)
        mode_row.addWidget(self.infer_radio)
        mode_row.addStretch(1)
        self._mode_widget = QWidget()
        self._mode_widget.setLayout(mode_row)
        mode_row.setContentsMargins(0, 0, 0, 0)

        self.weights_note = QLabel()
        self.weights_note.setObjectName("weights_note")
        self.weights_note.setWordWrap(True)
        self.weights_note.setStyleSheet("color: #868E96;")
        self._trained: dict[str, str] = {}

        self.device_combo = QComboBox()
        self.device_combo.setObjectName("device_combo")
        add_device_items(self.device_combo, devices)
        self.device_note = QLabel()
        self.device_note.setObjectName("device_note")
        self.device_note.setWordWrap(True)
        self.device_note.setStyleSheet("color: #868E96;")
        if not devices.available:
            self.device_note.setText(self.tr("No GPU: {0}").format(words(devices.msg)))
        else:
            self.device_note.setText(words(devices.msg))
        # Ranks (torchrun's --nproc-per-node): several GPUs, or CPU processes with gloo
        self.ranks_spin = QSpinBox()
        self.ranks_spin.setObjectName("ranks_spin")
        self.ranks_spin.setPrefix("× ")
        self.ranks_spin.setRange(1, 1)
        self.ranks_spin.setToolTip(self.tr(
            "Processes (ranks) on this machine, through torch.distributed: one per GPU "
            "(NCCL), or CPU processes sharing the cores (gloo). Training uses "
            "DistributedDataParallel (the batch size is per rank) and averages the "
            "gradients across ranks every step (all-reduce); inference runs independent "
            "replicas"))
        self._device_widget = _pair(self.device_combo, self.ranks_spin)

        self.host_edit = QLineEdit()
        self.host_edit.setObjectName("host_edit")
        self.host_edit.setPlaceholderText(self.tr("user@gpu-server"))
        self.host_edit.setClearButtonEnabled(True)
        self.host_edit.setToolTip(self.tr(
            "Empty: run on this machine. A host: run there through your ssh client (your "
            "keys and ~/.ssh/config); Trainfer must be installed on it, and its GPU's "
            "telemetry is plotted here."))

        self.batch_spin = QSpinBox()
        self.batch_spin.setObjectName("batch_spin")
        self.batch_spin.setRange(0, MAX_BATCH)
        self.batch_spin.setValue(0)
        self.batch_spin.setToolTip(self.tr("Samples per step; the lowest value is the default"))

        self.precision_combo = QComboBox()
        self.precision_combo.setObjectName("precision_combo")
        tips = {
            "fp32": self.tr("32-bit floats, TF32 off"),
            "tf32": self.tr("TF32 matrix multiplies (NVIDIA Ampere or newer)"),
            "bf16": self.tr("bfloat16 autocast (mixed precision)"),
            "fp16": self.tr("float16 autocast; training uses a gradient scaler"),
        }
        for name in PRECISIONS:
            self.precision_combo.addItem(name, name)
            self.precision_combo.setItemData(
                self.precision_combo.count() - 1, tips[name], Qt.ItemDataRole.ToolTipRole
            )

        self.duration_spin = QDoubleSpinBox()
        self.duration_spin.setObjectName("duration_spin")
        self.duration_unit = QComboBox()
        self.duration_unit.setObjectName("duration_unit")
        self.duration_unit.addItem(self.tr("seconds"), "seconds")
        self.duration_unit.addItem(self.tr("steps"), "steps")
        self._duration_widget = _pair(self.duration_spin, self.duration_unit)
        self._set_duration_unit("seconds")
        self.duration_spin.setValue(10.0)

        self.warmup_spin = QSpinBox()
        self.warmup_spin.setObjectName("warmup_spin")
        self.warmup_spin.setRange(0, 100_000)
        self.warmup_spin.setValue(3)
        self.warmup_spin.setToolTip(self.tr("Steps run before measuring; never averaged in"))

        self.optimizer_combo = QComboBox()
        self.optimizer_combo.setObjectName("optimizer_combo")
        self.optimizer_combo.addItem(self.tr("AdamW"), "adamw")
        self.optimizer_combo.addItem(self.tr("SGD (momentum 0.9)"), "sgd")

        for combo in (
            self.model_combo,
            self.device_combo,
            self.precision_combo,
            self.optimizer_combo,
        ):
            # Long entries (GPU names) must not widen the panel; the popup shows them whole.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Model"), self.model_combo)
        form.addRow(self.description)
        form.addRow(self.tr("Mode"), self._mode_widget)
        form.addRow(self.weights_note)
        form.addRow(self.tr("Device"), self._device_widget)
        form.addRow(self.device_note)
        form.addRow(self.tr("Host (SSH)"), self.host_edit)
        form.addRow(self.tr("Batch size"), self.batch_spin)
        form.addRow(self.tr("Precision"), self.precision_combo)
        form.addRow(self.tr("Duration"), self._duration_widget)
        form.addRow(self.tr("Warm-up steps"), self.warmup_spin)
        form.addRow(self.tr("Optimizer"), self.optimizer_combo)
        box = QGroupBox(self.tr("Experiment"))
        box.setLayout(form)

        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setObjectName("start_button")
        self.start_button.setDefault(True)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setObjectName("stop_button")
        self.stop_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(box)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self._field_widgets = {
            "model": self.model_combo,
            "device": self.device_combo,
            "batch_size": self.batch_spin,
            "precision": self.precision_combo,
            "seconds": self.duration_spin,
            "steps": self.duration_spin,
            "warmup_steps": self.warmup_spin,
            "optimizer": self.optimizer_combo,
            "mode": self._mode_widget,
            "host": self.host_edit,
            "remote_trainfer": self.host_edit,
        }

        self.start_button.clicked.connect(self.start_requested)
        self.stop_button.clicked.connect(self.stop_requested)
        self.model_combo.currentIndexChanged.connect(self._on_model_changed)
        self.device_combo.currentIndexChanged.connect(self._on_device_changed)
        self.ranks_spin.setRange(1, self.max_ranks())
        self.train_radio.toggled.connect(self._refresh_defaults)
        self.duration_unit.currentIndexChanged.connect(
            lambda _i: self._set_duration_unit(self.duration_unit.currentData())
        )
        for widget in set(self._field_widgets.values()):
            signal = (getattr(widget, "currentIndexChanged", None)
                      or getattr(widget, "valueChanged", None)
                      or getattr(widget, "textChanged", None))
            if signal is not None:
                signal.connect(lambda *_a, w=widget: w.setStyleSheet(""))
        self._on_model_changed()

    # -- reading the form ------------------------------------------------------------
    @property
    def model_id(self) -> str:
        """Catalog id of the selected model."""
        return str(self.model_combo.currentData())

    @property
    def model_info(self) -> ModelInfo:
        """Catalog entry of the selected model."""
        return CATALOG[self.model_id]

    @property
    def mode(self) -> str:
        """``"train"`` or ``"infer"``."""
        return "train" if self.train_radio.isChecked() else "infer"

    @property
    def device(self) -> str:
        """``"auto"``, ``"cpu"`` or ``"cuda:N"``."""
        return str(self.device_combo.currentData())

    @property
    def host(self) -> str:
        """The SSH host to run on (``USER@HOST``, as typed, trimmed); ``""``: this machine."""
        return self.host_edit.text().strip()

    def set_host(self, host: str) -> None:
        """Run on ``host`` over SSH (``""``: this machine)."""
        self.host_edit.setText(host)

    def device_kind(self) -> str:
        """Where the run will go: ``"cuda"`` or ``"cpu"`` (``auto`` resolved by NVML)."""
        if self.device.startswith("cuda"):
            return "cuda"
        if self.device == "auto" and self._devices.available:
            return "cuda"
        return "cpu"

    def config(self) -> RunConfig:
        """The run described by the form.

        Raises:
            ConfigError: A value the engine does not accept (the message names the field).
        """
        duration = self.duration_spin.value()
        seconds = steps = None
        if self.duration_unit.currentData() == "steps":
            steps = int(round(duration))
        else:
            seconds = float(duration)
        ranks = self.ranks_spin.value()
        device = self.device
        if ranks > 1 and device.startswith("cuda"):
            device = "cuda"  # rank i takes cuda:i
        return RunConfig(
            model=self.model_id,
            mode=self.mode,
            device=device,
            nproc_per_node=ranks,
            batch_size=self.batch_spin.value() or None,
            precision=str(self.precision_combo.currentData()),
            seconds=seconds,
            steps=steps,
            warmup_steps=self.warmup_spin.value(),
            optimizer=str(self.optimizer_combo.currentData()),
        )

    # -- writing the form (tests, --autostart) ---------------------------------------
    def set_model(self, model_id: str) -> None:
        """Select ``model_id``.

        Raises:
            KeyError: Unknown id.
        """
        index = self.model_combo.findData(model_id)
        if index < 0:
            raise KeyError(model_id)
        self.model_combo.setCurrentIndex(index)

    def set_mode(self, mode: str) -> None:
        """Select ``"train"`` or ``"infer"``."""
        (self.train_radio if mode == "train" else self.infer_radio).setChecked(True)

    def set_device(self, device: str) -> None:
        """Select ``device`` if it is listed (``"auto"``, ``"cpu"``, ``"cuda:N"``)."""
        index = self.device_combo.findData(device)
        if index >= 0:
            self.device_combo.setCurrentIndex(index)

    def set_duration(self, value: float, unit: str = "seconds") -> None:
        """Set the duration in ``"seconds"`` or ``"steps"``."""
        self.duration_unit.setCurrentIndex(self.duration_unit.findData(unit))
        self.duration_spin.setValue(value)

    def set_config(self, cfg: RunConfig) -> None:
        """Show ``cfg``'s model, mode, device, batch, precision, duration, warm-up and optimizer.

        Raises:
            KeyError: A model the catalog does not have.
        """
        self.set_model(cfg.model)
        self.set_mode(cfg.mode)
        self.set_device(cfg.device)
        self.batch_spin.setValue(cfg.batch_size or 0)
        self.precision_combo.setCurrentIndex(max(0, self.precision_combo.findData(cfg.precision)))
        if cfg.steps is not None:
            self.set_duration(cfg.steps, "steps")
        elif cfg.seconds is not None:
            self.set_duration(cfg.seconds, "seconds")
        self.warmup_spin.setValue(cfg.warmup_steps)
        self.optimizer_combo.setCurrentIndex(max(0, self.optimizer_combo.findData(cfg.optimizer)))
        self.ranks_spin.setValue(cfg.nproc_per_node)

    def set_running(self, running: bool) -> None:
        """Lock the form and swap Start/Stop while a run is in progress."""
        self._running = running
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        for widget in set(self._field_widgets.values()):
            widget.setEnabled(not running)
        self.duration_unit.setEnabled(not running)
        self._refresh_defaults()

    def highlight_field(self, field: str | None) -> None:
        """Outline the widget of a setting that a :class:`ConfigError` named."""
        widget = self._field_widgets.get(field or "")
        if widget is not None:
            widget.setStyleSheet(_BAD_STYLE)
            widget.setFocus()

    # -- reactions -------------------------------------------------------------------
    def _set_duration_unit(self, unit: str) -> None:
        if unit == "steps":
            self.duration_spin.setDecimals(0)
            self.duration_spin.setRange(1, MAX_STEPS)
            self.duration_spin.setSingleStep(10)
            self.duration_spin.setSuffix("")
            if self.duration_spin.value() < 10:
                self.duration_spin.setValue(100)
        else:
            self.duration_spin.setDecimals(1)
            self.duration_spin.setRange(0.5, MAX_SECONDS)
            self.duration_spin.setSingleStep(1.0)
            self.duration_spin.setSuffix(self.tr(" s"))

    def _on_model_changed(self, *_args: object) -> None:
        info = self.model_info
        params = info.approx_params / 1e6
        self.description.setText(
            f"{escape(words(info.description))}<br><i>"
            + escape(self.tr("≈{0} M parameters · {1}").format(
                number(params, language(), decimals=1), words(msg(f"item.{info.sample_unit}"))))
            + "</i>"
        )
        self._refresh_defaults()
        self.model_changed.emit(info.id)

    def max_ranks(self) -> int:
        """Ranks the chosen device allows: its machine's GPUs, or the CPU's cores (≥ 2)."""
        if self.device_kind() == "cuda":
            return max(1, len(self._devices.gpus))
        return max(2, os.cpu_count() or 1)

    def _on_device_changed(self, *_args: object) -> None:
        self.ranks_spin.setRange(1, self.max_ranks())
        self._refresh_defaults()
        self.device_changed.emit(self.device)

    def set_trained(self, trained: dict[str, str]) -> None:
        """Models whose trained weights the next inference run starts from.

        Args:
            trained: Model id -> what trained them, in words (``"loss 0.642, 33 steps"``).
        """
        self._trained = dict(trained)
        self._refresh_weights_note()

    def _refresh_weights_note(self) -> None:
        trained = self._trained.get(self.model_id)
        if self.mode == "train":
            text = self.tr("Weights: random initialization; inference runs of this model "
                           "that follow will predict with the trained weights.")
        elif trained:
            text = self.tr("Weights: from this session's training run ({0}).").format(trained)
        else:
            text = self.tr("Weights: random (train this model first to predict with trained "
                           "weights and measure their accuracy).")
        self.weights_note.setText(text)

    def _refresh_defaults(self, *_args: object) -> None:
        self._refresh_weights_note()
        batch = self.model_info.default_batch_size(self.mode, self.device_kind())
        self.batch_spin.setSpecialValueText(self.tr("default ({0})").format(batch))
        self.optimizer_combo.setEnabled(self.mode == "train" and not self._running)
