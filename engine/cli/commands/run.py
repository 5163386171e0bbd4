"""``trainfer run``: one model in one mode, then its summary."""

from __future__ import annotations

import argparse
import json

from engine.cli.outcome import EXIT_INTERRUPTED, EXIT_OK, fail, open_store
from engine.cli.parser import run_config
from engine.cli.progress import Progress
from engine.cli.running import run_one
from engine.core.events import Failed


def main(args: argparse.Namespace) -> int:
    """``trainfer run``."""
    from engine.cli.report import summary_text

    cfg = run_config(args, args.mode, args.batch_size)
    result = run_one(cfg, Progress(), open_store(args, required=False))
    if isinstance(result, Failed):
        return fail(result, args.json)
    print(json.dumps(result.to_dict()) if args.json else summary_text(result))
    return EXIT_INTERRUPTED if result.stopped_early else EXIT_OK

