"""Completing the comparison: run what its verdicts need, then judge again.

A :class:`~engine.claims.compare.Comparison` lists the runs its claims need
(:meth:`~engine.claims.compare.Comparison.needs`: fp32 beside a bf16 training, batch 1
beside a large batch, int8 beside the unquantized model, or a mode not run yet).
:func:`plan_completion` turns them into an experiment plan (``complete``) that runs through
:func:`engine.claims.experiment_runner.run_experiment` like any experiment (stored, plotted
live, stoppable); its table is the comparison judged again with those runs as evidence, so
every row and bullet the device can measure gets a measured verdict in one action
(Compare's *Complete the table*, ``trainfer compare --complete``).
"""

from __future__ import annotations

from engine.claims.compare import Comparison, build
from engine.claims.evidence import Need
from engine.claims.experiments import (
    Case,
    CaseResult,
    Experiment,
    ExperimentPlan,
    Table,
    comparison_table,
    on_cpu,
)
from engine.claims.verdicts import CONFIRMED, NOT_CONFIRMED, NOT_MEASURABLE, Verdict
from engine.core.events import Summary
from engine.core.values import msg

COMPLETE = "complete"


def completed(cmp: Comparison, results: list[CaseResult]) -> Comparison:
    """``cmp`` judged again with the runs of ``results`` as evidence.

    A run of a mode the pair lacked (the need ``train`` or ``infer``) becomes that side of
    the pair.
    """
    runs = [c.summary for c in results if c.summary is not None]
    train, infer = cmp.train, cmp.infer
    for c in results:
        s = c.summary
        if s is not None and c.label in ("train", "infer"):
            train, infer = (s, infer) if s.mode == "train" else (train, s)
    return build(train, infer, cmp.evidence.with_runs(runs))


def _base(cmp: Comparison, n: Need) -> Summary | None:
    """The pair's run whose settings ``n`` changes (the other mode's when it is missing)."""
    same, other = (cmp.train, cmp.infer) if n.mode == "train" else (cmp.infer, cmp.train)
    return same if same is not None else other


def plan_completion(cmp: Comparison, seconds: float | None = None) -> ExperimentPlan:
    """The runs ``cmp``'s verdicts need, as an experiment plan.

    Args:
        cmp: A comparison with at least one run.
        seconds: Measured seconds per run (default: as long as the pair's runs, at least
            2 s).

    Returns:
        The plan (its ``cases`` are empty when nothing is missing). An inference case
        starts from the weights of a training case planned before it.

    Raises:
        ValueError: ``cmp`` has no run to base the others on.
    """
    if cmp.train is None and cmp.infer is None:
        raise ValueError("run training or inference first: the missing runs copy its settings")
    pair = cmp.train or cmp.infer
    assert pair is not None
    if seconds is None:
        seconds = max(2.0, round(pair.measured_s, 1))
    cpu = pair.device == "cpu" or on_cpu(pair.device)
    cases: list[Case] = []
    trains = [n for n in cmp.needs() if n.mode == "train"]
    for n in [*trains, *(n for n in cmp.needs() if n.mode == "infer")]:
        base = _base(cmp, n)
        assert base is not None
        config = n.config(base, seconds)
        unavailable = None
        if cpu and config.precision == "fp16":
            unavailable = msg("case.fp16_cpu")
        elif cpu and config.quantize == "fp8":
            unavailable = msg("case.fp8_cpu")
        giver = "train" if n.mode == "infer" and any(t.key == "train" for t in trains) else ""
        cases.append(Case(n.key, n.title, config, unavailable, weights_from=giver))
    return ExperimentPlan(_experiment(cmp, cases), cmp.model, pair.device, cases)


def _experiment(cmp: Comparison, cases: list[Case]) -> Experiment:
    def table(results: list[CaseResult]) -> Table:
        return comparison_table(completed(cmp, results))

    def verdict(results: list[CaseResult]) -> Verdict:
        return counted(completed(cmp, results))

    return Experiment(COMPLETE, cmp.model, lambda *_a: cases, table, verdict)


def counted(cmp: Comparison) -> Verdict:
    """The comparison as one verdict: confirmed only when every verdict is.

    Not confirmed when any is not; otherwise not measurable. The message is the count
    (:func:`engine.claims.compare.headline`).
    """
    from engine.claims.compare import headline

    c = cmp.counts()
    status = (NOT_CONFIRMED if c[NOT_CONFIRMED] else
              CONFIRMED if c[NOT_MEASURABLE] == 0 else NOT_MEASURABLE)
    return Verdict(status, headline(cmp))
