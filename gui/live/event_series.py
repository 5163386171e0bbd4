"""Which plot each event feeds: the one mapping the live plots and the overlay share.

A :class:`~engine.core.events.Sample` feeds the telemetry plots, a
:class:`~engine.core.events.StepStats` the step plots; each point is ``(plot key,
variant, y)`` with the variant ``"measure"`` for a plot's main curve (``"warmup"`` for
warm-up steps, ``"sm"`` / ``"tensor"`` / ``"instant"`` / ``"cpu"`` for second readings). ``None`` is
a gap, except where a reading is only taken now and then (energy, GPM): those skip.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.core.events import Sample, StepStats
from gui.widgets.words import GIB

Point = tuple[str, str, "float | None"]


def sample_points(s: Sample) -> Iterator[Point]:
    """The telemetry plots' points of one reading."""
    yield "gpu_util", "measure", s.gpu_util_pct
    if s.sm_activity_pct is not None or s.tensor_activity_pct is not None:
        # GPM windows span several samples; samples between them carry None: no gap.
        yield "gpu_util", "sm", s.sm_activity_pct
        yield "gpu_util", "tensor", s.tensor_activity_pct
    yield "power", "instant", s.power_instant_w
    yield "gpu_mem", "measure", None if s.mem_used_bytes is None else s.mem_used_bytes / GIB
    yield "power", "measure", s.power_w
    if s.energy_j is not None:
        # Only some samples carry the (slow to read) energy counter: no gap between them.
        yield "energy", "measure", s.energy_j
    if s.cpu_energy_j is not None:  # the CPU packages and DRAM (RAPL), where readable
        yield "energy", "cpu", s.cpu_energy_j
    yield "cpu_util", "measure", s.cpu_util_pct
    rss = s.process_rss_bytes
    # A running process never has 0 bytes resident; 0 means it has exited: a gap.
    yield "rss", "measure", rss / GIB if rss else None


def step_points(step: StepStats, language_model: bool) -> Iterator[Point]:
    """The step plots' points of one step record (variant: its phase)."""
    phase = "warmup" if step.phase == "warmup" else "measure"
    yield "throughput", phase, step.tokens_per_s if language_model else step.samples_per_s
    yield "step_time", phase, step.step_ms
    if step.loss is not None:
        yield "loss", phase, step.loss
