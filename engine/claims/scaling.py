"""Scaling efficiency of a distributed run against the same run on one rank.

``efficiency = rate(N ranks) / (N × rate(1 rank))``: 1.0 is perfect scaling; data-parallel
training loses some of it to the all-reduce of the gradients every step, inference
replicas (which share nothing) should not. The one-rank run is the newest stored run of
the same model, mode and settings (:data:`engine.claims.evidence.SETTINGS`) at one rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.claims.evidence import Evidence
from engine.core.events import Summary
from engine.core.values import Msg, msg, rate, share

MEASURED = ("completed", "stopped")
"""Stored runs whose summary measured something."""


@dataclass(frozen=True)
class Scaling:
    """A distributed run beside its one-rank counterpart.

    Attributes:
        efficiency: ``rate(N) / (N × rate(1))`` (0-1; above 1 is superlinear).
        baseline_run_id: The stored one-rank run's id.
        baseline: Its summary.
    """

    efficiency: float
    baseline_run_id: int
    baseline: Summary

    def to_dict(self) -> dict[str, Any]:
        """The JSON fields ``scaling_efficiency`` and ``scaling_baseline_run``."""
        return {"scaling_efficiency": self.efficiency,
                "scaling_baseline_run": self.baseline_run_id}


def efficiency(s: Summary, one: Summary | None) -> float | None:
    """``rate(N ranks) / (N × rate(1 rank))`` of the same mode, or ``None``."""
    if one is None or not one.rate or not s.rate:
        return None
    return s.rate / (s.world_size * one.rate)


def against_stored(store: Any, s: Summary) -> Scaling | None:
    """``s`` (a run on several ranks) against the newest stored one-rank run like it.

    Args:
        store: An :class:`engine.session.store.db.Store`.
        s: The distributed run's summary.

    Returns:
        ``None`` for a one-rank run, or when no such run is stored.
    """
    if s.world_size <= 1:
        return None
    for rec in store.list_runs(s.model):
        one: Summary | None = rec.summary
        if one is None:
            continue
        if rec.status not in MEASURED or one.world_size != 1:
            continue
        if Evidence().find(one, s.mode) is not one:
            continue  # another mode, or nothing measured
        if Evidence((one,)).find(s, s.mode, world_size=1) is not one:
            continue  # differs in a setting
        value = efficiency(s, one)
        if value is not None:
            return Scaling(value, rec.id, one)
    return None


def scaling_msg(s: Summary, scaling: Scaling | None) -> Msg:
    """``71% of linear scaling (2 × run 12 at one rank, 627 vectors/s)``, or how to get it."""
    if scaling is None:
        return msg("scaling.no_baseline", ranks=s.world_size)
    one = scaling.baseline
    return msg("scaling.against", efficiency=share(scaling.efficiency), ranks=s.world_size,
               run=scaling.baseline_run_id, rate=rate(one.rate, one.rate_unit))
