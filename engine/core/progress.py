"""The readout of a run's latest step, as every edge shows it.

The status bar, the Experiments tab and the command line's progress line all show the
same parts (:func:`step_parts`), joined with their own separator.
"""

from __future__ import annotations

from engine.core.events import StepStats
from engine.core.values import Msg, Quantity, millis, msg, number, rate


def step_parts(step: StepStats, sample_unit: str) -> list[Msg | Quantity]:
    """Which step, its throughput, its time and its loss (training).

    Args:
        step: The latest :class:`~engine.core.events.StepStats`.
        sample_unit: What one sample is (``"images"``); language models count tokens.
    """
    throughput: Msg | Quantity = (rate(step.tokens_per_s, "tokens")
                                  if step.tokens_per_s is not None
                                  else rate(step.samples_per_s, sample_unit))
    if step.ranks > 1:  # rank 0's record: say so (the summary adds up every rank)
        throughput = msg("step.per_rank", rate=throughput, ranks=step.ranks)
    parts: list[Msg | Quantity] = [
        msg("step.warmup" if step.phase == "warmup" else "step.measure", step=step.step),
        throughput,
        millis(step.step_ms, "step"),
    ]
    if step.loss is not None:
        parts.append(msg("step.loss", loss=number(step.loss, 4)))
    return parts
