"""``trainfer experiment NAME``: a guided experiment's cases, its table and its verdict."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from typing import Any

from engine.cli.outcome import EXIT_INTERRUPTED, EXIT_OK, open_store
from engine.cli.parser import parse_batches
from engine.cli.progress import Progress
from engine.core.format import text
from engine.core.values import msg


def main(args: argparse.Namespace) -> int:
    """``trainfer experiment NAME``: its cases one after another, then its table.

    Ctrl-C (or SIGTERM) stops the case in progress after its step and skips the rest;
    what was measured is kept and reported.
    """
    from engine.claims.experiment_runner import CaseDone, CaseStarted, run_to_end
    from engine.claims.experiments import plan_experiment
    from engine.cli.report import table_text
    from engine.session.session import Session

    plan = plan_experiment(args.name, args.model, args.device, args.seconds,
                           parse_batches(args.batches))  # ConfigError: exit 2, nothing run
    session = Session(store=open_store(args, required=False))
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
        result = run_to_end(plan, session, should_stop=lambda: stop["asked"],
                            on_event=on_event)
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)
        session.close()
        if progress:
            progress[-1].done()
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        exp = plan.experiment
        print(text(msg("cli.experiment_head", title=exp.title, model=result.model,
                       device=args.device, claim=exp.claim)))
        print(table_text(*result.table.text()))
        if result.verdict is not None:
            print(text(msg("cli.verdict", verdict=result.verdict.message)))
    return EXIT_INTERRUPTED if result.stopped else EXIT_OK
