"""``trainfer experiment NAME``: a guided experiment's cases, its table and its verdict."""

from __future__ import annotations

import argparse
import json

from engine.cli.outcome import EXIT_INTERRUPTED, EXIT_OK, open_store
from engine.cli.parser import parse_batches
from engine.cli.running import run_plan
from engine.core.format import text
from engine.core.values import msg


def main(args: argparse.Namespace) -> int:
    """``trainfer experiment NAME``: its cases one after another, then its table.

    Ctrl-C (or SIGTERM) stops the case in progress after its step and skips the rest;
    what was measured is kept and reported.
    """
    from engine.claims.experiments import plan_experiment
    from engine.cli.report import table_text

    plan = plan_experiment(args.name, args.model, args.device, args.seconds,
                           parse_batches(args.batches))  # ConfigError: exit 2, nothing run
    result = run_plan(plan, open_store(args, required=False))
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
