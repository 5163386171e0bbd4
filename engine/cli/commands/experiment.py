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
from engine.core.config import ConfigError


def main(args: argparse.Namespace) -> int:
    """``trainfer experiment NAME``: its cases one after another, then its table."""
    from engine.claims.experiments import EXPERIMENTS, run_experiment
    from engine.cli.report import table_text

    if args.name not in EXPERIMENTS:
        raise ConfigError("experiment", f"unknown experiment {args.name!r}; choose one of: "
                          f"{', '.join(EXPERIMENTS)}")
    store = open_store(args, required=False)
    progress: dict[str, Progress] = {}
    stop = {"asked": False}

    def on_event(label: str, ev: Any) -> None:
        if label not in progress:
            if progress:
                list(progress.values())[-1].done()
            print(f"== {args.name}: {label}", file=sys.stderr)
            progress[label] = Progress()
        progress[label].feed(ev)

    def on_sigint(signum: int, frame: Any) -> None:
        stop["asked"] = True

    previous = signal.signal(signal.SIGINT, on_sigint)
    previous_term = signal.signal(signal.SIGTERM, on_sigint)
    try:
        result = run_experiment(args.name, args.model, args.device, args.seconds, store=store,
                                on_event=on_event, should_stop=lambda: stop["asked"],
                                batches=parse_batches(args.batches))
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)
        if progress:
            list(progress.values())[-1].done()
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        exp = EXPERIMENTS[args.name]
        print(f"{exp.title}: {result.model} on {args.device}\nclaim: {exp.claim}")
        print(table_text(result.columns, result.rows))
        if result.verdict is not None:
            print(f"verdict: {result.verdict.text}")
    return EXIT_INTERRUPTED if result.stopped else EXIT_OK

