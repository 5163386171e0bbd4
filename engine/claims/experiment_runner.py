"""Running an experiment: its cases one after another, through one session, as events.

:func:`run_experiment` is a generator. The command line loops over it; the GUI drives it
from a worker thread and hands every event to the same bridge as a live run, so the Live
tab plots each case as it runs. It yields:

  * :class:`ExperimentStarted` once, with the plan;
  * per case, :class:`CaseStarted`, then every event of the case's run (``Started``,
    ``Sample``, ``StepStats`` ... ending with its ``Summary`` or ``Failed``), then
    :class:`CaseDone` with the case's result (a case that cannot run here gets only its
    :class:`CaseDone`, marked *not available*, and the experiment goes on);
  * :class:`ExperimentDone` last, with the table and the verdict (also the generator's
    return value).

Stop (``should_stop``, polled at every event) ends the case in progress after its step,
as Stop does for a run, and marks the rest *not run*. Each case is a run of the session,
stored like any run; consecutive cases share a run process only where that keeps the
measurement clean (:mod:`engine.session.run_process`), so most pay no start-up.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, Union

from engine.claims.experiment_verdicts import VERDICTS
from engine.claims.experiments import (
    FAILED,
    NOT_AVAILABLE,
    OK,
    OUT_OF_MEMORY,
    STOPPED,
    Case,
    CaseResult,
    ExperimentPlan,
    ExperimentResult,
)
from engine.claims.verdicts import NOT_MEASURABLE
from engine.core.config import ConfigError
from engine.core.events import Event, Failed, Summary
from engine.core.values import msg
from engine.session.handover import TrainedWeights
from engine.session.session import Session


@dataclass(frozen=True)
class ExperimentStarted:
    """The experiment begins: its plan (cases in order)."""

    plan: ExperimentPlan


@dataclass(frozen=True)
class CaseStarted:
    """Case ``index`` (0-based) starts its run; ``config`` has its weights hand-over."""

    index: int
    case: Case
    config: Any


@dataclass(frozen=True)
class CaseDone:
    """Case ``index`` has a result (it ran, or why it did not)."""

    index: int
    result: CaseResult


@dataclass(frozen=True)
class ExperimentDone:
    """Every case is done: the experiment's result, table and verdict."""

    result: ExperimentResult


ExperimentEvent = Union[ExperimentStarted, CaseStarted, CaseDone, ExperimentDone, Event]  # noqa: UP007


def run_experiment(
    plan: ExperimentPlan, session: Session, *, handover: TrainedWeights | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Generator[ExperimentEvent, None, ExperimentResult]:
    """Run ``plan``'s cases through ``session``, yielding their events (module docstring).

    Args:
        plan: From :func:`engine.claims.experiments.plan_experiment`.
        session: Runs each case (and records it in its store); the caller owns it.
        handover: Hands a training case's weights to the inference cases after it (the
            app's, so the Live tab's next inference uses them too); ``None``: the
            experiment's own, deleted when it ends.
        should_stop: Polled at every event; ``True`` stops the experiment.

    Returns:
        The :class:`~engine.claims.experiments.ExperimentResult` (also in the last event).
    """
    stop = should_stop or (lambda: False)
    givers = {c.weights_from for c in plan.cases if c.weights_from}
    own = handover is None
    trained = TrainedWeights() if handover is None else handover
    results: list[CaseResult] = []
    stopped = False
    yield ExperimentStarted(plan)
    try:
        for index, case in enumerate(plan.cases):
            if stopped or stop():
                stopped = True
                result = CaseResult(case.label, case.config.mode, STOPPED, title=case.title)
            elif case.unavailable is not None:
                result = CaseResult(case.label, case.config.mode, NOT_AVAILABLE,
                                    reason=case.unavailable, title=case.title)
            else:
                cfg = case.config
                if case.label in givers or case.weights_from:
                    cfg = trained.prepare(cfg)  # save (training) or load (inference) weights
                result, stopped = yield from _run_case(index, case, cfg, session, stop)
                if result.summary is not None:
                    trained.record(result.summary, cfg.seed)
            results.append(result)
            yield CaseDone(index, result)
    finally:
        if session.running:  # closed early (the app is closing): end the run, keep it
            session.stop(now=True)
        if own:
            trained.close()
    table = plan.experiment.table(results)
    verdict = (plan.experiment.verdict or VERDICTS[plan.name])(results)
    cut = [c.title for c in results if c.status == STOPPED and c.summary is not None]
    if cut and verdict.status != NOT_MEASURABLE:
        verdict = dataclasses.replace(verdict, message=msg(
            "experiment.verdict_cut", verdict=verdict.message, cases=cut))
    outcome = ExperimentResult(plan.name, plan.model, plan.device, results, table, stopped,
                               verdict)
    yield ExperimentDone(outcome)
    return outcome


def _run_case(index: int, case: Case, cfg: Any, session: Session,
              stop: Callable[[], bool]) -> Generator[Event | CaseStarted, None,
                                                     tuple[CaseResult, bool]]:
    """Run one case through ``session``; returns its result and whether Stop was asked."""
    mode = cfg.mode
    try:
        session.start(cfg)
    except ConfigError as exc:
        return CaseResult(case.label, mode, NOT_AVAILABLE, reason=exc.msg,
                          title=case.title), False
    yield CaseStarted(index, case, cfg)
    terminal: Summary | Failed | None = None
    stopped = False
    for ev in session.iter_events():
        yield ev
        if not stopped and stop():
            session.stop()
            stopped = True
        if isinstance(ev, (Summary, Failed)):
            terminal = ev
    return _case_result(case, mode, terminal, session.run_id), stopped


def _case_result(case: Case, mode: str, terminal: Summary | Failed | None,
                 run_id: int | None) -> CaseResult:
    if isinstance(terminal, Summary):
        status = STOPPED if terminal.stopped_early else OK
        return CaseResult(case.label, mode, status, terminal, run_id=run_id, title=case.title)
    if terminal is None:
        return CaseResult(case.label, mode, FAILED, reason=msg("experiment.no_result"),
                          run_id=run_id, title=case.title)
    status = {"oom": OUT_OF_MEMORY, "config": NOT_AVAILABLE,
              "stopped": STOPPED}.get(terminal.kind, FAILED)
    if terminal.kind == "config":
        run_id = None  # refused before any step: the store does not keep it
    reason = terminal.msg or msg("failed.error", error=terminal.message)
    return CaseResult(case.label, mode, status, reason=reason, run_id=run_id,
                      title=case.title)


def run_to_end(plan: ExperimentPlan, session: Session, *, handover: TrainedWeights | None = None,
               should_stop: Callable[[], bool] | None = None,
               on_event: Callable[[ExperimentEvent], None] | None = None) -> ExperimentResult:
    """Loop over :func:`run_experiment` and return its result (tests, scripts)."""
    events = run_experiment(plan, session, handover=handover, should_stop=should_stop)
    while True:
        try:
            ev = next(events)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        if on_event is not None:
            on_event(ev)
