"""Runs from the command line: Ctrl-C and SIGTERM stop them and still report."""

from __future__ import annotations

import dataclasses
import signal
import sys
from typing import Any

from engine.cli.progress import Progress
from engine.core.config import RunConfig
from engine.core.events import Failed, Summary
from engine.core.format import text
from engine.core.values import msg, seconds


def run_one(cfg: RunConfig, progress: Progress, store: Any = None) -> Summary | Failed:
    """Run ``cfg`` in a session.

    Ctrl-C asks the run to stop after the step in progress (a second one ends it within a
    second); SIGTERM ends it within a second. Either way what was measured is reported.
    """
    from engine.session.session import Session

    session = Session(store=store)
    session.start(cfg)  # may raise ConfigError
    result: Summary | Failed | None = None
    interrupted = 0

    def on_sigint(signum: int, frame: Any) -> None:
        nonlocal interrupted
        interrupted += 1
        if interrupted == 1 and session.stop_grace_s() > 1.5:
            print("\n" + text(msg("cli.stopping", grace=seconds(round(session.stop_grace_s())))),
                  file=sys.stderr)
        session.stop(now=interrupted > 1)

    def on_sigterm(signum: int, frame: Any) -> None:
        nonlocal interrupted
        interrupted += 1
        session.stop(now=True)  # a supervisor's kill: end soon, still report and clean up

    previous = signal.signal(signal.SIGINT, on_sigint)
    previous_term = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        for ev in session.iter_events():
            progress.feed(ev)
            if isinstance(ev, (Summary, Failed)):
                result = ev
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)
        session.close()
        progress.done()
    if result is None:
        result = Failed.of("crash", msg("cli.no_result"))
    if interrupted and isinstance(result, Summary):
        result = dataclasses.replace(result, stopped_early=True)
    return result



def run_plan(plan: Any, store: Any = None) -> Any:
    """Run an experiment plan's cases one after another, with a progress line each.

    Ctrl-C (or SIGTERM) stops the case in progress after its step and skips the rest;
    what was measured is kept. Returns the
    :class:`~engine.claims.experiments.ExperimentResult`.
    """
    from engine.claims.experiment_runner import CaseDone, CaseStarted, run_to_end
    from engine.session.session import Session

    session = Session(store=store)
    progress: list[Progress] = []
    stop = {"asked": False}

    def on_event(ev: Any) -> None:
        if isinstance(ev, CaseStarted):
            print(text(msg("cli.case", experiment=plan.name, case=ev.case.title)),
                  file=sys.stderr)
            progress.append(Progress())
        elif isinstance(ev, CaseDone):
            if progress:
                progress[-1].done()
        elif progress:
            progress[-1].feed(ev)

    def on_signal(signum: int, frame: Any) -> None:
        stop["asked"] = True

    previous = signal.signal(signal.SIGINT, on_signal)
    previous_term = signal.signal(signal.SIGTERM, on_signal)
    try:
        return run_to_end(plan, session, should_stop=lambda: stop["asked"], on_event=on_event)
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)
        session.close()
        if progress:
            progress[-1].done()
