"""A small card with one run's headline numbers, in its mode's colour."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from engine.claims.compare import counter_resets_msg
from engine.core.catalog import CATALOG
from engine.core.events import Summary
from engine.core.values import (
    joules,
    millis,
    nbytes,
    percent,
    seconds,
    share,
    tflops,
    watts,
)
from gui.translation import Context
from gui.widgets import theme
from gui.widgets.run_text import energy_value, throughput_value
from gui.widgets.words import said, words

Card = Context("Card")
"""Translation context of this module's texts outside a QObject."""


def throughput_text(summary: Summary) -> str:
    """``"1,234 tokens/s"`` for language models, ``"1,234 images/s"`` otherwise."""
    return words(throughput_value(summary))


def energy_text(summary: Summary) -> str:
    """Energy per sample (or token) and in all, ``"N/A"`` without NVML; *estimated* noted."""
    if summary.energy_j is None:
        return words(None)
    text = f"{words(energy_value(summary))} · {words(joules(summary.energy_j))}"
    if summary.energy_source == "estimated_from_power":
        text += " " + Card.tr("(estimated)")
    elif summary.energy_source == "rapl":
        text += " " + Card.tr("(CPU package and DRAM, RAPL)")
    resets = counter_resets_msg(summary)
    if resets is not None:
        text += " · " + words(resets)
    return text


def compute_text(summary: Summary) -> str:
    """Achieved TFLOP/s and MFU (or why there is no MFU)."""
    if not summary.tflops_per_s:
        return words(None)
    text = words(tflops(summary.tflops_per_s))
    if summary.mfu_pct is not None:
        text += " · " + Card.tr("MFU {0}").format(words(percent(summary.mfu_pct)))
    else:
        text += " · " + Card.tr("MFU N/A (no peak rate for this device)")
    return text


def power_text(summary: Summary) -> str:
    """Mean power (1 s average) and, where the GPU reports it, the instant reading."""
    text = words(watts(summary.mean_power_w))
    if summary.mean_power_instant_w is not None:
        text += " · " + Card.tr("{0} instant").format(words(watts(summary.mean_power_instant_w)))
    return text


class SummaryCard(QFrame):
    """Headline numbers of the latest run of one mode: throughput, step time, memory, energy.

    Args:
        mode: ``"train"`` or ``"infer"``; sets the colour and the heading.
    """

    def __init__(self, mode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = mode
        self.setObjectName(f"card_{mode}")
        color, tint = theme.mode_color(mode), theme.mode_tint(mode)
        self.setStyleSheet(
            f"#card_{mode} {{ background: {tint}; border: 1px solid {color};"
            f" border-left: 6px solid {color}; border-radius: 4px; }}"
            f" #card_{mode} QLabel {{ background: transparent; border: none; }}"
        )
        self._heading = QLabel()
        self._heading.setStyleSheet(f"color: {color}; font-weight: bold; font-size: 12pt;")
        self._body = QLabel()
        self._body.setObjectName(f"card_{mode}_body")
        self._body.setTextFormat(Qt.TextFormat.RichText)
        self._body.setWordWrap(True)
        self._body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._body.setToolTip(self.sources())
        # no empty stretch
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self._heading)
        layout.addWidget(self._body, 1)
        self.set_summary(None)

    def sources(self) -> str:
        """The card's tooltip: where each of its numbers comes from, and its unit."""
        rows = (
            (self.tr("Throughput"), self.tr(
                "measured steps' samples (tokens) per second, from the step times; samples/s")),
            (self.tr("Step time"), self.tr(
                "CUDA events on a GPU, the host clock on a CPU; median and 95th percentile, "
                "ms")),
            (self.tr("Peak memory"), self.tr(
                "the CUDA allocator's peak allocated on a GPU; on a CPU the growth of the run "
                "process's resident set (RSS); bytes")),
            (self.tr("Compute"), self.tr(
                "FLOPs per step from PyTorch's FLOP counter, divided by the step time; "
                "TFLOP/s, and MFU against the GPU's datasheet peak")),
            (self.tr("Energy"), self.tr(
                "NVML's energy counter of the GPU (or power integrated, estimated); on a CPU "
                "the RAPL counters; J, and J per sample")),
            (self.tr("Mean power"), self.tr(
                "NVML's power readings over the measured phase (1 s average and instant); "
                "W")),
        )
        return "<br>".join(f"<b>{escape(name)}</b>: {escape(text)}" for name, text in rows)

    def _mode_name(self) -> str:
        return self.tr("Training") if self.mode == "train" else self.tr("Inference")

    def set_summary(self, summary: Summary | None) -> None:
        """Show ``summary`` (``None``: this mode has not run for the model yet)."""
        self.summary = summary
        if summary is None:
            self._heading.setText(self._mode_name())
            self._body.setText(escape(self.tr("Not run yet for this model.")))
            return
        title = CATALOG[summary.model].title if summary.model in CATALOG else summary.model
        self._heading.setText(f"{self._mode_name()} — {title}")
        rows = [
            (self.tr("Throughput"), throughput_text(summary)),
            (
                self.tr("Step time"),
                self.tr("{0} median · {1} p95").format(
                    words(millis(summary.step_ms_median)), words(millis(summary.step_ms_p95))
                ),
            ),
            (
                self.tr("Peak memory"),
                words(nbytes(summary.peak_mem_bytes))
                + " "
                + (
                    self.tr("(allocated)")
                    if summary.peak_mem_source == "cuda_max_allocated"
                    else self.tr("(growth of the process RSS)")
                ),
            ),
            (self.tr("Compute"), compute_text(summary)),
            (self.tr("Energy"), energy_text(summary)),
            (self.tr("Mean power"), power_text(summary)),
            (
                self.tr("Run"),
                self.tr("{0} · {1} · batch {2} · {3} steps in {4}").format(
                    summary.device_name or summary.device,
                    summary.precision,
                    summary.batch_size,
                    summary.measured_steps,
                    words(seconds(summary.measured_s)),
                ),
            ),
        ]
        split = summary.step_split()
        if split is not None:
            rows.insert(2, (
                self.tr("Step split"),
                self.tr("forward {0} + backward {1} + optimizer {2} = {3} ({4})").format(
                    words(millis(split.forward_ms)), words(millis(split.backward_ms)),
                    words(millis(split.optimizer_ms)), words(millis(split.step_ms)),
                    self.tr("means") if split.statistic == "mean" else self.tr("medians"),
                ),
            ))
        if summary.heldout_accuracy is not None:
            whose = (self.tr("trained weights") if summary.weights_from or summary.mode == "train"
                     else self.tr("random weights"))
            rows.append((self.tr("Accuracy"), self.tr("{0} on held-out data ({1}; chance {2})")
                         .format(words(share(summary.heldout_accuracy)), whose,
                                 words(share(summary.heldout_chance)))))
        if summary.stopped_early:
            rows.append((self.tr("Note"), self.tr("stopped early")))
        if summary.energy_j is None and (summary.telemetry_note_msg or summary.telemetry_note):
            rows.append((self.tr("Why N/A"), said(summary.telemetry_note_msg,
                                                  summary.telemetry_note)))
        html = "<table cellspacing='0' cellpadding='1'>" + "".join(
            f"<tr><td style='color:#495057; padding-right:8px'>{escape(k)}</td>"
            f"<td><b>{escape(v)}</b></td></tr>"
            for k, v in rows
        )
        self._body.setText(html + "</table>")

    def text(self) -> str:
        """The card's body as shown (rich text), for tests."""
        return self._body.text()


def history_line(summary: Summary) -> str:
    """One line for the run list: mode, model, device, throughput, step, memory, energy."""
    mode = Card.tr("training") if summary.mode == "train" else Card.tr("inference")
    parts = [
        f"{mode} · {summary.model} · {summary.device}",
        throughput_text(summary),
        words(millis(summary.step_ms_median)),
        words(nbytes(summary.peak_mem_bytes)),
        energy_text(summary),
    ]
    return "   ".join(parts)
