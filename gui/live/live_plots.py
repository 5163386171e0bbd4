"""The Live tab: telemetry and step statistics of the current run against time.

Plots are built once; events append to :class:`gui.live.series.Series` buffers and a 10 Hz
``QTimer`` pushes changed buffers to their curves with ``setData`` (STYLE.md 5). x is
seconds since the run started (the moment Start was pressed). Training and inference
keep their colours; the last run of the other mode, for the same model, stays on the
plots so the two can be compared.

The same plots show stored data: a replay or an opened run arrives through the same slots,
and :meth:`LivePlots.show_overlay` draws several runs at once (see :mod:`gui.live.overlay`).
The strip above the plots (:class:`gui.live.source_banner.SourceBanner`) says which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.core.events import GpuSample, Phase, Sample, StepStats, TelemetryStatus
from gui.live import dashboard_export
from gui.live.event_series import sample_points, step_points
from gui.live.overlay import OverlayLayer, OverlayRun
from gui.live.overlay import color as overlay_color
from gui.live.series import Series
from gui.live.source_banner import SourceBanner
from gui.widgets import theme
from gui.widgets.plot_panel import PlotPanel, set_legend_size
from gui.widgets.words import GIB, said

MODES = ("train", "infer")
STEP_PHASES = ("warmup", "measure")
GPU_KEYS = ("gpu_util", "gpu_mem", "power", "energy")
STEP_KEYS = ("throughput", "step_time", "loss")
HOST_KEYS = ("cpu_util", "rss")
ORDER_WITH_GPU = (*STEP_KEYS, *GPU_KEYS, *HOST_KEYS)
ORDER_WITHOUT_GPU = (*STEP_KEYS, *HOST_KEYS, *GPU_KEYS)
COLUMNS = 3
REFRESH_MS = 100
"""Plot refresh period (10 Hz)."""
MAX_STALE_S = 1.0
"""Seconds of data a curve may hold back on a timer tick while its new points span less
than half a pixel (a long run: at one hour on 400 px a pixel is 9 s)."""
X_HEADROOM = 0.1
"""The shared time axis grows in steps of this fraction beyond the newest point, so its
ticks and labels are laid out again every 10% of growth, not on every tick (a change
of range redraws every plot: about 40 ms for the nine on 2 cores)."""
NEEDS = {
    "gpu_util": ("gpu_util", "gpm"),
    "gpu_mem": ("memory",),
    "power": ("power", "power_instant"),
    "energy": ("energy", "power"),
}
"""Readings (``TelemetryStatus.supported`` keys) that can feed each GPU plot; a plot is
N/A only when all of them are unsupported (energy is estimated from power without the
counter)."""
EXTRA_VARIANTS: dict[str, tuple[tuple[str, Qt.PenStyle, float, int], ...]] = {
    "gpu_util": (("sm", Qt.PenStyle.DashLine, 1.5, 255), ("tensor", Qt.PenStyle.DotLine, 2.0, 255)),
    "power": (("instant", Qt.PenStyle.SolidLine, 1.0, 130),),
    "energy": (("cpu", Qt.PenStyle.DashLine, 2.0, 255),),
}
"""Second curves of some telemetry plots: (variant, pen style, width, alpha)."""
GPU_CURVE_KEYS = ("gpu_util", "gpu_mem", "power")
"""Plots that draw one curve for each other GPU of the machine (:class:`GpuSample`)."""
GPU_DASHES = (Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine,
              Qt.PenStyle.DashDotDotLine)
"""Line styles that tell the GPUs apart (the colour stays the mode's)."""
LABEL_POSITIONS = (0.93, 0.78, 0.63)
"""Heights (fraction of the plot) of phase labels, cycled so close phases don't overlap."""


@dataclass
class _Trace:
    """The buffers of one run of one mode."""

    model: str = ""
    series: dict[str, Series] = field(default_factory=dict)

    def clear(self) -> None:
        for s in self.series.values():
            s.clear()

    def has_data(self, key: str) -> bool:
        return any(s.has_finite for name, s in self.series.items() if name.split("/")[0] == key)


PRESENTED_PLOTS = 6
"""Plots shown in presentation mode: the first two rows of the Live tab's order."""


class LivePlots(QWidget):
    """Nine live plots, a legend, and the phase marks of the current run.

    Feed it with :meth:`begin_run` and the event slots (:meth:`add_sample`,
    :meth:`add_step`, :meth:`add_phase`, :meth:`set_telemetry_status`).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme.apply_plot_theme()
        self._t0: float | None = None
        self._mode = "train"
        self._is_lm = False
        self._warmup_region: list[pg.LinearRegionItem] = []
        self._warmup_open = False
        self._n_phases = 0
        self._x_max = 0.0
        self._x_shown = 1.0
        self._history_s = 0.0  # Preferences: seconds shown of a run, 0 the whole run
        self._follow: set[str] = set()
        self._gpu_available = True
        self._gpu_note: str | None = None
        self._unsupported: set[str] = set()
        self._cpu_energy = False  # a RAPL reading arrived: the energy plot is not N/A
        self._present_scale: float | None = None  # presentation mode's scale, if on
        self._gpus: dict[int, bool] = {}  # other GPUs seen: NVML index -> the run uses it
        self._primary_gpu: int | None = None
        self._show_all_gpus = False
        self._ranks = 1  # ranks of the run shown (its step records are rank 0's)

        titles = {
            "throughput": (self.tr("Throughput"), self.tr("samples/s")),
            "step_time": (self.tr("Step time"), self.tr("ms")),
            "loss": (self.tr("Training loss"), self.tr("loss")),
            "gpu_util": (self.tr("GPU utilization (NVML)"), self.tr("%")),
            "gpu_mem": (self.tr("GPU memory in use"), self.tr("GiB")),
            "power": (self.tr("Power draw"), self.tr("W")),
            "energy": (self.tr("Energy (cumulative)"), self.tr("J")),
            "cpu_util": (self.tr("CPU utilization (machine)"), self.tr("%")),
            "rss": (self.tr("Run process memory (RSS)"), self.tr("GiB")),
        }
        self._panels: dict[str, PlotPanel] = {
            key: PlotPanel(key, title, unit) for key, (title, unit) in titles.items()
        }
        for key in ("throughput", "step_time"):  # their size is the message (include_zero)
            self._panels[key].include_zero()
        for key, text in self.help_texts().items():
            self._panels[key].set_help(text)
        self._panels["loss"].hover_unit = ""  # the axis says "loss": no unit to repeat
        self._variant_names = {
            "gpu_util": {
                "measure": self.tr("NVML utilization"),
                "sm": self.tr("SM activity (GPM)"),
                "tensor": self.tr("Tensor Core activity (GPM)"),
            },
            "power": {
                "measure": self.tr("1 s average (NVML)"),
                "instant": self.tr("instant"),
            },
            "energy": {
                "measure": self.tr("GPU (NVML)"),
                "cpu": self.tr("CPU package + DRAM (RAPL)"),
            },
        }
        self._traces = {mode: _Trace() for mode in MODES}
        self._curves: dict[tuple[str, str, str], pg.PlotDataItem] = {}
        for mode in MODES:
            color = theme.mode_color(mode)
            trace = self._traces[mode]
            for key, panel in self._panels.items():
                if key in STEP_KEYS:
                    for phase in STEP_PHASES:
                        trace.series[f"{key}/{phase}"] = Series()
                        self._curves[(key, mode, phase)] = self._step_curve(
                            panel, color, phase, self._hover_name(key, mode, phase))
                else:
                    trace.series[f"{key}/measure"] = Series()
                    self._curves[(key, mode, "measure")] = panel.add_curve(
                        pg.mkPen(color, width=2),
                        hover_name=self._hover_name(key, mode, "measure"))
                    for variant, style, width, alpha in EXTRA_VARIANTS.get(key, ()):
                        trace.series[f"{key}/{variant}"] = Series()
                        pen = pg.mkPen(theme.faded(theme.mode_color(mode), alpha), width=width,
                                       style=style)
                        self._curves[(key, mode, variant)] = panel.add_curve(
                            pen, hover_name=self._hover_name(key, mode, variant))
        self._variant_legends: dict[str, pg.LegendItem] = {}

        for key, panel in self._panels.items():
            # A user who pans or zooms a plot takes it off the shared, growing time axis.
            panel.plot_item.getViewBox().sigRangeChangedManually.connect(
                lambda *_a, k=key: self._follow.discard(k)
            )

        self._overlay = OverlayLayer(self._panels)
        self.source_banner = SourceBanner()

        self._grid = QGridLayout()
        self._grid.setSpacing(6)
        self._arrange(ORDER_WITH_GPU)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.source_banner)
        layout.addLayout(self._legend())
        layout.addLayout(self._grid, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        self._update_loss_note()
        self._panels["throughput"].set_note(self.idle_note())

    def idle_note(self) -> str:
        """What the Throughput plot says before any run is shown."""
        return self.tr("No run yet: press Start on the left, or open a stored run from "
                       "History.")

    # -- construction ----------------------------------------------------------------
    def help_texts(self) -> dict[str, str]:
        """Each plot's tooltip: what it shows, where the numbers come from, its unit."""
        return {
            "throughput": self.tr(
                "Samples (tokens for language models) processed per second, step by step: "
                "the batch divided by the step time, measured in the run process with CUDA "
                "events on a GPU and the host clock on a CPU. Unit: samples/s (tokens/s)."),
            "step_time": self.tr(
                "Time of one step: forward, and in training also backward and the optimizer "
                "step. Measured in the run process with CUDA events on a GPU and the host "
                "clock on a CPU. Warm-up steps (hollow circles) are never averaged in. "
                "Unit: ms."),
            "loss": self.tr(
                "The training loss of each step (the model's loss function on its batch), "
                "reported by the run process. Inference computes none. Unit: the loss's "
                "own (no physical unit)."),
            "gpu_util": self.tr(
                "GPU utilization from NVML: the share of time in which at least one kernel "
                "ran on the GPU. It does not say how busy the SMs are: one small kernel at a "
                "time reads 100%. SM activity and Tensor Core activity (dashed and dotted, "
                "NVML's GPM metrics, Hopper and newer) say that. Unit: %."),
            "gpu_mem": self.tr(
                "Memory in use on the whole GPU, from NVML (every process's, the CUDA "
                "context and the allocator's cache included). The run's own peak, from the "
                "CUDA allocator's statistics, is in the Compare tab. Unit: GiB."),
            "power": self.tr(
                "Power draw of the GPU from NVML: the 1 s average (solid) and, where the GPU "
                "has it, the instant reading (faint). Unit: W."),
            "energy": self.tr(
                "Energy used since the run started: NVML's energy counter of the GPU, or "
                "power integrated over time (marked estimated) without one; on a CPU the "
                "RAPL counters of the CPU packages and DRAM (dashed). Unit: J."),
            "cpu_util": self.tr(
                "Utilization of all the machine's CPU cores (every process, not only the "
                "run's), read from the operating system by psutil in the app's process. "
                "Unit: %."),
            "rss": self.tr(
                "The run process's resident set (RSS): the RAM the operating system holds "
                "for it, the Python interpreter and torch included (and the tensors on a "
                "CPU), read by psutil. Unit: GiB."),
        }

    def _hover_name(self, key: str, mode: str, phase: str) -> str:
        """How the hover readout names curve ``(key, mode, phase)``."""
        name = self.tr("training") if mode == "train" else self.tr("inference")
        if phase == "warmup":
            return self.tr("{0}, warm-up").format(name)
        variants = self._variant_names.get(key, {})
        if phase in variants and len(variants) > 1:
            return self.tr("{0}, {1}").format(name, variants[phase])
        if phase.startswith("gpu"):
            return self.tr("{0}, GPU {1}").format(name, phase[3:])
        return name

    @staticmethod
    def _step_curve(panel: PlotPanel, color: str, phase: str,
                    hover_name: str = "") -> pg.PlotDataItem:
        if phase == "warmup":
            # Warm-up steps: dashed, hollow circles; never averaged into the results.
            # The first steps can take seconds (allocation, autotuning): they do not set
            # the step-time axis, which would flatten the measured line.
            return panel.add_curve(
                pg.mkPen(color, width=1, style=Qt.PenStyle.DashLine),
                symbol="o",
                symbolSize=6,
                symbolPen=pg.mkPen(color, width=1.5),
                symbolBrush=pg.mkBrush(255, 255, 255),
                ignore_bounds=panel.key == "step_time",
                hover_name=hover_name,
            )
        return panel.add_curve(pg.mkPen(color, width=2), hover_name=hover_name)

    def _legend(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(4, 0, 4, 0)
        items = (  # (symbol, words): each item stays on one line
            (f"<span style='color:{theme.TRAIN_COLOR}; font-size:14pt'>■</span>",
             self.tr("training")),
            (f"<span style='color:{theme.INFER_COLOR}; font-size:14pt'>■</span>",
             self.tr("inference")),
            ("<span style='font-size:12pt'>- ○ -</span>", self.tr("warm-up steps (not measured)")),
            ("<span style='background:#E9ECEF'>&nbsp;&nbsp;&nbsp;&nbsp;</span>",
             self.tr("warm-up phase")),
            ("<span style='color:#495057'>┆</span>", self.tr("phase change")),
        )
        # one label that wraps between items (never inside one) when the window is narrow:
        # a row of separate labels made the Live tab 1,028 px wide at least
        legend = QLabel(" &nbsp;&nbsp; ".join(
            f"{symbol}&nbsp;{escape(text).replace(' ', '&nbsp;')}" for symbol, text in items))
        legend.setObjectName("mode_legend")
        legend.setTextFormat(Qt.TextFormat.RichText)
        legend.setWordWrap(True)
        row.addWidget(legend, 2)
        self._mode_legend: list[QLabel] = [legend]
        self._overlay_legend = QLabel()
        self._overlay_legend.setObjectName("overlay_legend")
        self._overlay_legend.setTextFormat(Qt.TextFormat.RichText)
        self._overlay_legend.setWordWrap(True)
        self._overlay_legend.setVisible(False)
        row.addWidget(self._overlay_legend, 1)
        self._gpu_legend = QLabel()
        self._gpu_legend.setObjectName("gpu_legend")
        self._gpu_legend.setWordWrap(True)
        self._gpu_legend.setToolTip(self.tr(
            "The GPU plots draw one curve per GPU: the run's first GPU solid, every other "
            "GPU of the machine with its own dashes. NVML reads every GPU at the same rate"))
        self._gpu_legend.setVisible(False)
        row.addWidget(self._gpu_legend, 1)
        row.addStretch(1)
        self._x_note = QLabel(self.tr("x: seconds since Start was pressed"))
        self._x_note.setWordWrap(True)
        self._x_note.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self._x_note, 1)
        self.dashboard_button = QToolButton()
        self.dashboard_button.setObjectName("dashboard_png_button")
        self.dashboard_button.setText(self.tr("Dashboard PNG…"))
        self.dashboard_button.setToolTip(self.tr("Export all plots as one PNG image"))
        self.dashboard_button.setAutoRaise(True)
        self.dashboard_button.clicked.connect(self.export_dashboard_with_dialog)
        row.addWidget(self.dashboard_button)
        return row

    def _add_variant_legend(self, key: str) -> None:
        """Explain line styles (not colours) of a plot with several readings, once."""
        if key in self._variant_legends:
            return
        legend = self._panels[key].plot_item.addLegend(
            offset=(-4, 4), brush=pg.mkBrush(255, 255, 255, 110), labelTextSize="8pt"
        )
        if self._present_scale is not None:  # presenting: as large as the legends before
            set_legend_size(legend, f"{round(8 * self._present_scale)}pt")
        styles = {"measure": (Qt.PenStyle.SolidLine, 2.0)}
        styles.update({v: (st, w) for v, st, w, _a in EXTRA_VARIANTS[key]})
        for variant, name in self._variant_names[key].items():
            style, width = styles[variant]
            sample = pg.PlotDataItem(pen=pg.mkPen(theme.PHASE_LINE, width=width, style=style))
            legend.addItem(sample, name)
        self._variant_legends[key] = legend

    def _arrange(self, order: tuple[str, ...]) -> None:
        self._order = order
        presenting = self._present_scale is not None
        for i, key in enumerate(order):
            self._grid.addWidget(self._panels[key], i // COLUMNS, i % COLUMNS)
            self._panels[key].setVisible(not presenting or i < PRESENTED_PLOTS)

    # -- accessors -------------------------------------------------------------------
    def panel(self, key: str) -> PlotPanel:
        """The plot panel for ``key`` (``"gpu_util"``, ``"throughput"``, ...)."""
        return self._panels[key]

    def set_presentation(self, scale: float | None) -> None:
        """Every plot ``scale`` times larger and without its export buttons.

        The strip's export button and axis note are hidden too (presentation mode);
        ``None`` undoes it.
        """
        for panel in self._panels.values():
            panel.set_presentation(scale)
        self._present_scale = scale  # for legends made while presenting
        if scale is None:  # also those made while presenting go back to their 8 pt
            for legend in self._variant_legends.values():
                set_legend_size(legend, "8pt")
        # two rows of larger plots rather than three small ones: the first six of the
        # order (rates, loss, then the GPU's readings, or the CPU's without a GPU)
        for i, key in enumerate(self._order):
            self._panels[key].setVisible(scale is None or i < PRESENTED_PLOTS)
        self._x_note.setVisible(scale is None)
        self.dashboard_button.setVisible(scale is None)

    def panels(self) -> dict[str, PlotPanel]:
        """Every plot panel by key."""
        return dict(self._panels)

    def curve(self, key: str, mode: str, phase: str = "measure") -> pg.PlotDataItem:
        """The curve of ``key`` for ``mode``.

        ``phase`` picks a second curve: ``"warmup"`` on step plots, ``"sm"`` and
        ``"tensor"`` on GPU utilization, ``"instant"`` on power.
        """
        return self._curves[(key, mode, phase)]

    def set_x_note(self, text: str | None) -> None:
        """Say what x means above the plots; ``None`` restores the live-run wording."""
        self._x_note.setText(text or self.tr("x: seconds since Start was pressed"))

    def legend_entries(self) -> list[tuple[str, str]]:
        """``(name, #RRGGBB)`` of what the curves' colours mean now (for exported images)."""
        if self._overlay.active:
            return [(run.label, overlay_color(i)) for i, run in enumerate(self._overlay.runs)]
        return [
            (self.tr("training"), theme.TRAIN_COLOR),
            (self.tr("inference"), theme.INFER_COLOR),
        ]

    def order(self) -> list[str]:
        """Plot keys in grid order (row by row)."""
        found = []
        for key, panel in self._panels.items():
            idx = self._grid.indexOf(panel)
            found.append((idx, key))
        return [key for _, key in sorted(found)]

    # -- run lifecycle ---------------------------------------------------------------
    def begin_run(self, mode: str, model: str, is_language_model: bool, t0_s: float) -> None:
        """Reset ``mode``'s curves for a new run that started at monotonic ``t0_s``.

        The other mode's last run stays visible if it ran the same model. An overlay is
        cleared.
        """
        if self._overlay.active:
            self.clear_overlay()
        self._t0 = t0_s
        self._mode = mode
        self._is_lm = is_language_model
        other = self._traces["infer" if mode == "train" else "train"]
        if other.model != model:
            other.clear()
            other.model = ""
        trace = self._traces[mode]
        trace.clear()
        trace.model = model
        self._gpus.clear()
        self._update_gpu_legend()
        self._unsupported.clear()
        for panel in self._panels.values():
            panel.clear_phase_marks()
            panel.plot_item.enableAutoRange(y=True)
        self._follow = set(self._panels)
        self._x_max = 0.0
        self._set_x_range(1.0)
        self._warmup_region = []
        self._warmup_open = False
        self._n_phases = 0
        unit = self.tr("tokens/s") if is_language_model else self.tr("samples/s")
        self._panels["throughput"].plot_item.setLabel("left", unit)
        self._ranks = 1
        self._panels["throughput"].set_note(None)
        self._update_gpu_notes()
        self._update_loss_note()
        self.refresh()

    def _x(self, t_s: float) -> float:
        return t_s - self._t0 if self._t0 is not None else 0.0

    def _series(self, key: str, phase: str = "measure") -> Series:
        return self._traces[self._mode].series[f"{key}/{phase}"]

    # -- event slots -----------------------------------------------------------------
    def add_sample(self, sample: Sample) -> None:
        """Append one telemetry reading; ``None`` fields become gaps."""
        if self._t0 is None:
            return
        x = self._x(sample.t_s)
        for key, variant, y in sample_points(sample):
            self._series(key, variant).append(x, y)
        if sample.cpu_energy_j is not None and not self._cpu_energy:
            self._cpu_energy = True
            self._update_gpu_notes()

    def add_gpu_sample(self, reading: GpuSample) -> None:
        """Append a reading of another GPU: one curve per GPU on the GPU plots.

        GPUs the run uses are drawn; the machine's other GPUs only when
        :meth:`show_all_gpus` is on (someone else's job on them explains a slow run).
        """
        if self._t0 is None:
            return
        x = self._x(reading.t_s)
        index = reading.gpu_index
        if self._gpus.get(index) is None or (reading.in_run and not self._gpus[index]):
            self._gpus[index] = reading.in_run
            self._update_gpu_legend()
        mem = reading.mem_used_bytes
        for key, y in (("gpu_util", reading.gpu_util_pct),
                       ("gpu_mem", None if mem is None else mem / GIB),
                       ("power", reading.power_w)):
            self._gpu_series(key, index).append(x, y)

    def _gpu_series(self, key: str, index: int) -> Series:
        """The series (and curve) of GPU ``index`` on plot ``key`` in the current mode."""
        trace = self._traces[self._mode]
        name = f"{key}/gpu{index}"
        series = trace.series.get(name)
        if series is None:
            series = trace.series[name] = Series()
            pen = pg.mkPen(theme.faded(theme.mode_color(self._mode), 200), width=1.5,
                           style=GPU_DASHES[index % len(GPU_DASHES)])
            curve = self._panels[key].add_curve(
                pen, hover_name=self._hover_name(key, self._mode, f"gpu{index}"))
            curve.setVisible(self._gpus.get(index, False) or self._show_all_gpus)
            self._curves[(key, self._mode, f"gpu{index}")] = curve
        return series

    def gpus(self) -> dict[int, bool]:
        """The other GPUs seen in this run: NVML index -> whether the run uses it."""
        return dict(self._gpus)

    def show_all_gpus(self, on: bool) -> None:
        """Draw the machine's GPUs the run does not use too (``False``: the run's only)."""
        self._show_all_gpus = on
        for (_key, _mode, variant), curve in self._curves.items():
            if variant.startswith("gpu"):
                curve.setVisible(on or self._gpus.get(int(variant[3:]), False))
        self._update_gpu_legend()

    def _update_gpu_legend(self) -> None:
        """Say which GPUs the run uses, and which line style is which GPU."""
        if not self._gpus:
            self._gpu_legend.setVisible(False)
            return
        primary = self._primary_gpu
        parts = [self.tr("GPU {0}: solid").format(primary)] if primary is not None else []
        names = {Qt.PenStyle.DashLine: "– –", Qt.PenStyle.DotLine: "· · ·",
                 Qt.PenStyle.DashDotLine: "–·–", Qt.PenStyle.DashDotDotLine: "–··–"}
        for index, in_run in sorted(self._gpus.items()):
            if not in_run and not self._show_all_gpus:
                continue
            style = names[GPU_DASHES[index % len(GPU_DASHES)]]
            parts.append((self.tr("GPU {0}: {1} (this run)") if in_run
                          else self.tr("GPU {0}: {1} (not this run)")).format(index, style))
        hidden = sum(1 for v in self._gpus.values() if not v)
        if hidden and not self._show_all_gpus:
            parts.append(self.tr("{0} more GPU(s) not used by this run: "
                                 "View ▸ Every GPU of the machine").format(hidden))
        self._gpu_legend.setText(" · ".join(parts))
        self._gpu_legend.setVisible(True)

    def add_step(self, step: StepStats) -> None:
        """Append one step record to throughput, step time and (training) loss.

        A distributed run's records are rank 0's: the throughput axis then says "per rank".
        """
        if self._t0 is None:
            return
        if step.ranks > 1 and step.ranks != self._ranks:
            self._ranks = step.ranks
            unit = (self.tr("tokens/s per rank (× {0})") if self._is_lm
                    else self.tr("samples/s per rank (× {0})")).format(step.ranks)
            self._panels["throughput"].plot_item.setLabel("left", unit)
        x = self._x(step.t_s)
        for key, phase, y in step_points(step, self._is_lm):
            self._series(key, phase).append(x, y)

    def add_phase(self, phase: Phase) -> None:
        """Mark a phase change: a labelled line; the warm-up is also shaded."""
        if self._t0 is None:
            return
        x = self._x(phase.t_s)
        labels = {
            "build": self.tr("build"),
            "warmup": self.tr("warm-up"),
            "measure": self.tr("measure"),
            "done": self.tr("done"),
        }
        label = labels.get(phase.name, phase.name)
        position = LABEL_POSITIONS[self._n_phases % len(LABEL_POSITIONS)]
        self._n_phases += 1
        regions = []
        labelled = set(self._order[:COLUMNS])  # labels on the top row only: less clutter
        for key, panel in self._panels.items():
            line = panel.add_phase_line(x, label if key in labelled else "")
            line.label.setPosition(position)
            if phase.name == "done":  # the last line sits at the right edge: label on its left
                line.label.anchors = [(1, 0.5), (1, 0.5)]
                line.label.updatePosition()
            if phase.name == "warmup":
                regions.append(panel.add_region(x, x))
        if phase.name == "warmup":
            self._warmup_region = regions
            self._warmup_open = True
        elif phase.name in ("measure", "done") and self._warmup_open:
            self._close_warmup(x)
        if phase.name == "done":
            self.refresh()  # the run's last points, whatever their span

    def _close_warmup(self, x: float) -> None:
        for region in self._warmup_region:
            lo, _ = region.getRegion()
            region.setRegion((lo, max(lo, x)))
        self._warmup_open = False

    def set_telemetry_status(self, status: TelemetryStatus) -> None:
        """Show why GPU plots are empty (no driver, unsupported readings), if they are."""
        self.set_gpu_available(status.gpu_available, said(status.msg, status.message))
        self._primary_gpu = status.gpu_index
        supported = status.supported
        self._unsupported = {
            key
            for key, names in NEEDS.items()
            if names and all(supported.get(n) is False for n in names)
        }
        estimated = supported.get("energy") is False and bool(supported.get("power"))
        self._panels["energy"].set_title(
            self.tr("Energy (cumulative, estimated from power)")
            if estimated
            else self.tr("Energy (cumulative)")
        )
        self._update_gpu_notes()

    def set_gpu_available(self, available: bool, message: str = "") -> None:
        """Say whether an NVIDIA GPU can be read; ``message`` says why not."""
        if available != self._gpu_available:
            self._arrange(ORDER_WITH_GPU if available else ORDER_WITHOUT_GPU)
        self._gpu_available = available
        self._gpu_note = (
            None
            if available
            else self.tr("N/A — {0}").format(message or self.tr("no NVIDIA GPU found"))
        )
        self._update_gpu_notes()

    def gpu_available(self) -> bool:
        """Whether the GPU plots can show data."""
        return self._gpu_available

    def _update_gpu_notes(self) -> None:
        for key in GPU_KEYS:
            note = self._gpu_note
            if note is None and key in self._unsupported:
                note = self.tr("N/A — not supported by this GPU")
            if key == "energy" and self._cpu_energy:
                note = None  # the CPU's own energy (RAPL) is plotted
            self._panels[key].set_note(note)

    def _update_loss_note(self) -> None:
        note = None
        if self._mode == "infer" and not self._traces["train"].has_data("loss"):
            note = self.tr("Inference computes no loss; run training to see it fall.")
        self._panels["loss"].set_note(note)

    # -- timer -----------------------------------------------------------------------
    def tick(self) -> None:
        """What the 10 Hz timer does: push the buffers with something new to draw.

        A buffer whose new points span less than half a pixel of its plot (and less than
        :data:`MAX_STALE_S`) waits for the next tick: over a long run most ticks then
        redraw nothing, and a redraw costs what changed on screen (``bench/gui_soak.py``).
        """
        self.refresh(everything=False)

    def _due(self, key: str, series: Series) -> bool:
        """Whether ``series``' unseen points are worth a redraw of plot ``key`` now."""
        span = series.unseen_span()
        if span == math.inf:
            return True
        viewbox = self._panels[key].plot_item.getViewBox()
        width_px = viewbox.width()
        if width_px < 50:  # not laid out yet (hidden tab): no pixel size to go by
            return True
        x0, x1 = viewbox.viewRange()[0]
        return span >= min(MAX_STALE_S, 0.5 * (x1 - x0) / width_px)

    def refresh(self, everything: bool = True) -> None:
        """Push changed buffers to their curves.

        Args:
            everything: Push every changed buffer (a run began or ended, stored data
                arrived); ``False`` is the timer's :meth:`tick`.
        """
        for mode, trace in self._traces.items():
            for name, series in trace.series.items():
                if not series.dirty:
                    continue
                key, phase = name.split("/")
                if not everything and not self._due(key, series):
                    continue
                curve = self._curves[(key, mode, phase)]
                if series.has_finite:
                    x, y = series.view()
                    curve.setData(x, y, connect="finite")
                    self._panels[key].fit_pen(curve, len(x))
                    if phase == "measure" and key in ("throughput", "step_time", "loss"):
                        # one or two measured steps draw no line: show them as points
                        few = len(x) <= 2
                        curve.setSymbol("o" if few else None)
                        if few:
                            curve.setSymbolSize(6)
                            curve.setSymbolBrush(curve.opts["pen"].color())
                    if phase != "measure" and key in EXTRA_VARIANTS:
                        self._add_variant_legend(key)
                else:
                    series.view()
                    curve.setData([], [])
        latest = max(
            (s.last_x() or 0.0 for t in self._traces.values() for s in t.series.values()),
            default=0.0,
        )
        if latest > self._x_max:
            self._x_max = latest
            if latest > self._x_shown:
                window = self._history_s or math.inf
                self._set_x_range(max(1.0, latest + min(latest, window) * X_HEADROOM),
                                  windowed=True)
        if self._warmup_open and self._warmup_region:
            end = self._latest_x()
            if end is not None:
                for region in self._warmup_region:
                    lo, _ = region.getRegion()
                    region.setRegion((lo, max(lo, end)))

    def _set_x_range(self, x_max: float, windowed: bool = False) -> None:
        """Every plot that follows the run shows 0 .. x_max seconds: one shared time axis.

        ``windowed``: a live run or a replay, whose plots show only the last
        :meth:`history_window` seconds when one is set.
        """
        self._x_shown = x_max
        x0 = max(0.0, x_max - self._history_s) if windowed and self._history_s else 0.0
        for key in self._follow:
            self._panels[key].show_x(x0, x_max)

    def set_history_window(self, seconds: float) -> None:
        """Show the newest ``seconds`` of a run (the plots scroll); 0 shows the whole run.

        Every point is kept: zooming out (or the right-click menu's View All) shows the
        rest.
        """
        self._history_s = max(0.0, float(seconds))
        if self._x_max > 0 and not self._overlay.active:
            window = self._history_s or math.inf
            self._set_x_range(max(1.0, self._x_max + min(self._x_max, window) * X_HEADROOM),
                              windowed=True)

    def history_window(self) -> float:
        """Seconds of a run the plots show, the newest; 0 is the whole run."""
        return self._history_s

    def _latest_x(self) -> float | None:
        xs = [s.last_x() for s in self._traces[self._mode].series.values()]
        finite = [x for x in xs if x is not None and math.isfinite(x)]
        return max(finite) if finite else None

    def stop_timer(self) -> None:
        """Stop refreshing (the window is closing)."""
        self._timer.stop()

    # -- stored data -----------------------------------------------------------------
    def clear(self) -> None:
        """Empty every plot (both modes, phase marks, an overlay): back to a blank view."""
        if self._overlay.active:
            self.clear_overlay()
        for trace in self._traces.values():
            trace.clear()
            trace.model = ""
        for panel in self._panels.values():
            panel.clear_phase_marks()
        self._t0 = None
        self._x_max = 0.0
        self._warmup_region = []
        self._warmup_open = False
        self._follow = set(self._panels)
        self._set_x_range(1.0)
        self._update_loss_note()
        self._panels["throughput"].set_note(self.idle_note())
        self.set_x_note(None)
        self.refresh()

    @property
    def overlay_active(self) -> bool:
        """True while an overlay of stored runs is shown."""
        return self._overlay.active

    def show_overlay(self, runs: list[OverlayRun]) -> None:
        """Show ``runs`` together, aligned at their start, one colour and legend entry each.

        The training and inference curves are emptied and hidden until the next run (or
        :meth:`clear_overlay`).
        """
        for trace in self._traces.values():
            trace.clear()
            trace.model = ""
        self.refresh()
        for curve in self._curves.values():
            curve.setVisible(False)
        for legend in self._variant_legends.values():
            legend.setVisible(False)
        for panel in self._panels.values():
            panel.clear_phase_marks()
            panel.plot_item.enableAutoRange(y=True)
        x_max = self._overlay.show(runs)
        self._t0 = None
        self._x_max = x_max
        self._follow = set(self._panels)
        self._set_x_range(max(1.0, x_max))
        lms = {run.language_model for run in runs}
        unit = (
            self.tr("tokens/s") if lms == {True}
            else self.tr("samples/s") if lms == {False}
            else self.tr("samples/s · tokens/s (language models)")
        )
        self._panels["throughput"].plot_item.setLabel("left", unit)
        for key, panel in self._panels.items():
            panel.set_note(None if self._overlay.has_data(key)
                           else self.tr("No data in these runs"))
        for label in self._mode_legend:
            label.setVisible(False)
        self._overlay_legend.setText("&nbsp;&nbsp; ".join(  # wrap between runs only
            f"<span style='color:{color}; font-size:14pt'>■</span>&nbsp;"
            + escape(name).replace(" ", "&nbsp;")
            for name, color in self.legend_entries()
        ))
        self._overlay_legend.setVisible(True)
        self._x_note.setText(self.tr("x: seconds since each run started · measured steps only"))

    def clear_overlay(self) -> None:
        """Remove the overlay and bring the training and inference curves back."""
        self._overlay.clear()
        for curve in self._curves.values():
            curve.setVisible(True)
        for legend in self._variant_legends.values():
            legend.setVisible(True)
        for label in self._mode_legend:
            label.setVisible(True)
        self._overlay_legend.setVisible(False)
        self.set_x_note(None)
        self._update_gpu_notes()
        self._update_loss_note()
        for key in HOST_KEYS + STEP_KEYS:
            if key != "loss":
                self._panels[key].set_note(None)

    def overlay_curves(self, key: str) -> list[pg.PlotDataItem]:
        """The overlay's curves in plot ``key``, one per run."""
        return self._overlay.curves(key)

    def overlay_legend(self, key: str) -> list[str]:
        """The run names in plot ``key``'s overlay legend."""
        return self._overlay.legend_names(key)

    # -- export ----------------------------------------------------------------------
    def export_dashboard(self, path: str, width: int) -> None:
        """Write every plot, with titles, legend and source strip, as one PNG.

        Raises:
            ValueError: ``width`` is too small, or the plots have no size yet.
            OSError: The file cannot be written.
        """
        dashboard_export.export_dashboard(self, path, width)

    def export_dashboard_with_dialog(self) -> None:
        """Ask for a size and a file name, then export the dashboard (errors: the sink)."""
        dashboard_export.export_dashboard_with_dialog(self)
