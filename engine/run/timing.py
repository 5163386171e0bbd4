"""Timing the steps: device events or the host clock, and the StepStats they become.

Synchronization points (STYLE.md 6), each named where it happens:
  * on CUDA, step time comes from CUDA events read once the step has finished; the host
    waits on an event only to keep at most :data:`MAX_IN_FLIGHT` steps queued;
  * the loss ``.item()`` is read only after its step's end event completed (no stall);
  * on a CPU the work is synchronous: the host clock after each part is its end.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from engine.core.events import Event, StepStats
from engine.core.summary import StepTiming

MAX_IN_FLIGHT = 2
EVENT_INTERVAL_S = 0.05  # at most ~20 StepStats events per second; faster steps are averaged

Emit = Callable[[Event], None]
ShouldStop = Callable[[], bool]


class CudaTimer:
    """CUDA events at the start of a step and at each mark (no host synchronization)."""

    def __init__(self) -> None:
        self.events = [torch.cuda.Event(enable_timing=True)]
        self.events[0].record()

    def mark(self) -> None:
        """Record the end of a part of the step."""
        ev = torch.cuda.Event(enable_timing=True)
        ev.record()
        self.events.append(ev)

    def done(self) -> bool:
        """Whether the device has passed the last mark."""
        return bool(self.events[-1].query())

    def parts_ms(self) -> list[float]:
        """Each part's time (ms). Sync point: waits only when MAX_IN_FLIGHT are queued."""
        self.events[-1].synchronize()
        return [a.elapsed_time(b) for a, b in zip(self.events, self.events[1:])]


class HostTimer:
    """Host clock at the start of a step and at each mark (CPU work is synchronous)."""

    def __init__(self) -> None:
        self.stamps = [time.perf_counter()]

    def mark(self) -> None:
        """Record the end of a part of the step."""
        self.stamps.append(time.perf_counter())

    def parts_ms(self) -> list[float]:
        """Each part's time (ms)."""
        return [(b - a) * 1000.0 for a, b in zip(self.stamps, self.stamps[1:])]


@dataclass
class _Pending:
    step: int
    phase: str
    timer: CudaTimer
    loss: torch.Tensor | None


class StepReporter:
    """Keeps every step's time and loss, and emits :class:`StepStats` (fast steps averaged).

    Args:
        emit: Where the events go.
        batch: Samples per step.
        tokens_per_sample: Tokens per sample for language models, else ``None``.
        ranks: Ranks of a distributed run: its records are this rank's, per rank.
    """

    def __init__(self, emit: Emit, batch: int, tokens_per_sample: int | None,
                 ranks: int = 1) -> None:
        self.emit = emit
        self.ranks = ranks
        self.batch = batch
        self.tokens_per_sample = tokens_per_sample
        self.times_ms: dict[str, list[float]] = {"warmup": [], "measure": []}
        self.losses: dict[str, list[float]] = {"warmup": [], "measure": []}
        self.parts_ms: dict[str, list[list[float]]] = {"warmup": [], "measure": []}
        self._acc: list[tuple[int, float, float | None, list[float]]] = []
        self._acc_phase = ""
        self._last_emit = 0.0

    def add(self, phase: str, step: int, parts_ms: list[float], loss: float | None) -> None:
        """One finished step of ``phase`` (``"warmup"`` or ``"measure"``)."""
        step_ms = sum(parts_ms)
        self.times_ms[phase].append(step_ms)
        self.parts_ms[phase].append(parts_ms)
        if loss is not None:
            self.losses[phase].append(loss)
        if self._acc and self._acc_phase != phase:
            self.flush()
        self._acc.append((step, step_ms, loss, parts_ms))
        self._acc_phase = phase
        now = time.monotonic()
        if phase == "warmup" or now - self._last_emit >= EVENT_INTERVAL_S:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        """Emit the steps not reported yet as one :class:`StepStats` (their mean)."""
        if not self._acc:
            return
        now = time.monotonic() if now is None else now
        n = len(self._acc)
        ms = sum(a[1] for a in self._acc) / n
        losses = [a[2] for a in self._acc if a[2] is not None]
        parts = [sum(a[3][i] for a in self._acc) / n for i in range(len(self._acc[0][3]))]
        sps = self.batch * 1000.0 / ms if ms > 0 else float("nan")
        self.emit(
            StepStats(
                t_s=now,
                step=self._acc[-1][0],
                phase=self._acc_phase,
                step_ms=ms,
                samples_per_s=sps,
                tokens_per_s=sps * self.tokens_per_sample if self.tokens_per_sample else None,
                loss=sum(losses) / len(losses) if losses else None,
                n_steps=n,
                forward_ms=parts[0] if parts else None,
                backward_ms=parts[1] if len(parts) == 3 else None,
                optimizer_ms=parts[2] if len(parts) == 3 else None,
                decode_ms=parts[1] if len(parts) == 2 else None,
                ranks=self.ranks,
            )
        )
        self._acc = []
        self._last_emit = now

    def timing(self, warmup_start_t_s: float | None, measure_start_t_s: float,
               measure_end_t_s: float, stopped_early: bool) -> StepTiming:
        """The statistics of every step seen (:meth:`engine.core.summary.StepTiming.of`)."""
        return StepTiming.of(
            warmup_ms=self.times_ms["warmup"], measured_ms=self.times_ms["measure"],
            measured_parts_ms=self.parts_ms["measure"], warmup_losses=self.losses["warmup"],
            measured_losses=self.losses["measure"], warmup_start_t_s=warmup_start_t_s,
            measure_start_t_s=measure_start_t_s, measure_end_t_s=measure_end_t_s,
            stopped_early=stopped_early)


def run_phase(
    runner: Any,
    phase: str,
    reporter: StepReporter,
    should_stop: ShouldStop,
    max_steps: int | None,
    max_seconds: float | None,
    on_step: Callable[[], None] | None = None,
    agree: Callable[[int], int] | None = None,
) -> tuple[int, bool]:
    """Run ``runner``'s steps until ``max_steps`` or ``max_seconds``, or Stop.

    Args:
        runner: The :class:`engine.run.runner.ModelRunner`.
        phase: ``"warmup"`` or ``"measure"``.
        reporter: Takes each finished step.
        should_stop: Polled before each step.
        max_steps: The phase's length in steps (``None``: no limit).
        max_seconds: Its length in seconds (``None``: no limit).
        on_step: Called after each step (the CPU memory poll).
        agree: Data-parallel training: takes this rank's wish before a step (0 go on,
            1 the phase is over, 2 stop) and returns what every rank agreed on, so every
            rank runs the same steps (:meth:`engine.run.distributed.Rank.agree`).

    Returns:
        ``(steps run, stopped by the user)``.
    """
    cuda = runner.device.type == "cuda"
    pending: deque[_Pending] = deque()
    t0 = time.monotonic()
    step = 0
    stopped = False

    def finish(p: _Pending) -> None:
        parts = p.timer.parts_ms()
        loss = p.loss.item() if p.loss is not None else None  # done already: no stall
        reporter.add(p.phase, p.step, parts, loss)

    while True:
        wish = 0
        over = (max_steps is not None and step >= max_steps) or (
            max_seconds is not None and time.monotonic() - t0 >= max_seconds)
        if over:
            wish = 1
        elif should_stop():
            wish = 2
        if agree is not None:
            wish = agree(wish)
        if wish:
            stopped = wish == 2
            break
        step += 1
        batch = runner.next_batch()  # data is made or loaded before the step's clock starts
        if cuda:
            timer = CudaTimer()
            loss_t = runner.step(batch, timer.mark)
            pending.append(_Pending(step, phase, timer, loss_t))
            while pending and (len(pending) > MAX_IN_FLIGHT or pending[0].timer.done()):
                finish(pending.popleft())
        else:
            host = HostTimer()
            loss_t = runner.step(batch, host.mark)
            loss = loss_t.item() if loss_t is not None else None  # CPU work is already done
            reporter.add(phase, step, host.parts_ms(), loss)
        if on_step is not None:
            on_step()
    while pending:
        finish(pending.popleft())
    reporter.flush()
    return step, stopped
